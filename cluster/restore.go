package cluster

import "fmt"

// Merge is one merge a Clusterer made by itself: the story From was folded
// into the story Into because their centroids grew alike.
type Merge struct {
	Into, From int
}

// Absorbed returns the merges the Clusterer has made by itself since the
// last call, oldest first, and forgets them. Merges asked for with Merge
// are not among them. A caller that mirrors the stories elsewhere (a
// database) applies these after each Add.
func (c *Clusterer) Absorbed() []Merge {
	out := c.absorbed
	c.absorbed = nil
	return out
}

// Place puts doc in the story with the given ID without comparing it with
// any story, as when a Clusterer is rebuilt from assignments stored
// earlier; story 0 starts a new story. The article counts towards the term
// statistics and its story's centroid as if Add had put it there, and no
// stories are merged. It returns the story's ID. Placing an ID a second
// time returns its story and changes nothing.
//
// Placing a stream's articles in their order of arrival, each in the
// story it ended in, rebuilds a Clusterer that treats the next articles
// as the original would have, bar the merges it made by itself on the way
// (placed articles are already in their final stories).
func (c *Clusterer) Place(doc Doc, story int) (int, error) {
	if doc.ID != "" {
		if a, ok := c.articles[doc.ID]; ok {
			return a.story, nil
		}
	}
	var s *cluster
	if story != 0 {
		if s = c.story(story); s == nil {
			return 0, fmt.Errorf("place %q in story %d: %w", doc.ID, story, ErrNoStory)
		}
	}
	a := c.record(doc)
	if s == nil {
		s = c.newCluster()
	}
	c.vec = c.vocab.weigh(a.tf, c.vec[:0])
	c.join(s, a, c.vec)
	if !s.indexed {
		// A story retired from the index that gains an article is alive
		// again: rebuilding puts it back, so later articles can join it.
		c.rebuild(s)
	}
	c.retire(a.published)
	return s.id, nil
}

// Len returns how many articles the Clusterer holds.
func (c *Clusterer) Len() int { return len(c.articles) }

// keepApart records that stories a and b were split by an editor: the
// Clusterer never merges them by itself (an editor still can).
func (c *Clusterer) keepApart(a, b int) {
	if c.apart == nil {
		c.apart = make(map[[2]int]bool)
	}
	c.apart[[2]int{min(a, b), max(a, b)}] = true
}

// keptApart reports whether stories a and b were split by an editor.
func (c *Clusterer) keptApart(a, b int) bool {
	return c.apart[[2]int{min(a, b), max(a, b)}]
}
