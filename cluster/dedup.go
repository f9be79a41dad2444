package cluster

import (
	"github.com/newsdesk/newsdesk/textproc"
)

// DedupOptions tune a Dedup. The zero value of each field selects its
// default.
type DedupOptions struct {
	// Threshold is the least Jaccard index of two texts' word 5-shingles
	// for one to be a near-duplicate of the other. Default
	// textproc.NearDuplicate (0.8).
	Threshold float64
}

func (o DedupOptions) withDefaults() DedupOptions {
	if o.Threshold <= 0 || o.Threshold > 1 {
		o.Threshold = textproc.NearDuplicate
	}
	return o
}

// Dedup finds near-duplicate texts, such as a wire story syndicated by
// several outlets or an article republished with a new paragraph: texts
// whose sets of word shingles have a Jaccard index of at least
// DedupOptions.Threshold. Each text is reduced to a sketch and compared
// only with the few texts a textproc.DuplicateIndex finds for it, so
// adding a text costs about the same however many came before.
//
// Near-duplicates are folded into groups; the first text added to a group
// leads it. The same texts in the same order always give the same answers.
// A Dedup is not safe for concurrent use.
type Dedup struct {
	opts     DedupOptions
	ids      []string // by number in the index
	index    map[string]int32
	copies   textproc.DuplicateIndex
	parent   []int32 // union-find over near-duplicate groups
	sketcher textproc.Sketcher
	words    []string // reused
	found    []int    // reused
}

// NewDedup returns an empty Dedup.
func NewDedup(opts DedupOptions) *Dedup {
	return &Dedup{opts: opts.withDefaults(), index: make(map[string]int32)}
}

// Add records the text with the given id and reports whether it is a
// near-duplicate of a text added before; if so, dupOf is the ID of the
// text that leads their group (the first of them added). Adding an ID a
// second time changes nothing and reports the group's lead as it is now,
// except that a text is never reported as a duplicate of itself. A text
// with no words is never a near-duplicate.
func (d *Dedup) Add(id, text string) (dupOf string, ok bool) {
	if i, seen := d.index[id]; seen {
		if lead := d.find(i); lead != i {
			return d.ids[lead], true
		}
		return "", false
	}
	d.words = textproc.Words(d.words[:0], text)
	sketch := d.sketcher.Sketch(d.words)
	clear(d.words) // let the text go
	d.found = d.copies.Find(d.found[:0], sketch, d.opts.Threshold)
	i := int32(d.copies.Add(sketch))
	d.ids = append(d.ids, id)
	d.index[id] = i
	d.parent = append(d.parent, i)
	for _, j := range d.found {
		d.union(i, int32(j))
	}
	if lead := d.find(i); lead != i {
		return d.ids[lead], true
	}
	return "", false
}

// find returns the lead of i's group: groups are kept so that the root is
// always the earliest-added member.
func (d *Dedup) find(i int32) int32 {
	for d.parent[i] != i {
		d.parent[i] = d.parent[d.parent[i]]
		i = d.parent[i]
	}
	return i
}

func (d *Dedup) union(a, b int32) {
	ra, rb := d.find(a), d.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	d.parent[rb] = ra
}
