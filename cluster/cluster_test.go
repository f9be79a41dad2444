package cluster

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// Three events, three outlets each, in normal English with case and
// punctuation, arriving interleaved.
var threeStories = []struct {
	doc   Doc
	event string
}{
	{Doc{ID: "quake-1", Source: "ledger", Title: "Strong earthquake shakes northern Japan", Text: "A magnitude 7.1 earthquake struck off the coast of northern Japan on Tuesday, shaking buildings in Sendai and prompting a tsunami warning."}, "quake"},
	{Doc{ID: "vote-1", Source: "ledger", Title: "Latvia's parliament elects new prime minister", Text: "Latvia's parliament on Wednesday elected Laimdota Straujuma as prime minister after the previous government resigned over the Riga supermarket roof collapse."}, "vote"},
	{Doc{ID: "quake-2", Source: "courier", Title: "Tsunami warning after earthquake off Japan", Text: "Japan's meteorological agency issued a tsunami warning for the Sendai coast after a magnitude 7.1 earthquake; no damage was reported."}, "quake"},
	{Doc{ID: "chip-1", Source: "ledger", Title: "Chipmaker unveils faster processor", Text: "The chipmaker unveiled a processor it says is twice as fast as its predecessor, with shipments to laptop makers starting in March."}, "chip"},
	{Doc{ID: "vote-2", Source: "courier", Title: "Straujuma becomes Latvia's first female prime minister", Text: "Laimdota Straujuma was elected prime minister by Latvia's parliament, weeks after the Riga supermarket roof collapse brought down the government."}, "vote"},
	{Doc{ID: "chip-2", Source: "courier", Title: "New processor doubles speed, chipmaker says", Text: "Laptop makers will get the chipmaker's new processor in March; the company says it runs twice as fast as the previous generation."}, "chip"},
	{Doc{ID: "quake-3", Source: "herald", Title: "Sendai buildings sway as earthquake hits Japan", Text: "Buildings swayed in Sendai when the earthquake struck; Japan lifted its tsunami warning two hours later."}, "quake"},
	{Doc{ID: "vote-3", Source: "herald", Title: "Latvian parliament backs Straujuma as prime minister", Text: "Straujuma won the parliament vote in Riga and will lead the government that replaces the one that resigned after the roof collapse."}, "vote"},
	{Doc{ID: "chip-3", Source: "herald", Title: "Chipmaker's processor heads to laptop makers", Text: "Shipments of the processor to laptop makers begin in March, the chipmaker said, promising twice the speed."}, "chip"},
}

func TestClustererGroupsEvents(t *testing.T) {
	c := NewClusterer(Options{})
	byEvent := make(map[string]int)
	for _, tt := range threeStories {
		got := c.Add(tt.doc)
		want, seen := byEvent[tt.event]
		if !seen {
			for e, id := range byEvent {
				if id == got {
					t.Fatalf("%s started no story of its own: it joined story %d of %s", tt.doc.ID, got, e)
				}
			}
			byEvent[tt.event] = got
			continue
		}
		if got != want {
			t.Errorf("%s joined story %d, want %d (the %s story)", tt.doc.ID, got, want, tt.event)
		}
	}
	if n := len(c.Stories()); n != 3 {
		t.Errorf("%d stories, want 3", n)
	}

	s, ok := c.Story(byEvent["vote"])
	if !ok {
		t.Fatal("vote story not found")
	}
	if want := []string{"vote-1", "vote-2", "vote-3"}; !slices.Equal(s.Articles, want) {
		t.Errorf("articles %q, want %q", s.Articles, want)
	}
	if want := []string{"courier", "herald", "ledger"}; !slices.Equal(s.Sources, want) {
		t.Errorf("sources %q, want %q", s.Sources, want)
	}
	if s.Lead != "vote-1" {
		t.Errorf("lead %q, want vote-1 (no times: the first added)", s.Lead)
	}
	if !s.FirstSeen.IsZero() || !s.LastSeen.IsZero() {
		t.Errorf("first/last seen %v/%v, want zero without publication times", s.FirstSeen, s.LastSeen)
	}
}

func TestClustererAddSameIDTwice(t *testing.T) {
	c := NewClusterer(Options{})
	first := c.Add(threeStories[0].doc)
	c.Add(threeStories[1].doc)
	if got := c.Add(threeStories[0].doc); got != first {
		t.Errorf("second Add of %s gave story %d, want %d", threeStories[0].doc.ID, got, first)
	}
	s, _ := c.Story(first)
	if len(s.Articles) != 1 {
		t.Errorf("story has %d articles after adding one twice, want 1", len(s.Articles))
	}
}

