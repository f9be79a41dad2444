package cluster

// This file holds what a Clusterer reports about its stories, and the
// changes an editor makes to them: merging two stories, splitting one.

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Story is a cluster of articles about one event, as a Clusterer reports it.
type Story struct {
	ID int
	// Articles lists the IDs of the story's articles in the order they
	// were added.
	Articles []string
	// Lead is the article that leads the story: the earliest published,
	// and of those the one with the longest text, and of those the first
	// added (newsdesk.LeadCandidate.Leads).
	Lead string
	// Sources lists the distinct outlets of the articles, sorted.
	Sources []string
	// FirstSeen and LastSeen span the articles' publication times; both
	// are zero when no article's time is known.
	FirstSeen, LastSeen time.Time
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

// leads reports whether a should lead a story rather than b, by the one
// rule newsdesk has for it. A Clusterer does not know which articles are
// copies of others: to it, none is.
func leads(a, b *article) bool {
	return a.candidate().Leads(b.candidate())
}

func (a *article) candidate() newsdesk.LeadCandidate {
	return newsdesk.LeadCandidate{Seen: a.published, Length: a.length, Order: int64(a.seq)}
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
