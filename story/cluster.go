package story

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
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

// Story is a cluster of articles about one event, as a Clusterer reports it.
type Story struct {
	ID int
	// Articles lists the IDs of the story's articles in the order they
	// were added.
	Articles []string
	// Lead is the article that leads the story: the earliest published,
	// and of those the longest, and of those the first added.
	Lead string
	// Sources lists the distinct outlets of the articles, sorted.
	Sources []string
	// FirstSeen and LastSeen span the articles' publication times; both
	// are zero when no article's time is known.
	FirstSeen, LastSeen time.Time
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
	a := &article{
		id:        doc.ID,
		source:    doc.Source,
		tf:        c.vocab.count(doc.Title, doc.Text, c.opts.TitleWeight, c.opts.DocTerms),
		published: doc.Published,
		seq:       c.seq,
	}
	c.seq++
	if doc.ID != "" {
		c.articles[doc.ID] = a
	}
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

// see widens the story's span to include t.
func (s *cluster) see(t time.Time) {
	if t.IsZero() {
		return
	}
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if s.last.IsZero() || t.After(s.last) {
		s.last = t
	}
}

func (c *Clusterer) newCluster() *cluster {
	s := &cluster{id: len(c.stories) + 1, weights: make(map[int32]float32), indexed: true}
	c.stories = append(c.stories, s)
	c.mergedInto = append(c.mergedInto, 0)
	c.active = append(c.active, int32(s.id-1))
	return s
}

// join adds a to s and folds its vector into the centroid.
func (c *Clusterer) join(s *cluster, a *article, vec []entry) {
	a.story = s.id
	s.articles = append(s.articles, a)
	s.lastSeq = max(s.lastSeq, a.seq)
	s.see(a.published)
	for _, e := range vec {
		old, ok := s.weights[e.term]
		w := old + e.weight
		s.weights[e.term] = w
		if !ok {
			c.post(e.term, s)
		}
		if old == 0 {
			s.live++
		}
		s.normSq += float64(w)*float64(w) - float64(old)*float64(old)
	}
	if s.live > 2*c.opts.StoryTerms {
		c.prune(s)
	}
}

func (c *Clusterer) post(term int32, s *cluster) {
	for int(term) >= len(c.postings) {
		c.postings = append(c.postings, nil)
	}
	if s.indexed {
		c.postings[term] = append(c.postings[term], posting{int32(s.id - 1), s.gen})
	}
}

// prune keeps the centroid's StoryTerms heaviest terms. Pruned terms keep
// a zero weight until they outnumber the live ones; then the centroid is
// rebuilt without them.
func (c *Clusterer) prune(s *cluster) {
	vec := make([]entry, 0, s.live)
	for t, w := range s.weights {
		if w != 0 {
			vec = append(vec, entry{t, w})
		}
	}
	vec = topTerms(vec, c.opts.StoryTerms)
	if len(s.weights)-len(vec) > 2*len(vec) {
		c.setCentroid(s, vec)
		return
	}
	for t := range s.weights {
		s.weights[t] = 0
	}
	s.normSq = 0
	for _, e := range vec {
		s.weights[e.term] = e.weight
		s.normSq += float64(e.weight) * float64(e.weight)
	}
	s.live = len(vec)
}

// setCentroid replaces the centroid of s by vec (sorted by term) and
// re-indexes it under a new generation.
func (c *Clusterer) setCentroid(s *cluster, vec []entry) {
	s.gen++
	s.weights = make(map[int32]float32, len(vec))
	s.normSq = 0
	for _, e := range vec {
		s.weights[e.term] = e.weight
		s.normSq += float64(e.weight) * float64(e.weight)
		c.post(e.term, s)
	}
	s.live = len(vec)
}

// rebuild recomputes the centroid of s from its articles, as after an
// editor's merge or split, and puts the story back in the index.
func (c *Clusterer) rebuild(s *cluster) {
	sum := make(map[int32]float32)
	s.first, s.last, s.lastSeq = time.Time{}, time.Time{}, 0
	for _, a := range s.articles {
		s.see(a.published)
		s.lastSeq = max(s.lastSeq, a.seq)
		c.vec = c.vocab.weigh(a.tf, c.vec[:0])
		for _, e := range c.vec {
			sum[e.term] += e.weight
		}
	}
	vec := make([]entry, 0, len(sum))
	for t, w := range sum {
		vec = append(vec, entry{t, w})
	}
	slices.SortFunc(vec, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
	vec = topTerms(vec, c.opts.StoryTerms)
	if !s.indexed {
		s.indexed = true
		c.active = append(c.active, int32(s.id-1))
	}
	c.setCentroid(s, vec)
}

// retire takes stories that can no longer be joined out of the index, so
// that a long stream stays fast: those last seen more than two windows
// before the newest article (an article that late would have to be a window
// late to join them), and, beyond Options.MaxStories, those joined least
// recently. Sweeps are spaced so that their cost per article stays
// constant.
func (c *Clusterer) retire(t time.Time) {
	if t.After(c.newest) {
		c.newest = t
	}
	c.sinceSweep++
	if c.sinceSweep < 64+len(c.active)/4 {
		return
	}
	c.sinceSweep = 0
	var horizon time.Time
	if !c.newest.IsZero() {
		horizon = c.newest.Add(-2 * c.opts.Window)
	}
	kept := c.active[:0]
	for _, i := range c.active {
		s := c.stories[i]
		if s == nil || !s.indexed {
			continue
		}
		if !s.last.IsZero() && s.last.Before(horizon) {
			c.unindex(s)
			continue
		}
		kept = append(kept, i)
	}
	if extra := len(kept) - c.opts.MaxStories; extra > 0 {
		slices.SortFunc(kept, func(a, b int32) int {
			return cmp.Compare(c.stories[a].lastSeq, c.stories[b].lastSeq)
		})
		for _, i := range kept[:extra] {
			c.unindex(c.stories[i])
		}
		kept = kept[extra:]
		slices.Sort(kept)
	}
	c.active = kept
}

// unindex takes s out of the index: its postings go stale.
func (c *Clusterer) unindex(s *cluster) {
	s.indexed = false
	s.gen++
}

// Story returns the story with the given ID; false if there is none (it
// never existed or was merged into another).
func (c *Clusterer) Story(id int) (Story, bool) {
	s := c.story(id)
	if s == nil {
		return Story{}, false
	}
	out := Story{ID: s.id, Articles: make([]string, len(s.articles))}
	out.FirstSeen, out.LastSeen = s.first, s.last
	var lead *article
	for i, a := range s.articles {
		out.Articles[i] = a.id
		if a.source != "" && !slices.Contains(out.Sources, a.source) {
			out.Sources = append(out.Sources, a.source)
		}
		if lead == nil || leads(a, lead) {
			lead = a
		}
	}
	slices.Sort(out.Sources)
	if lead != nil {
		out.Lead = lead.id
	}
	return out, true
}

// leads reports whether a should lead a story rather than b.
func leads(a, b *article) bool {
	switch {
	case a.published.IsZero() != b.published.IsZero():
		return !a.published.IsZero()
	case !a.published.Equal(b.published):
		return a.published.Before(b.published)
	case len(a.tf) != len(b.tf):
		return len(a.tf) > len(b.tf)
	}
	return a.seq < b.seq
}

// StoryOf returns the ID of the story the article with the given ID is in.
func (c *Clusterer) StoryOf(articleID string) (int, bool) {
	a, ok := c.articles[articleID]
	if !ok {
		return 0, false
	}
	return a.story, true
}

// Stories returns the IDs of all stories, in the order they were started.
func (c *Clusterer) Stories() []int {
	var ids []int
	for _, s := range c.stories {
		if s != nil {
			ids = append(ids, s.id)
		}
	}
	return ids
}

func (c *Clusterer) story(id int) *cluster {
	if id < 1 || id > len(c.stories) {
		return nil
	}
	return c.stories[id-1]
}

// ErrNoStory is returned for a story ID the clusterer does not have.
var ErrNoStory = errors.New("no such story")

// Merge moves every article of story b into story a, as an editor does who
// sees one event in two stories. Story b ceases to exist; later articles
// like either join a.
func (c *Clusterer) Merge(a, b int) error {
	sa, sb := c.story(a), c.story(b)
	switch {
	case sa == nil:
		return fmt.Errorf("merge story %d into %d: %w", b, a, ErrNoStory)
	case sb == nil:
		return fmt.Errorf("merge story %d into %d: %d: %w", b, a, b, ErrNoStory)
	case a == b:
		return nil
	}
	c.merge(sa, sb)
	return nil
}

// merge moves the articles of from into into; from ceases to exist.
func (c *Clusterer) merge(into, from *cluster) {
	for _, a := range from.articles {
		a.story = into.id
	}
	into.articles = append(into.articles, from.articles...)
	slices.SortFunc(into.articles, func(x, y *article) int { return cmp.Compare(x.seq, y.seq) })
	from.gen++ // voids its postings
	c.stories[from.id-1] = nil
	c.mergedInto[from.id-1] = into.id
	c.rebuild(into)
}

// Resolve returns the ID of the story that story id is now part of: id
// itself, or the story it was merged into (by an editor or because the two
// grew alike), following merges to the end. It returns 0 for an ID that
// was never given out.
func (c *Clusterer) Resolve(id int) int {
	for id >= 1 && id <= len(c.stories) && c.stories[id-1] == nil {
		id = c.mergedInto[id-1]
	}
	if id < 1 || id > len(c.stories) {
		return 0
	}
	return id
}

// Split moves the articles with the given IDs out of the story into a new
// story, as an editor does who sees two events in one story, and returns
// the new story's ID. Every ID must be in the story, and at least one
// article must stay. The Clusterer never merges the two stories again by
// itself.
func (c *Clusterer) Split(story int, ids []string) (int, error) {
	s := c.story(story)
	if s == nil {
		return 0, fmt.Errorf("split story %d: %w", story, ErrNoStory)
	}
	move := make(map[string]bool, len(ids))
	for _, id := range ids {
		a, ok := c.articles[id]
		if !ok || a.story != story {
			return 0, fmt.Errorf("split story %d: article %q is not in it", story, id)
		}
		move[id] = true
	}
	if len(move) == 0 {
		return 0, fmt.Errorf("split story %d: no articles to move", story)
	}
	if len(move) == len(s.articles) {
		return 0, fmt.Errorf("split story %d: cannot move all its articles", story)
	}
	ns := c.newCluster()
	kept := s.articles[:0]
	for _, a := range s.articles {
		if move[a.id] {
			a.story = ns.id
			ns.articles = append(ns.articles, a)
			continue
		}
		kept = append(kept, a)
	}
	clear(s.articles[len(kept):])
	s.articles = kept
	c.rebuild(s)
	c.rebuild(ns)
	c.keepApart(s.id, ns.id)
	return ns.id, nil
}
