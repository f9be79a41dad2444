package story_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/story"
)

// newsItem is an item of the clustering tests and the event it is about.
type newsItem struct {
	outlet, guid, event string
	title, summary      string
}

// wireCopy is the wire service's text, which two outlets carry word for
// word.
const wireCopy = "Japan's meteorological agency issued a tsunami warning for the Sendai coast after a magnitude 7.1 earthquake struck offshore on Tuesday morning; buildings shook in Sendai but no damage was reported and the warning was lifted two hours later."

// news is three events covered by three outlets, arriving interleaved.
var news = []newsItem{
	{"Ledger", "quake-1", "quake", "Strong earthquake shakes northern Japan", "A magnitude 7.1 earthquake struck off the coast of northern Japan on Tuesday, shaking buildings in Sendai and prompting a tsunami warning."},
	{"Ledger", "vote-1", "vote", "Latvia's parliament elects new prime minister", "Latvia's parliament on Wednesday elected Laimdota Straujuma as prime minister after the previous government resigned over the Riga supermarket roof collapse."},
	{"Courier", "quake-2", "quake", "Tsunami warning after earthquake off Japan", wireCopy},
	{"Ledger", "chip-1", "chip", "Chipmaker unveils faster processor", "The chipmaker unveiled a processor it says is twice as fast as its predecessor, with shipments to laptop makers starting in March."},
	{"Courier", "vote-2", "vote", "Straujuma becomes Latvia's first female prime minister", "Laimdota Straujuma was elected prime minister by Latvia's parliament, weeks after the Riga supermarket roof collapse brought down the government."},
	{"Herald", "quake-3", "quake", "Sendai shaken as tsunami warning is lifted", wireCopy}, // the wire copy, retitled
	{"Courier", "chip-2", "chip", "New processor doubles speed, chipmaker says", "Laptop makers will get the chipmaker's new processor in March; the company says it runs twice as fast as the previous generation."},
	{"Herald", "vote-3", "vote", "Latvian parliament backs Straujuma as prime minister", "Straujuma won the parliament vote in Riga and will lead the government that replaces the one that resigned after the roof collapse."},
	{"Herald", "chip-3", "chip", "Chipmaker's processor heads to laptop makers", "Shipments of the processor to laptop makers begin in March, the chipmaker said, promising twice the speed."},
}

// clusterClock is the time of the clustering tests: the items were
// published in the hours before it.
var clusterClock = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

// saveNews stores the items, one source per outlet, in the order given.
func saveNews(t *testing.T, db *store.DB, items []newsItem) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	srcs, err := db.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sourceOf := map[string]int64{}
	for _, s := range srcs {
		sourceOf[s.Name] = s.ID
	}
	for i, n := range items {
		if sourceOf[n.outlet] == 0 {
			s := &newsdesk.Source{Name: n.outlet, FeedURL: "https://" + strings.ToLower(n.outlet) + ".example/feed"}
			if err := db.CreateSource(ctx, s); err != nil {
				t.Fatal(err)
			}
			sourceOf[n.outlet] = s.ID
		}
		published := clusterClock.Add(-time.Duration(len(items)-i) * time.Hour)
		if _, err := db.SaveItems(ctx, sourceOf[n.outlet], []*newsdesk.Item{{GUID: n.guid, URL: "https://" + strings.ToLower(n.outlet) + ".example/" + n.guid,
			Title: n.title, Summary: n.summary, PublishedAt: &published}}); err != nil {
			t.Fatal(err)
		}
	}
	return itemIDs(t, db)
}

