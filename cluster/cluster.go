// Package cluster groups a stream of articles into stories as they
// arrive (Clusterer) and finds the near-duplicates among them (Dedup). It
// is pure, text in and stories out: it knows nothing of the database, so
// it is tested and measured alone and serves the offline `newsdesk
// cluster` command as it serves the clustering job.
package cluster

import (
	"cmp"
	"math"
	"slices"
	"time"
	"unicode/utf8"
)

// Doc is one article as the clusterer sees it.
type Doc struct {
	// ID names the article; adding an ID a second time returns its story
	// and changes nothing.
	ID    string
	Title string
	// Text is the article's body, or its summary when that is all there is.
	Text string
	// Source names the outlet; optional, it is reported per story.
	Source string
	// Published is when the article appeared; zero if unknown. Only
	// articles whose times are both known are held to Options.Window.
	Published time.Time
}

// Options tune a Clusterer. The zero value of each field selects its
// default, which is what the evaluation figures (bench/newseval's
// TestGoogleNewsStories and the cluster benchmark) were measured with.
type Options struct {
	// Threshold is the least cosine similarity between an article's TF-IDF
	// vector and a story's centroid for the article to join that story;
	// below it the article starts a story of its own. Default 0.1.
	Threshold float64
	// TitleWeight is how many times a word of the title counts, against
	// once for a word of the text. Default 2.
	TitleWeight float64
	// Window bounds, when both times are known, how far an article's
	// publication time may lie outside the first-to-last span of a story
	// it joins. Default 72 hours.
	Window time.Duration
	// DocTerms caps an article's vector at its heaviest terms. Default 64.
	DocTerms int
	// MergeThreshold is the least cosine similarity between two stories'
	// centroids for them to be merged into one. Default 0.25; negative
	// never merges.
	MergeThreshold float64
	// MaxStories caps how many stories can be joined at once; beyond it,
	// the stories joined least recently can no longer be (an editor can
	// still merge into them). It bounds the work per article in a stream
	// without publication times. Default 20,000.
	MaxStories int
	// StoryTerms caps a story's centroid at its heaviest terms (it may
	// grow to twice that between prunings). Default 256.
	StoryTerms int
}

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = 0.1
	}
	if o.TitleWeight == 0 {
		o.TitleWeight = 2
	}
	if o.Window == 0 {
		o.Window = 72 * time.Hour
	}
	if o.MergeThreshold == 0 {
		o.MergeThreshold = 0.25
	}
	if o.DocTerms == 0 {
		o.DocTerms = 64
	}
	if o.MaxStories == 0 {
		o.MaxStories = 20000
	}
	if o.StoryTerms == 0 {
		o.StoryTerms = 256
	}
	return o
}

// minSharedTerms is how many terms an article must share with a story's
// centroid to join it. Without it a short story can chain unrelated
// articles through one word ("low" in "Brady's low pass" and in "HIV
// screening of inmates has low yield").
const minSharedTerms = 2

// minScan is the length up to which a term's postings are always walked
// to find candidate stories; see Clusterer.score.
const minScan = 64

// probeTerms is how many of an article's heaviest terms are looked up to
// find candidate stories, and maxCandidates how many of those are then
// scored in full; see Clusterer.score.
const (
	probeTerms    = 16
	maxCandidates = 16
)

// Clusterer groups a stream of articles into stories, one article at a
// time: each article joins the story whose centroid is most similar to it,
// if that is similar enough, or starts a new one. Work per article depends on
// how many stories share its terms, not on how many stories there are: an
// inverted index over the story centroids finds the candidates.
//
// The same articles in the same order always give the same stories. A
// Clusterer is not safe for concurrent use.
type Clusterer struct {
	opts    Options
	vocab   *vocabulary
	stories []*cluster // by story ID - 1; nil once merged away
	// mergedInto holds, by story ID - 1, the ID of the story it was
	// merged into; 0 while it stands alone.
	mergedInto []int
	articles   map[string]*article
	postings   [][]posting // by term id: the stories whose centroid has it
	seq        int

	// Scratch space for scoring, kept to spare the allocator.
	acc     []float64 // by story index
	vec     []entry
	touched []int32
	probe   []entry
	cands   []candidate
	// compacted holds, by term, the length of its postings when last
	// compacted.
	compacted []int32

	// Stories last seen well before the newest article cannot be joined
	// any more and leave the index (see retire).
	newest     time.Time
	active     []int32 // indexes of indexed stories, in creation order
	sinceSweep int

	absorbed []Merge // merges absorb made, until Absorbed takes them
	// apart holds pairs of stories an editor split, which absorb must
	// not merge again.
	apart map[[2]int]bool
}

