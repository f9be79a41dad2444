package cluster

// This file keeps each story's centroid and the inverted index over the
// centroids that Clusterer.score reads: an article joining a story, a
// centroid pruned to its heaviest terms or rebuilt after an editor's
// change, and stories retired once no new article can join them.

import (
	"cmp"
	"slices"
	"time"
)

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