func itemIDs(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	list, err := db.FindItems(context.Background(), newsdesk.ItemFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, it := range list {
		ids[it.GUID] = it.ID
	}
	return ids
}

// storiesByGUID describes every story as its items' GUIDs, sorted, one
// story a line, so that runs can be compared whatever the story IDs.
func storiesByGUID(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	list, err := db.FindStories(ctx, newsdesk.StoryFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range list {
		full, err := db.FindStoryByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var guids []string
		for _, it := range full.Items {
			g := it.Item.GUID
			if it.CopyOf != 0 {
				g += "(copy)"
			}
			guids = append(guids, g)
		}
		slices.Sort(guids)
		out = append(out, strings.Join(guids, " "))
	}
	slices.Sort(out)
	return out
}

func runClustering(t *testing.T, cl *story.Service) int {
	t.Helper()
	n, more, err := cl.Run(context.Background(), story.RunOptions{MaxBatches: 100})
	if err != nil || more {
		t.Fatalf("clustering: %v (more: %v)", err, more)
	}
	return n
}

// Items from three outlets about three events become three stories, the
// wire copy folded under the article it copies; clustering again changes
// nothing, and neither does a restarted worker.
func TestClusteringMakesStories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := func() time.Time { return clusterClock }
		db.Now = now
		saveNews(t, db, news)
		cl := story.NewService(story.Config{Store: db, Now: now})
		if n := runClustering(t, cl); n != len(news) {
			t.Fatalf("clustered %d items, want %d", n, len(news))
		}
		want := []string{
			"chip-1 chip-2 chip-3",
			"quake-1 quake-2 quake-3(copy)",
			"vote-1 vote-2 vote-3",
		}
		got := storiesByGUID(t, db)
		if !slices.Equal(got, want) {
			t.Fatalf("stories:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		list, _ := db.FindStories(ctx, newsdesk.StoryFilter{})
		for _, s := range list {
			if s.Outlets == nil || len(s.Outlets) != 3 || s.Articles != 3 {
				t.Errorf("story %q: %d articles from %q, want 3 from 3 outlets", s.Headline, s.Articles, s.Outlets)
			}
			if strings.HasPrefix(s.Headline, "Strong earthquake") && s.Copies != 1 {
				t.Errorf("quake story has %d copies, want 1", s.Copies)
			}
		}

		if n := runClustering(t, cl); n != 0 {
			t.Errorf("second run clustered %d items, want 0", n)
		}
		restarted := story.NewService(story.Config{Store: db, Now: now})
		if n := runClustering(t, restarted); n != 0 {
			t.Errorf("restarted worker clustered %d items, want 0", n)
		}
		if again := storiesByGUID(t, db); !slices.Equal(again, want) {
			t.Errorf("stories changed by running again:\n%s", strings.Join(again, "\n"))
		}

		// A restarted worker puts later items in the stories made before.
		saveNews(t, db, []newsItem{
			{"Gazette", "vote-4", "vote", "Straujuma sworn in as Latvia's prime minister", "Laimdota Straujuma took office as Latvia's prime minister after the parliament vote in Riga."},
			{"Gazette", "chip-4", "chip", "Processor shipments to laptop makers begin", "The chipmaker's faster processor ships to laptop makers in March."},
		})
		if n := runClustering(t, restarted); n != 2 {
			t.Fatalf("clustered %d new items, want 2", n)
		}
		want = []string{
			"chip-1 chip-2 chip-3 chip-4",
			"quake-1 quake-2 quake-3(copy)",
			"vote-1 vote-2 vote-3 vote-4",
		}
		if got := storiesByGUID(t, db); !slices.Equal(got, want) {
			t.Errorf("stories after later items:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// storyOf returns the ID of the story the item with the GUID is in.
func storyOf(t *testing.T, db *store.DB, guid string) int64 {
	t.Helper()
	ctx := context.Background()
	list, _ := db.FindStories(ctx, newsdesk.StoryFilter{Limit: 500})
	for _, s := range list {
		full, _ := db.FindStoryByID(ctx, s.ID)
		for _, it := range full.Items {
			if it.Item.GUID == guid {
				return s.ID
			}
		}
	}
	t.Fatalf("item %s is in no story", guid)
	return 0
}

// An editor's merge and split reach the running worker: later items follow
// the stories as the editor left them.
func TestClusteringFollowsEditors(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return clusterClock }
	ids := saveNews(t, db, news)
	cl := story.NewService(story.Config{Store: db, Now: now})
	runClustering(t, cl)

	// The editor sees the Riga roof collapse as its own story and splits
	// the article that dwells on it off the vote story...
	vote := storyOf(t, db, "vote-1")
	roof, err := db.SplitStory(ctx, vote, []int64{ids["vote-2"]})
	if err != nil {
		t.Fatal(err)
	}
	// ... and merges the chip story into the quake story, wrongly, to see
	// that the worker follows even that.
	quake, chip := storyOf(t, db, "quake-1"), storyOf(t, db, "chip-1")
	if err := db.MergeStories(ctx, quake, chip); err != nil {
		t.Fatal(err)
	}
	saveNews(t, db, []newsItem{
		{"Gazette", "chip-4", "chip", "Processor shipments to laptop makers begin", "The chipmaker's faster processor ships to laptop makers in March."},
		{"Gazette", "roof-1", "roof", "Straujuma, elected after the roof collapse", "Laimdota Straujuma becomes Latvia's first female prime minister after the Riga supermarket roof collapse brought down the government."},
	})
	runClustering(t, cl)
	if got := storyOf(t, db, "chip-4"); got != quake {
		t.Errorf("chip-4 went to story %d, want the merged story %d", got, quake)
	}
	if got := storyOf(t, db, "vote-2"); got != roof {
		t.Errorf("vote-2 is in story %d, want the split-off story %d", got, roof)
	}
	if s, _ := db.FindStoryByID(ctx, chip); s.MergedInto != quake {
		t.Errorf("merged story: %+v", s)
	}
}

// Two workers sharing a database (two processes) cluster in turn and at
// the same moment; every item is clustered once, and the stories are the
// same as one worker's.
func TestClusteringTwoWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := func() time.Time { return clusterClock }
		one := storetest.SQLite(t)
		saveNews(t, one, news)
		runClustering(t, story.NewService(story.Config{Store: one, Now: now}))
		want := storiesByGUID(t, one)

		a, b := story.NewService(story.Config{Store: db, Now: now}), story.NewService(story.Config{Store: db, Now: now})
		saveNews(t, db, news[:4])
		runClustering(t, a)
		saveNews(t, db, news[4:7])
		runClustering(t, b) // replays what a did first
		saveNews(t, db, news[7:])
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, cl := range []*story.Service{a, b} {
			wg.Go(func() {
				n, _, err := cl.Run(context.Background(), story.RunOptions{MaxBatches: 100})
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if counts[0]+counts[1] != len(news)-7 {
			t.Errorf("the two workers clustered %v items, want %d in all", counts, len(news)-7)
		}
		if got := storiesByGUID(t, db); !slices.Equal(got, want) {
			t.Errorf("two workers made\n%s\nwant, as one worker made,\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// With extraction on, an item is clustered on its article's text once
// the article is in, not on its feed's summary; an item whose article
// does not come is clustered on the summary once it has waited long
// enough, and never before.
func TestClusteringWaitsForArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := clusterClock
		now := func() time.Time { return clock }
		db.Now = now
		const wait = 15 * time.Minute
		run := func(cl *story.Service) int {
			t.Helper()
			n, more, err := cl.Run(ctx, story.RunOptions{MaxBatches: 100, ArticleWait: wait})
			if err != nil || more {
				t.Fatalf("clustering: %v (more: %v)", err, more)
			}
			return n
		}
		// The Gazette's feed says nothing of what its item is about; its
		// page does.
		ids := saveNews(t, db, append(slices.Clone(news),
			newsItem{"Gazette", "teaser", "quake", "Read the latest", "Our reporter has the story."}))
		cl := story.NewService(story.Config{Store: db, Now: now})
		if n := run(cl); n != 0 {
			t.Fatalf("clustered %d items before their articles were in, want none", n)
		}
		for _, n := range news {
			if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids[n.guid], Text: n.summary}); err != nil {
				t.Fatal(err)
			}
		}
		if n := run(cl); n != len(news) {
			t.Fatalf("clustered %d items, want the %d whose articles are in", n, len(news))
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids["teaser"],
			Text: "A magnitude 7.1 earthquake struck off northern Japan on Tuesday; the tsunami warning for the Sendai coast was lifted two hours later and buildings shook in Sendai."}); err != nil {
			t.Fatal(err)
		}
		if n := run(cl); n != 1 {
			t.Fatalf("clustered %d items, want the teaser", n)
		}
		if storyOf(t, db, "teaser") != storyOf(t, db, "quake-1") {
			t.Errorf("the teaser is not in the quake story: clustered on its feed summary, not its article")
		}

		// A page that never comes: the item waits, then is clustered on
		// what its feed said.
		saveNews(t, db, []newsItem{{"Gazette", "slow", "chip", "Chipmaker unveils faster processor", "The chipmaker's processor, twice as fast, ships to laptop makers in March."}})
		clock = clock.Add(wait - time.Second)
		if n := run(cl); n != 0 {
			t.Fatalf("clustered %d items while the slow page may still come, want none", n)
		}
		clock = clock.Add(2 * time.Second)
		if n := run(cl); n != 1 {
			t.Fatalf("clustered %d items after the wait, want the slow one", n)
		}
		if storyOf(t, db, "slow") != storyOf(t, db, "chip-1") {
			t.Errorf("the slow item is not in the chip story")
		}
	})
}

// Pages come in out of order, but items are clustered in the order they
// arrived, which the stories depend on: an item waits for the items
// before it, and for one whose page is slow only up to OrderWait.
func TestClusteringKeepsArrivalOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := clusterClock
		now := func() time.Time { return clock }
		db.Now = now
		opts := story.RunOptions{MaxBatches: 100, ArticleWait: 15 * time.Minute, OrderWait: time.Minute}
		run := func(cl *story.Service) int {
			t.Helper()
			n, more, err := cl.Run(ctx, opts)
			if err != nil || more {
				t.Fatalf("clustering: %v (more: %v)", err, more)
			}
			return n
		}
		ids := saveNews(t, db, news)
		cl := story.NewService(story.Config{Store: db, Now: now})
		for i := len(news) - 1; i >= 1; i-- {
			if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids[news[i].guid], Text: news[i].summary}); err != nil {
				t.Fatal(err)
			}
			if n := run(cl); n != 0 {
				t.Fatalf("clustered %d items while the first item's page is still coming", n)
			}
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids[news[0].guid], Text: news[0].summary}); err != nil {
			t.Fatal(err)
		}
		if n := run(cl); n != len(news) {
			t.Fatalf("clustered %d items, want all %d", n, len(news))
		}
		one := storetest.SQLite(t)
		saveNews(t, one, news)
		runClustering(t, story.NewService(story.Config{Store: one, Now: now}))
		if got, want := storiesByGUID(t, db), storiesByGUID(t, one); !slices.Equal(got, want) {
			t.Errorf("stories:\n%s\nwant, as clustered in the order the items arrived,\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// A slow page holds up the item after it for a minute, no more.
		saveNews(t, db, []newsItem{
			{"Gazette", "slow", "vote", "Straujuma sworn in", "Laimdota Straujuma took office as Latvia's prime minister after the parliament vote in Riga."},
			{"Gazette", "quick", "chip", "Processor shipments begin", "The chipmaker's faster processor ships to laptop makers in March."},
		})
		ids = itemIDs(t, db)
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids["quick"], Text: "The chipmaker's faster processor ships to laptop makers in March."}); err != nil {
			t.Fatal(err)
		}
		if n := run(cl); n != 0 {
			t.Fatalf("clustered %d items ahead of the slow one", n)
		}
		clock = clock.Add(time.Minute + time.Second)
		if n := run(cl); n != 1 || storyOf(t, db, "quick") != storyOf(t, db, "chip-1") {
			t.Fatalf("after a minute clustered %d items, want the quick one, in the chip story", n)
		}
		clock = clock.Add(15 * time.Minute)
		if n := run(cl); n != 1 || storyOf(t, db, "slow") != storyOf(t, db, "vote-1") {
			t.Fatalf("after the article wait clustered %d items, want the slow one, in the vote story", n)
		}
	})
}