type article struct {
	id        string
	source    string
	tf        []entry // sublinear term frequencies, for rebuilding centroids
	story     int
	published time.Time
	seq       int
	length    int // of the text, in characters, for choosing the lead
}

type cluster struct {
	id       int
	articles []*article
	// weights is the centroid: the sum of the articles' unit vectors,
	// pruned to its heaviest terms. A pruned term keeps a zero weight so
	// that its posting stays valid; rebuild drops them.
	weights map[int32]float32
	live    int // terms with non-zero weight
	normSq  float64
	// gen tells current postings from stale ones: a rebuilt or retired
	// centroid takes a new generation, which voids all its old postings.
	gen     uint32
	indexed bool
	// first and last span the known publication times of the articles.
	first, last time.Time
	lastSeq     int // arrival number of the last article to join
}

type posting struct {
	story int32 // index into Clusterer.stories
	gen   uint32
}

// NewClusterer returns an empty Clusterer.
func NewClusterer(opts Options) *Clusterer {
	return &Clusterer{
		opts:     opts.withDefaults(),
		vocab:    newVocabulary(),
		articles: make(map[string]*article),
	}
}

// Add assigns doc to a story and returns the story's ID. IDs start at 1
// and are never reused.
func (c *Clusterer) Add(doc Doc) (storyID int) {
	if doc.ID != "" {
		if a, ok := c.articles[doc.ID]; ok {
			return a.story
		}
	}
	a := c.record(doc)
	c.vec = c.vocab.weigh(a.tf, c.vec[:0])
	best, sim := c.score(c.vec, func(s *cluster) bool { return c.inWindow(s, a.published) })
	var s *cluster
	if best >= 0 && sim >= c.opts.Threshold {
		s = c.stories[best]
	} else {
		s = c.newCluster()
	}
	c.join(s, a, c.vec)
	s = c.absorb(s)
	c.retire(a.published)
	return s.id
}

// record counts doc's terms into the vocabulary and remembers it as the
// next article to arrive, in no story yet.
func (c *Clusterer) record(doc Doc) *article {
	a := &article{
		id:        doc.ID,
		source:    doc.Source,
		tf:        c.vocab.count(doc.Title, doc.Text, c.opts.TitleWeight, c.opts.DocTerms),
		published: doc.Published,
		seq:       c.seq,
		length:    utf8.RuneCountInString(doc.Text),
	}
	c.seq++
	if doc.ID != "" {
		c.articles[doc.ID] = a
	}
	return a
}

