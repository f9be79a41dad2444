package story

import (
	"slices"

	"github.com/newsdesk/newsdesk/textproc"
)

// DedupOptions tune a Dedup. The zero value of each field selects its
// default.
type DedupOptions struct {
	// Threshold is the least Jaccard similarity of two texts' word shingles
	// for one to be a near-duplicate of the other. Default 0.8.
	Threshold float64
	// Shingle is the number of consecutive words in a shingle. Default 5.
	Shingle int
	// Hashes is the length of a MinHash signature. Default 128: the
	// estimate of a Jaccard similarity of 0.8 then has a standard error of
	// 0.035.
	Hashes int
	// Bands splits the signature for locality-sensitive hashing: two texts
	// are compared when all rows of one band agree. Default 32 (rows of 4),
	// which makes a pair at Jaccard 0.8 a candidate with probability
	// 0.99999 and one at 0.7 with 0.9995, while a pair at 0.3 becomes one
	// with probability 0.23 and unrelated articles almost never.
	Bands int
	// Seed picks the hash functions. Signatures made with different seeds
	// cannot be compared.
	Seed uint64
}

func (o DedupOptions) withDefaults() DedupOptions {
	if o.Threshold == 0 {
		o.Threshold = 0.8
	}
	if o.Shingle <= 0 {
		o.Shingle = 5
	}
	if o.Hashes <= 0 {
		o.Hashes = 128
	}
	if o.Bands <= 0 {
		o.Bands = 32
	}
	o.Bands = min(o.Bands, o.Hashes)
	return o
}

// Dedup finds near-duplicate texts, such as a wire story syndicated by
// several outlets or an article republished with a new paragraph: texts
// whose sets of word shingles have a Jaccard similarity of at least
// DedupOptions.Threshold. Each text is reduced to a MinHash signature, and
// signatures are indexed by bands (locality-sensitive hashing), so adding a
// text compares it only with the few texts that share a band with it.
//
// Near-duplicates are folded into groups; the first text added to a group
// leads it. The same texts in the same order always give the same answers.
// A Dedup is not safe for concurrent use.
type Dedup struct {
	opts   DedupOptions
	mul    []uint64 // one hash function per signature position
	ids    []string
	index  map[string]int32
	sigs   []uint32             // signatures, one after another
	bands  []map[uint64][]int32 // per band: band key -> texts
	parent []int32              // union-find over near-duplicate groups
	words  []string             // reused
	cands  []int32              // reused
	seen   map[int32]struct{}   // reused
	pairs  []DupPair            // found so far
}

// DupPair is two near-duplicate texts and the estimated Jaccard similarity
// of their shingles. A is the one added first.
type DupPair struct {
	A, B    string
	Jaccard float64
}

// NewDedup returns an empty Dedup.
func NewDedup(opts DedupOptions) *Dedup {
	opts = opts.withDefaults()
	d := &Dedup{
		opts:  opts,
		index: make(map[string]int32),
		bands: make([]map[uint64][]int32, opts.Bands),
		seen:  make(map[int32]struct{}),
	}
	for i := range d.bands {
		d.bands[i] = make(map[uint64][]int32)
	}
	// Odd multipliers drawn from a fixed sequence: h_i(x) = m_i * x keeps
	// the well-mixed high bits of x's shingle hash a permutation of them.
	state := opts.Seed ^ 0x9e3779b97f4a7c15
	d.mul = make([]uint64, opts.Hashes)
	for i := range d.mul {
		state += 0x9e3779b97f4a7c15
		d.mul[i] = mix64(state) | 1
	}
	return d
}

