package cluster

import (
	"errors"
	"slices"
	"testing"
)

// Placing articles puts them where they are told, and a Clusterer rebuilt
// that way goes on to put a new article of a known event in that event's
// story.
func TestPlaceRebuildsStories(t *testing.T) {
	c := NewClusterer(Options{})
	byEvent := make(map[string]int)
	for _, tt := range threeStories[:6] {
		id, err := c.Place(tt.doc, byEvent[tt.event])
		if err != nil {
			t.Fatal(err)
		}
		byEvent[tt.event] = id
	}
	if n := len(c.Stories()); n != 3 || c.Len() != 6 {
		t.Fatalf("%d stories of %d articles, want 3 of 6", n, c.Len())
	}
	s, _ := c.Story(byEvent["quake"])
	if want := []string{"quake-1", "quake-2"}; !slices.Equal(s.Articles, want) {
		t.Errorf("quake story holds %q, want %q", s.Articles, want)
	}
	for _, tt := range threeStories[6:] {
		if got := c.Add(tt.doc); got != byEvent[tt.event] {
			t.Errorf("%s joined story %d, want %d (the %s story)", tt.doc.ID, got, byEvent[tt.event], tt.event)
		}
	}
	if _, err := c.Place(Doc{ID: "x", Title: "x"}, 99); !errors.Is(err, ErrNoStory) {
		t.Errorf("placing in a story that does not exist: %v, want ErrNoStory", err)
	}
	if got, err := c.Place(threeStories[0].doc, byEvent["vote"]); err != nil || got != byEvent["quake"] {
		t.Errorf("placing an article a second time moved it to %d (%v), want it left in %d", got, err, byEvent["quake"])
	}
}

// Absorbed reports exactly the merges the Clusterer made by itself, as
// Resolve sees them, on the Google News stream.
func TestAbsorbedMatchesResolve(t *testing.T) {
	docs := loadGoogleNews(t)
	c := NewClusterer(Options{})
	var merges []Merge
	for _, d := range docs {
		c.Add(Doc{ID: d.ID, Title: d.Title, Text: d.Text})
		merges = append(merges, c.Absorbed()...)
	}
	if len(merges) == 0 {
		t.Fatal("no merges reported on the whole stream")
	}
	if len(c.Absorbed()) != 0 {
		t.Error("Absorbed reported merges twice")
	}
	for _, m := range merges {
		if _, ok := c.Story(m.From); ok {
			t.Errorf("story %d was reported merged into %d but still exists", m.From, m.Into)
		}
		if c.Resolve(m.From) != c.Resolve(m.Into) {
			t.Errorf("story %d resolves to %d, not with %d", m.From, c.Resolve(m.From), c.Resolve(m.Into))
		}
	}
	gone := 0
	for id := 1; c.Resolve(id) != 0; id++ {
		if _, ok := c.Story(id); !ok {
			gone++
		}
	}
	if gone != len(merges) {
		t.Errorf("%d stories merged away, %d merges reported", gone, len(merges))
	}
}

// Stories an editor split stay apart however alike they grow: the
// Clusterer does not merge them again by itself.
func TestSplitStoriesStayApart(t *testing.T) {
	c := NewClusterer(Options{})
	var vote int
	for _, tt := range threeStories {
		if id := c.Add(tt.doc); tt.event == "vote" {
			vote = id
		}
	}
	split, err := c.Split(vote, []string{"vote-2"})
	if err != nil {
		t.Fatal(err)
	}
	// An article much like vote-2 joins it, and the two-article story is
	// compared with the others: it must not fold back.
	got := c.Add(Doc{ID: "vote-4", Title: "Straujuma becomes Latvia's first female prime minister", Text: "Laimdota Straujuma was elected prime minister by Latvia's parliament after the Riga supermarket roof collapse brought down the government."})
	if m := c.Absorbed(); len(m) != 0 {
		t.Errorf("merged %v by itself after a split", m)
	}
	if _, ok := c.Story(split); !ok || c.Resolve(got) == c.Resolve(vote) && c.Resolve(split) == c.Resolve(vote) {
		t.Errorf("the split-off story %d was merged back into %d", split, vote)
	}
}