// absorb merges s with the story most like it when their centroids are
// more alike than Options.MergeThreshold, and returns the story that
// remains. An article that narrowly misses its story starts a fragment
// that later articles of the same angle join; comparing whole centroids,
// in which the noise of single articles averages out, folds the fragment
// back. The check runs when a story reaches 2, 4, 8, ... articles, so its
// cost per article stays small.
func (c *Clusterer) absorb(s *cluster) *cluster {
	n := len(s.articles)
	if n < 2 || n&(n-1) != 0 {
		return s
	}
	if c.opts.MergeThreshold < 0 {
		return s
	}
	query := make([]entry, 0, s.live)
	for t, w := range s.weights {
		if w != 0 {
			query = append(query, entry{t, w})
		}
	}
	slices.SortFunc(query, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
	normalize(query)
	best, sim := c.score(query, func(o *cluster) bool {
		return o != s && c.overlaps(s, o) && !c.keptApart(s.id, o.id)
	})
	if best < 0 || sim < c.opts.MergeThreshold {
		return s
	}
	o := c.stories[best]
	into, from := o, s
	if len(s.articles) > len(o.articles) || len(s.articles) == len(o.articles) && s.id < o.id {
		into, from = s, o
	}
	c.merge(into, from)
	c.absorbed = append(c.absorbed, Merge{Into: into.id, From: from.id})
	return into
}

// score returns the index of the eligible story whose centroid is most
// similar to the unit vector vec, and that cosine similarity; -1 if no
// eligible story shares at least minSharedTerms terms with vec.
//
// Two passes keep the work per article small however many stories there
// are. The first walks the postings of vec's heaviest terms only, and of
// those only the terms not in a large share of the stories (a word like
// "government" would cost a pass over most of them and says little about
// which story an article is in): it ranks candidate stories by the part of
// their similarity those terms make. The second computes the exact
// similarity of the best few candidates over all terms.
func (c *Clusterer) score(vec []entry, eligible func(*cluster) bool) (int, float64) {
	for len(c.acc) < len(c.stories) {
		c.acc = append(c.acc, 0)
	}
	limit := max(minScan, len(c.active)/16)
	probe := append(c.probe[:0], vec...)
	probe = topTerms(probe, probeTerms)
	c.probe = probe
	touched := c.touched[:0]
	for _, e := range probe {
		if int(e.term) >= len(c.postings) {
			continue
		}
		if len(c.postings[e.term]) > limit {
			c.compact(e.term)
			continue
		}
		list := c.postings[e.term]
		kept := list[:0] // drop stale postings while passing by
		for _, p := range list {
			s := c.stories[p.story]
			if s == nil || s.gen != p.gen {
				continue
			}
			kept = append(kept, p)
			w := s.weights[e.term]
			if w == 0 || !eligible(s) {
				continue
			}
			if c.acc[p.story] == 0 {
				touched = append(touched, p.story)
			}
			c.acc[p.story] += float64(e.weight) * float64(w)
		}
		clear(list[len(kept):])
		c.postings[e.term] = kept
	}
	// Keep the best candidates by partial similarity.
	cands := c.cands[:0]
	for _, i := range touched {
		cands = append(cands, candidate{i, c.acc[i] / math.Sqrt(c.stories[i].normSq)})
		c.acc[i] = 0
	}
	c.touched = touched
	if len(cands) > maxCandidates {
		slices.SortFunc(cands, func(a, b candidate) int {
			if a.sim != b.sim {
				return cmp.Compare(b.sim, a.sim)
			}
			return cmp.Compare(a.story, b.story)
		})
		cands = cands[:maxCandidates]
	}
	c.cands = cands

	best, bestSim := -1, 0.0
	for _, cand := range cands {
		s := c.stories[cand.story]
		dot, shared := 0.0, 0
		for _, e := range vec {
			if w := s.weights[e.term]; w != 0 {
				dot += float64(e.weight) * float64(w)
				shared++
			}
		}
		if shared < minSharedTerms {
			continue // one common word is no evidence of one event
		}
		sim := dot / math.Sqrt(s.normSq)
		if i := int(cand.story); sim > bestSim || sim == bestSim && i < best {
			best, bestSim = i, sim
		}
	}
	return best, bestSim
}

type candidate struct {
	story int32
	sim   float64
}

// compact drops the stale postings of term once they may have come to
// outnumber the live ones, so that lists too long to walk on every article
// do not grow without bound.
func (c *Clusterer) compact(term int32) {
	for int(term) >= len(c.compacted) {
		c.compacted = append(c.compacted, 0)
	}
	list := c.postings[term]
	if len(list) <= 2*int(c.compacted[term]) {
		return
	}
	kept := list[:0]
	for _, p := range list {
		// A pruned term keeps its posting (see cluster.weights).
		if s := c.stories[p.story]; s != nil && s.gen == p.gen {
			kept = append(kept, p)
		}
	}
	clear(list[len(kept):])
	c.postings[term] = kept
	c.compacted[term] = int32(len(kept))
}

// inWindow reports whether an article published at t may join s.
func (c *Clusterer) inWindow(s *cluster, t time.Time) bool {
	if t.IsZero() {
		return true
	}
	if s.first.IsZero() {
		return true
	}
	return !t.Before(s.first.Add(-c.opts.Window)) && !t.After(s.last.Add(c.opts.Window))
}

// overlaps reports whether stories a and b lie within a window of each
// other, so that they may be one story.
func (c *Clusterer) overlaps(a, b *cluster) bool {
	if a.first.IsZero() || b.first.IsZero() {
		return true
	}
	return !a.first.After(b.last.Add(c.opts.Window)) && !b.first.After(a.last.Add(c.opts.Window))
}