// Add records the text with the given id and reports whether it is a
// near-duplicate of a text added before; if so, dupOf is the ID of the
// text that leads their group (the first of them added). Adding an ID a
// second time changes nothing and reports as the first time did, except
// that a text is never reported as a duplicate of itself. A text with no
// words is never a near-duplicate.
func (d *Dedup) Add(id, text string) (dupOf string, ok bool) {
	if i, seen := d.index[id]; seen {
		if lead := d.find(i); lead != i {
			return d.ids[lead], true
		}
		return "", false
	}
	i := int32(len(d.ids))
	d.ids = append(d.ids, id)
	d.index[id] = i
	d.parent = append(d.parent, i)
	sig := d.signature(text)
	d.sigs = append(d.sigs, sig...)
	if sig == nil {
		d.sigs = append(d.sigs, make([]uint32, d.opts.Hashes)...)
		return "", false // nothing to compare, and not indexed
	}

	// Candidates: texts that agree with this one on a whole band.
	rows := d.opts.Hashes / d.opts.Bands
	cands := d.cands[:0]
	clear(d.seen)
	keys := make([]uint64, d.opts.Bands)
	for b := range d.opts.Bands {
		keys[b] = bandKey(sig[b*rows : (b+1)*rows])
		for _, j := range d.bands[b][keys[b]] {
			if _, dup := d.seen[j]; !dup {
				d.seen[j] = struct{}{}
				cands = append(cands, j)
			}
		}
	}
	slices.Sort(cands)
	d.cands = cands

	lead := int32(-1)
	for _, j := range cands {
		jac := d.estimate(sig, d.sig(j))
		if jac < d.opts.Threshold {
			continue
		}
		d.pairs = append(d.pairs, DupPair{A: d.ids[j], B: id, Jaccard: jac})
		d.union(i, j)
		lead = d.find(i)
	}
	for b, k := range keys {
		d.bands[b][k] = append(d.bands[b][k], i)
	}
	if lead < 0 {
		return "", false
	}
	return d.ids[lead], true
}

// Lead returns the ID of the text that leads the group of the text with
// the given ID (itself when it has no near-duplicates); false if no text
// has that ID.
func (d *Dedup) Lead(id string) (string, bool) {
	i, ok := d.index[id]
	if !ok {
		return "", false
	}
	return d.ids[d.find(i)], true
}

// Pairs returns every pair of near-duplicates found so far, in the order
// they were found, for evaluation against the exact similarities.
func (d *Dedup) Pairs() []DupPair {
	return slices.Clone(d.pairs)
}

func (d *Dedup) sig(i int32) []uint32 {
	k := d.opts.Hashes
	return d.sigs[int(i)*k : (int(i)+1)*k]
}

// estimate is the share of signature positions where a and b agree: an
// unbiased estimate of the Jaccard similarity of their shingle sets.
func (d *Dedup) estimate(a, b []uint32) float64 {
	same := 0
	for k := range a {
		if a[k] == b[k] {
			same++
		}
	}
	return float64(same) / float64(len(a))
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

// signature returns the MinHash signature of text's word shingles; nil if
// the text has no words. A text shorter than a shingle is one shingle.
func (d *Dedup) signature(text string) []uint32 {
	d.words = textproc.Words(d.words[:0], text)
	words := d.words
	defer clear(d.words)
	if len(words) == 0 {
		return nil
	}
	n := d.opts.Shingle
	hashes := make([]uint64, len(words))
	for i, w := range words {
		hashes[i] = fnv64(w)
	}
	sig := make([]uint64, d.opts.Hashes)
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	count := max(1, len(words)-n+1)
	for s := range count {
		var h uint64
		for _, wh := range hashes[s:min(s+n, len(hashes))] {
			h = h*0x100000001b3 ^ wh
		}
		h = mix64(h)
		for k, m := range d.mul {
			if v := h * m; v < sig[k] {
				sig[k] = v
			}
		}
	}
	out := make([]uint32, len(sig))
	for k, v := range sig {
		out[k] = uint32(v >> 32) // the high bits are the well-mixed ones
	}
	return out
}

func bandKey(rows []uint32) uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, r := range rows {
		h = (h ^ uint64(r)) * 0x100000001b3
	}
	return mix64(h)
}

// fnv64 is the 64-bit FNV-1a hash: fixed, so signatures are the same in
// every process.
func fnv64(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	return h
}

// mix64 is the SplitMix64 finaliser: every input bit affects every output
// bit.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