// Of articles published at the same moment, the longest leads its story,
// as it leads the stored story (newsdesk.LeadCandidate): an outlet that
// repeats itself at length is still the fuller account, however few
// distinct words it uses.
func TestClustererLeadIsTheLongestOfTheEarliest(t *testing.T) {
	at := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	brief := "A strong earthquake struck northern Japan near Sendai on Tuesday, shaking buildings and prompting a tsunami warning that was lifted two hours later."
	c := NewClusterer(Options{})
	id := c.Add(Doc{ID: "brief", Title: "Earthquake shakes northern Japan", Text: brief, Published: at})
	c.Add(Doc{ID: "full", Title: "Earthquake shakes northern Japan", Text: brief + " " + brief + " " + brief, Published: at})
	c.Add(Doc{ID: "later", Title: "Earthquake shakes northern Japan", Text: brief + " " + brief + " " + brief + " " + brief, Published: at.Add(time.Minute)})
	s, _ := c.Story(id)
	if len(s.Articles) != 3 {
		t.Fatalf("story %+v, want the three articles", s)
	}
	if s.Lead != "full" {
		t.Errorf("lead %q, want full, the longest of the two published first", s.Lead)
	}
}

func TestClustererTimeWindow(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 12, 0, 0, 0, time.UTC) }
	quake := func(id string, when time.Time) Doc {
		return Doc{ID: id, Title: "Earthquake shakes northern Japan", Text: "A strong earthquake struck northern Japan near Sendai, with a tsunami warning.", Published: when}
	}
	c := NewClusterer(Options{Window: 48 * time.Hour})
	a := c.Add(quake("a", day(10)))
	if got := c.Add(quake("b", day(11))); got != a {
		t.Errorf("a day later: story %d, want %d", got, a)
	}
	if got := c.Add(quake("c", day(12))); got != a {
		t.Errorf("two days after the first, one after the last: story %d, want %d", got, a)
	}
	late := c.Add(quake("d", day(20)))
	if late == a {
		t.Errorf("eight days after the last article it joined story %d; want a new story", a)
	}
	if got := c.Add(quake("e", time.Time{})); got != a && got != late {
		t.Errorf("no time: story %d, want one of the similar stories %d or %d", got, a, late)
	}
	if got := c.Add(quake("f", day(9))); got != a {
		t.Errorf("a day before the first article (arriving late): story %d, want %d", got, a)
	}
	s, _ := c.Story(a)
	if !s.FirstSeen.Equal(day(9)) || !s.LastSeen.Equal(day(12)) {
		t.Errorf("first/last seen %v/%v, want %v/%v", s.FirstSeen, s.LastSeen, day(9), day(12))
	}
	if s.Lead != "f" {
		t.Errorf("lead %q, want f, the earliest published", s.Lead)
	}
}

// TestClustererRetiresOldStories checks that stories long past are taken
// out of the index, so that a long stream stays fast, and that an editor
// can still merge into them.
func TestClustererRetiresOldStories(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClusterer(Options{Window: 24 * time.Hour})
	first := c.Add(Doc{ID: "old", Title: "Volcano erupts in Iceland", Text: "The volcano near Grindavik erupted overnight.", Published: start})
	for i := range 2000 {
		c.Add(Doc{ID: fmt.Sprint(i), Title: fmt.Sprintf("topic%d report", i), Text: fmt.Sprintf("word%d item%d", i, i), Published: start.Add(time.Duration(i) * time.Hour)})
	}
	if c.stories[first-1].indexed {
		t.Error("a story last seen 2000 hours ago is still indexed")
	}
	if len(c.active) > 200 {
		t.Errorf("%d stories indexed, want only recent ones", len(c.active))
	}
	late := c.Add(Doc{ID: "new", Title: "Volcano erupts in Iceland", Text: "The volcano near Grindavik erupted overnight.", Published: start.Add(2001 * time.Hour)})
	if late == first {
		t.Fatal("an article months later joined a retired story")
	}
	if err := c.Merge(first, late); err != nil {
		t.Fatal(err)
	}
	if got := c.Add(Doc{ID: "newer", Title: "Volcano erupts in Iceland again", Text: "The volcano near Grindavik erupted overnight.", Published: start.Add(2002 * time.Hour)}); got != first {
		t.Errorf("after the merge, a similar article joined story %d, want %d", got, first)
	}
}

