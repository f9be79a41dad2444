package store_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// storyFixture makes three outlets and items about two events, and returns
// the items by GUID.
func storyFixture(t *testing.T, db *store.DB) map[string]*newsdesk.Item {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { t := base.Add(time.Duration(h) * time.Hour); return &t }
	items := map[string]*newsdesk.Item{}
	for _, outlet := range []struct {
		name  string
		items []*newsdesk.Item
	}{
		{"Ledger", []*newsdesk.Item{
			{GUID: "l-bridge", Title: "Bridge closes for repairs", Summary: "The Calder bridge closes on Monday.", PublishedAt: at(0)},
			{GUID: "l-wire", Title: "Port strike ends", Summary: "Dockworkers return after a three-day strike over pay.", PublishedAt: at(1)},
		}},
		{"Courier", []*newsdesk.Item{
			{GUID: "c-bridge", Title: "Calder bridge repairs begin", Summary: "Traffic diverted.", PublishedAt: at(2)},
			{GUID: "c-wire", Title: "Port strike ends", Summary: "Dockworkers return after a three-day strike over pay.", PublishedAt: at(3)},
		}},
		{"Wire", []*newsdesk.Item{
			// A publication time in the future: its time is when it was fetched.
			{GUID: "w-bridge", Title: "Bridge work starts", Summary: "Short.", PublishedAt: at(24 * 365 * 10)},
		}},
	} {
		src := &newsdesk.Source{Name: outlet.name, FeedURL: "https://" + outlet.name + ".example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveItems(ctx, src.ID, outlet.items); err != nil {
			t.Fatal(err)
		}
		list, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range list {
			items[it.GUID] = it
		}
	}
	// The Ledger's bridge item has its article extracted.
	if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: items["l-bridge"].ID, Text: "The whole article about the bridge, long.", ExtractedAt: base}); err != nil {
		t.Fatal(err)
	}
	return items
}

func TestStoriesClusteredAndFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		items := storyFixture(t, db)

		var bridge, strike int64
		err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			todo, err := b.Unclustered(newsdesk.UnclusteredFilter{Since: now.Add(-time.Hour), Limit: 100})
			if err != nil {
				return err
			}
			var guids []string
			for _, it := range todo {
				for g, x := range items {
					if x.ID == it.ID {
						guids = append(guids, g)
					}
				}
			}
			if want := []string{"l-bridge", "l-wire", "c-bridge", "c-wire", "w-bridge"}; !slices.Equal(guids, want) {
				t.Errorf("unclustered items %q, want %q in arrival order", guids, want)
			}
			if todo[0].Article != "The whole article about the bridge, long." || todo[0].Summary != "The Calder bridge closes on Monday." ||
				todo[1].Article != "" || todo[1].Summary != "Dockworkers return after a three-day strike over pay." {
				t.Errorf("first items: %+v, %+v: want each with its summary, and its article's text if any", todo[0], todo[1])
			}
			if todo[0].Source != "Ledger" || !todo[0].SeenAt.Equal(*items["l-bridge"].PublishedAt) {
				t.Errorf("first item: source %q seen at %v", todo[0].Source, todo[0].SeenAt)
			}
			if !todo[4].SeenAt.Equal(now) {
				t.Errorf("an item dated in the future is seen at %v, want when it was fetched (%v)", todo[4].SeenAt, now)
			}
			if bridge, _, err = b.Add(todo[0], 0, 0); err != nil {
				return err
			}
			if strike, _, err = b.Add(todo[1], 0, 0); err != nil {
				return err
			}
			if _, _, err = b.Add(todo[2], bridge, 0); err != nil {
				return err
			}
			if _, _, err = b.Add(todo[3], strike, todo[1].ID); err != nil {
				return err
			}
			_, _, err = b.Add(todo[4], bridge, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		list, err := db.FindStories(ctx, newsdesk.StoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != bridge || list[1].ID != strike {
			t.Fatalf("stories %+v, want the bridge story (3 outlets) before the strike story (2)", list)
		}
		b := list[0]
		if b.Headline != "Bridge closes for repairs" || b.LeadItemID != items["l-bridge"].ID || b.Articles != 3 ||
			!slices.Equal(b.Outlets, []string{"Courier", "Ledger", "Wire"}) {
			t.Errorf("bridge story: %+v", b)
		}
		if !b.FirstSeen.Equal(*items["l-bridge"].PublishedAt) || !b.LastSeen.Equal(now) {
			t.Errorf("bridge story spans %v to %v", b.FirstSeen, b.LastSeen)
		}
		// Coverage: each outlet's latest item, halved every day.
		want := math.Exp2(-12.0/24) + math.Exp2(-10.0/24) + 1
		if got := b.Coverage(now); math.Abs(got-want) > 1e-9 {
			t.Errorf("coverage %v, want %v", got, want)
		}
		if got := b.Coverage(now.Add(24 * time.Hour)); math.Abs(got-want/2) > 1e-9 {
			t.Errorf("coverage a day later %v, want half, %v", got, want/2)
		}
		if only, _ := db.FindStories(ctx, newsdesk.StoryFilter{MinOutlets: 3}); len(only) != 1 || only[0].ID != bridge {
			t.Errorf("stories with 3 outlets or more: %+v", only)
		}

		s, err := db.FindStoryByID(ctx, strike)
		if err != nil {
			t.Fatal(err)
		}
		if s.Articles != 2 || s.Copies != 1 || len(s.Items) != 2 || s.Items[1].CopyOf != items["l-wire"].ID ||
			s.Items[0].Item.Title != "Port strike ends" || s.Items[0].Item.SourceName != "Ledger" {
			t.Errorf("strike story: %+v, items %+v %+v", s, s.Items[0], s.Items[1])
		}
		if _, err := db.FindStoryByID(ctx, 999); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("missing story: %v, want ENOTFOUND", err)
		}

		// Everything is clustered now, and the log says what was done.
		db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			if todo, err := b.Unclustered(newsdesk.UnclusteredFilter{Limit: 100}); err != nil || len(todo) != 0 {
				t.Errorf("unclustered after clustering: %v, %v", todo, err)
			}
			changes, err := b.Changes(0)
			if err != nil || len(changes) != 5 || changes[3].Kind != newsdesk.StoryChangeAdd || changes[3].CopyOf != items["l-wire"].ID {
				t.Errorf("changes: %+v, %v", changes, err)
			}
			return nil
		})
		// Adding an item twice is refused: an item is in one story.
		err = db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			got, err := b.Items([]int64{items["l-bridge"].ID})
			if err != nil {
				return err
			}
			if got[items["l-bridge"].ID].StoryID != bridge {
				t.Errorf("item's story %d, want %d", got[items["l-bridge"].ID].StoryID, bridge)
			}
			_, _, err = b.Add(got[items["l-bridge"].ID], strike, 0)
			return err
		})
		if newsdesk.ErrorCode(err) != newsdesk.ECONFLICT {
			t.Errorf("adding a clustered item again: %v, want ECONFLICT", err)
		}
	})
}

