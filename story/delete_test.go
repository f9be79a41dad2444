package story_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/story"
)

// When a source is deleted, a running worker forgets its items: later
// items are clustered among the articles that remain, and a new wire copy
// is folded under the copy that is left, not under the deleted original.
func TestClusteringAfterSourceDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := func() time.Time { return clusterClock }
		db.Now = now
		ids := saveNews(t, db, news)
		cl := story.NewService(story.Config{Store: db, Now: now})
		runClustering(t, cl)

		// The Courier carried the wire story first; the Herald's is a copy
		// of it.
		courier, err := db.FindItemByID(ctx, ids["quake-2"])
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSource(ctx, courier.SourceID); err != nil {
			t.Fatal(err)
		}
		saveNews(t, db, []newsItem{
			{"Gazette", "quake-4", "quake", "Tsunami warning lifted in Sendai", wireCopy},
		})
		if n := runClustering(t, cl); n != 1 {
			t.Fatalf("clustered %d items, want 1", n)
		}
		want := []string{
			"chip-1 chip-3",
			"quake-1 quake-3 quake-4(copy)",
			"vote-1 vote-3",
		}
		if got := storiesByGUID(t, db); !slices.Equal(got, want) {
			t.Errorf("stories:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		s, err := db.FindStoryByID(ctx, storyOf(t, db, "quake-4"))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range s.Items {
			if it.Item.GUID == "quake-4" && it.CopyOf != ids["quake-3"] {
				t.Errorf("quake-4 is a copy of item %d, want quake-3 (%d)", it.CopyOf, ids["quake-3"])
			}
		}
		list, _ := db.FindStories(ctx, newsdesk.StoryFilter{})
		for _, s := range list {
			if s.Articles != len(s.Outlets) && !strings.HasPrefix(s.Headline, "Strong earthquake") {
				t.Errorf("story %q: %d articles from %q", s.Headline, s.Articles, s.Outlets)
			}
		}
	})
}