func TestClustererMergeAndSplit(t *testing.T) {
	c := NewClusterer(Options{})
	ids := make(map[string]int)
	for _, tt := range threeStories {
		ids[tt.doc.ID] = c.Add(tt.doc)
	}
	quake, vote, chip := ids["quake-1"], ids["vote-1"], ids["chip-1"]

	if err := c.Merge(quake, vote); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Story(vote); ok {
		t.Error("merged-away story still exists")
	}
	if got := c.Resolve(vote); got != quake {
		t.Errorf("Resolve(%d) = %d, want %d", vote, got, quake)
	}
	s, _ := c.Story(quake)
	want := []string{"quake-1", "vote-1", "quake-2", "vote-2", "quake-3", "vote-3"}
	if !slices.Equal(s.Articles, want) {
		t.Errorf("merged story has %q, want %q (arrival order)", s.Articles, want)
	}
	if got, _ := c.StoryOf("vote-2"); got != quake {
		t.Errorf("StoryOf(vote-2) = %d, want %d", got, quake)
	}
	if got := c.Add(Doc{ID: "vote-4", Title: "Straujuma sworn in as Latvia's prime minister", Text: "Laimdota Straujuma was sworn in as prime minister by the Latvian parliament in Riga."}); got != quake {
		t.Errorf("after the merge a vote article joined story %d, want %d", got, quake)
	}

	split, err := c.Split(quake, []string{"vote-1", "vote-2", "vote-3", "vote-4"})
	if err != nil {
		t.Fatal(err)
	}
	if split == quake || split == vote || split == chip {
		t.Errorf("split made story %d, want a new ID", split)
	}
	s, _ = c.Story(quake)
	if want := []string{"quake-1", "quake-2", "quake-3"}; !slices.Equal(s.Articles, want) {
		t.Errorf("after the split the story has %q, want %q", s.Articles, want)
	}
	s, _ = c.Story(split)
	if want := []string{"vote-1", "vote-2", "vote-3", "vote-4"}; !slices.Equal(s.Articles, want) {
		t.Errorf("the new story has %q, want %q", s.Articles, want)
	}
	if got := c.Add(Doc{ID: "vote-5", Title: "Latvia's new prime minister Straujuma names cabinet", Text: "Prime minister Laimdota Straujuma presented her cabinet to the parliament in Riga."}); got != split {
		t.Errorf("after the split a vote article joined story %d, want the split-off %d", got, split)
	}
	if got := c.Add(Doc{ID: "quake-4", Title: "Aftershock rattles Sendai after Japan earthquake", Text: "An aftershock of the earthquake rattled Sendai in northern Japan; no new tsunami warning."}); got != quake {
		t.Errorf("after the split a quake article joined story %d, want %d", got, quake)
	}
}

func TestClustererMergeSplitErrors(t *testing.T) {
	c := NewClusterer(Options{})
	a := c.Add(threeStories[0].doc)
	b := c.Add(threeStories[1].doc)
	if err := c.Merge(a, 99); !errors.Is(err, ErrNoStory) {
		t.Errorf("Merge into unknown story: %v, want ErrNoStory", err)
	}
	if err := c.Merge(99, a); !errors.Is(err, ErrNoStory) {
		t.Errorf("Merge of unknown story: %v, want ErrNoStory", err)
	}
	if _, err := c.Split(99, []string{"x"}); !errors.Is(err, ErrNoStory) {
		t.Errorf("Split of unknown story: %v, want ErrNoStory", err)
	}
	if _, err := c.Split(a, []string{threeStories[1].doc.ID}); err == nil {
		t.Error("Split moving an article of another story: no error")
	}
	if _, err := c.Split(a, []string{threeStories[0].doc.ID}); err == nil {
		t.Error("Split moving every article: no error")
	}
	if _, err := c.Split(a, nil); err == nil {
		t.Error("Split moving nothing: no error")
	}
	if err := c.Merge(a, a); err != nil {
		t.Errorf("Merge of a story with itself: %v, want nil", err)
	}
	if _, ok := c.Story(b); !ok {
		t.Error("a failed merge removed a story")
	}
}

// TestClustererDeterministic runs the same stream twice: map iteration
// order differs between runs, the stories must not.
func TestClustererDeterministic(t *testing.T) {
	docs := make([]Doc, 0, 40*len(threeStories))
	for i := range 40 {
		for _, tt := range threeStories {
			d := tt.doc
			d.ID = fmt.Sprintf("%s-%d", d.ID, i)
			d.Text = fmt.Sprintf("%s Update %d: %s", d.Text, i%7, threeStories[(i+len(d.Text))%len(threeStories)].doc.Title)
			docs = append(docs, d)
		}
	}
	if gold, err := loadGoogleNewsQuiet(); err == nil {
		for _, d := range gold {
			docs = append(docs, Doc{ID: d.ID, Title: d.Title, Text: d.Text})
		}
	}
	run := func() []int {
		c := NewClusterer(Options{})
		out := make([]int, len(docs))
		for i, d := range docs {
			out[i] = c.Add(d)
		}
		return out
	}
	first := run()
	for range 2 {
		if again := run(); !slices.Equal(first, again) {
			for i := range first {
				if first[i] != again[i] {
					t.Fatalf("article %d (%s): story %d in one run, %d in another", i, docs[i].ID, first[i], again[i])
				}
			}
		}
	}
}
