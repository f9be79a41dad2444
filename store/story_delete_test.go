package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Deleting a source deletes its items, and the stories they were in are
// brought up to date at once: their counts, outlets, lead, span and rank
// are those of the items that remain.
func TestDeleteSourceKeepsStoriesTrue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		items := storyFixture(t, db)
		byID := map[int64]newsdesk.ClusterItem{}
		var bridge, strike int64
		err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			todo, err := b.Unclustered(newsdesk.UnclusteredFilter{Limit: 100})
			if err != nil {
				return err
			}
			for _, it := range todo {
				byID[it.ID] = it
			}
			add := func(guid string, story, copyOf int64) int64 {
				id, _, e := b.Add(byID[items[guid].ID], story, copyOf)
				if e != nil && err == nil {
					err = e
				}
				return id
			}
			bridge = add("l-bridge", 0, 0)
			strike = add("l-wire", 0, 0)
			add("c-bridge", bridge, 0)
			add("c-wire", strike, items["l-wire"].ID)
			add("w-bridge", bridge, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var head int64
		db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			changes, _ := b.Changes(0)
			head = changes[len(changes)-1].Seq
			return nil
		})

		ledger := items["l-bridge"].SourceID
		if err := db.DeleteSource(ctx, ledger); err != nil {
			t.Fatal(err)
		}
		b, err := db.FindStoryByID(ctx, bridge)
		if err != nil {
			t.Fatal(err)
		}
		cBridge := items["c-bridge"]
		if b.Articles != 2 || b.LeadItemID != cBridge.ID || b.Headline != "Calder bridge repairs begin" ||
			!b.FirstSeen.Equal(*cBridge.PublishedAt) || !b.LastSeen.Equal(now) || len(b.Items) != 2 {
			t.Errorf("bridge story after the Ledger went: %d articles, lead %d %q, from %v to %v",
				b.Articles, b.LeadItemID, b.Headline, b.FirstSeen, b.LastSeen)
		}
		if want := newsdesk.CoverageRank([]time.Time{*cBridge.PublishedAt, now}); b.Rank != want {
			t.Errorf("bridge story's rank %v, want %v (Courier and Wire only)", b.Rank, want)
		}
		s, err := db.FindStoryByID(ctx, strike)
		if err != nil {
			t.Fatal(err)
		}
		// The copy stands alone now that what it copied is gone.
		if s.Articles != 1 || s.Copies != 0 || s.LeadItemID != items["c-wire"].ID || !s.FirstSeen.Equal(*items["c-wire"].PublishedAt) {
			t.Errorf("strike story after the Ledger went: %d articles, %d copies, lead %d, first seen %v",
				s.Articles, s.Copies, s.LeadItemID, s.FirstSeen)
		}
		list, err := db.FindStories(ctx, newsdesk.StoryFilter{MinOutlets: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != bridge || !slices.Equal(list[0].Outlets, []string{"Courier", "Wire"}) {
			t.Errorf("stories of two outlets or more: %+v", list)
		}

		// With the Courier gone too, the strike story has no article left
		// and is listed no more.
		if err := db.DeleteSource(ctx, items["c-wire"].SourceID); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.FindStoryByID(ctx, strike); s.Articles != 0 || s.LeadItemID != 0 || len(s.Items) != 0 {
			t.Errorf("story of deleted items: %+v", s)
		}
		list, _ = db.FindStories(ctx, newsdesk.StoryFilter{})
		if len(list) != 1 || list[0].ID != bridge || list[0].Articles != 1 {
			t.Errorf("stories left: %+v", list)
		}

		// The clustering workers learn of each removal from the log.
		db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
			changes, err := b.Changes(head)
			if err != nil || len(changes) != 2 || changes[0].Kind != newsdesk.StoryChangeRemove || changes[0].OtherID != ledger {
				t.Errorf("changes after the deletions: %+v, %v", changes, err)
			}
			return nil
		})

		// A source in no story is deleted as before.
		src := &newsdesk.Source{Name: "Quiet", FeedURL: "https://quiet.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSource(ctx, src.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("deleting it again: %v, want ENOTFOUND", err)
		}
	})
}