func TestStoriesMergeAndSplit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		items := storyFixture(t, db)
		ids := map[string]int64{}
		err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			todo, err := b.Unclustered(newsdesk.UnclusteredFilter{Limit: 100})
			if err != nil {
				return err
			}
			// Each item a story of its own.
			for _, it := range todo {
				s, _, err := b.Add(it, 0, 0)
				if err != nil {
					return err
				}
				for g, x := range items {
					if x.ID == it.ID {
						ids[g] = s
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_, head, err := db.StorySnapshot(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}

		if err := db.MergeStories(ctx, ids["l-bridge"], ids["c-bridge"]); err != nil {
			t.Fatal(err)
		}
		if err := db.MergeStories(ctx, ids["l-bridge"], ids["w-bridge"]); err != nil {
			t.Fatal(err)
		}
		s, err := db.FindStoryByID(ctx, ids["l-bridge"])
		if err != nil || s.Articles != 3 || len(s.Items) != 3 {
			t.Fatalf("after merging: %+v, %v", s, err)
		}
		gone, err := db.FindStoryByID(ctx, ids["c-bridge"])
		if err != nil || gone.MergedInto != ids["l-bridge"] || len(gone.Items) != 0 {
			t.Errorf("merged-away story: %+v, %v", gone, err)
		}
		for name, tc := range map[string]struct {
			into, from int64
			code       string
		}{
			"same story":   {ids["l-bridge"], ids["l-bridge"], newsdesk.EINVALID},
			"merged away":  {ids["l-bridge"], ids["c-bridge"], newsdesk.EINVALID},
			"missing from": {ids["l-bridge"], 999, newsdesk.ENOTFOUND},
			"missing into": {999, ids["l-wire"], newsdesk.ENOTFOUND},
		} {
			if err := db.MergeStories(ctx, tc.into, tc.from); newsdesk.ErrorCode(err) != tc.code {
				t.Errorf("merge, %s: %v, want %s", name, err, tc.code)
			}
		}

		moved := []int64{items["w-bridge"].ID, items["c-bridge"].ID}
		newID, err := db.SplitStory(ctx, ids["l-bridge"], moved)
		if err != nil {
			t.Fatal(err)
		}
		split, err := db.FindStoryByID(ctx, newID)
		if err != nil || split.Articles != 2 || !slices.Equal(split.Outlets, []string{"Courier", "Wire"}) || split.LeadItemID != items["c-bridge"].ID {
			t.Errorf("new story: %+v, %v", split, err)
		}
		if s, _ := db.FindStoryByID(ctx, ids["l-bridge"]); s.Articles != 1 || s.Headline != "Bridge closes for repairs" {
			t.Errorf("story split from: %+v", s)
		}
		for name, tc := range map[string]struct {
			story int64
			items []int64
			code  string
		}{
			"nothing":       {ids["l-bridge"], nil, newsdesk.EINVALID},
			"everything":    {newID, moved, newsdesk.EINVALID},
			"not in it":     {ids["l-bridge"], []int64{items["l-wire"].ID}, newsdesk.EINVALID},
			"missing story": {999, []int64{items["l-wire"].ID}, newsdesk.ENOTFOUND},
			"merged away":   {ids["c-bridge"], []int64{items["c-bridge"].ID}, newsdesk.EINVALID},
		} {
			if _, err := db.SplitStory(ctx, tc.story, tc.items); newsdesk.ErrorCode(err) != tc.code {
				t.Errorf("split, %s: %v, want %s", name, err, tc.code)
			}
		}

		// The log holds the editors' changes after the clustering, in order.
		var changes []newsdesk.StoryChange
		db.ClusterStories(ctx, func(b newsdesk.StoryBatch) (err error) { changes, err = b.Changes(head); return err })
		var got []string
		for _, c := range changes {
			got = append(got, fmt.Sprint(c.Kind, " ", c.StoryID, " ", c.OtherID, " ", c.Items))
		}
		slices.Sort(moved)
		want := []string{
			fmt.Sprint("merge ", ids["l-bridge"], " ", ids["c-bridge"], " []"),
			fmt.Sprint("merge ", ids["l-bridge"], " ", ids["w-bridge"], " []"),
			fmt.Sprint("split ", ids["l-bridge"], " ", newID, " ", moved),
		}
		if !slices.Equal(got, want) {
			t.Errorf("changes after clustering:\n%q\nwant\n%q", got, want)
		}

		// A snapshot has every item of the recent stories in the order
		// they were clustered, each in the story it is in now.
		snap, head2, err := db.StorySnapshot(ctx, 10*365*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if head2 != changes[len(changes)-1].Seq || len(snap) != 5 {
			t.Fatalf("snapshot of %d items at change %d, want 5 at %d", len(snap), head2, changes[len(changes)-1].Seq)
		}
		if snap[0].ID != items["l-bridge"].ID || snap[0].StoryID != ids["l-bridge"] || snap[4].ID != items["w-bridge"].ID || snap[4].StoryID != newID {
			t.Errorf("snapshot: %+v", snap)
		}
	})
}

// With extraction on, an item that links to a page waits for its article
// before it is clustered, for a while at most: the batch leaves it out
// until it has an article or was fetched before AwaitArticlesSince. Items
// with an article, or with no page to fetch, are clustered at once, or,
// to keep the order they arrived in, once the items before them are
// (InOrderSince).
func TestUnclusteredAwaitsArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fetched := time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return fetched }
		src := &newsdesk.Source{Name: "Ledger", FeedURL: "https://ledger.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{
			{GUID: "extracted", URL: "https://ledger.example/1", Title: "Bridge closes", Summary: "Feed text."},
			{GUID: "waiting", URL: "https://ledger.example/2", Title: "Ferry returns", Summary: "Feed text."},
			{GUID: "failed", URL: "https://ledger.example/3", Title: "Port strike", Summary: "Feed text."},
			{GUID: "no-page", Title: "Council votes", Summary: "Feed text."},
		}); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		list, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		for _, it := range list {
			ids[it.GUID] = it.ID
		}
		for _, a := range []*newsdesk.Article{
			{ItemID: ids["extracted"], Text: "The whole article about the bridge."},
			{ItemID: ids["failed"], Error: "The page answered 404 Not Found."},
		} {
			if err := db.SaveArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			name           string
			await, inOrder time.Time
			want           []string
		}{
			{"extraction off", time.Time{}, time.Time{}, []string{"extracted", "waiting", "failed", "no-page"}},
			{"awaiting articles", fetched.Add(-15 * time.Minute), time.Time{}, []string{"extracted", "failed", "no-page"}},
			{"waited long enough", fetched.Add(time.Second), time.Time{}, []string{"extracted", "waiting", "failed", "no-page"}},
			{"in the order they arrived", fetched.Add(-15 * time.Minute), fetched.Add(-time.Minute), []string{"extracted"}},
			{"a slow page lets the next go first", fetched.Add(-15 * time.Minute), fetched.Add(time.Second), []string{"extracted", "failed", "no-page"}},
		} {
			var got []string
			var texts []string
			err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
				todo, err := b.Unclustered(newsdesk.UnclusteredFilter{AwaitArticlesSince: tt.await, InOrderSince: tt.inOrder, Limit: 100})
				for _, it := range todo {
					for g, id := range ids {
						if id == it.ID {
							got = append(got, g)
						}
					}
					texts = append(texts, it.Article)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: unclustered %q, want %q", tt.name, got, tt.want)
			}
			if texts[0] != "The whole article about the bridge." || len(texts) > 1 && texts[len(texts)-1] != "" {
				t.Errorf("%s: articles' texts %q, want the one article's text", tt.name, texts)
			}
		}
	})
}
