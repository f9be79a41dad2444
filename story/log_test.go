package story_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/story"
)

// The clustering job prunes the story log of changes over a week old. A
// worker that has not clustered since (another process had the job) finds
// changes it would replay gone, rebuilds from the stored stories, and
// clusters as one worker would have.
func TestClusteringPrunesStoryLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		one := storetest.SQLite(t)
		saveNews(t, one, news)
		runClustering(t, story.NewService(story.Config{Store: one, Now: func() time.Time { return clusterClock }}))
		want := storiesByGUID(t, one)

		clock := clusterClock
		now := func() time.Time { return clock }
		db.Now = now
		a, b := story.NewService(story.Config{Store: db, Now: now}), story.NewService(story.Config{Store: db, Now: now})
		// count returns how many changes the log holds after the one
		// numbered after, or -1 if some were pruned.
		count := func(after int64) int {
			t.Helper()
			n := 0
			db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
				changes, err := b.Changes(after)
				switch {
				case errors.Is(err, newsdesk.ErrStoryLogPruned):
					n = -1
				case err != nil:
					t.Fatal(err)
				default:
					n = len(changes)
				}
				return nil
			})
			return n
		}

		saveNews(t, db, news[:1])
		runClustering(t, a) // a's last change is the 1st
		clock = clock.Add(24 * time.Hour)
		saveNews(t, db, news[1:7])
		runClustering(t, b) // the 2nd to 7th: a knows of no chip story
		if n := count(0); n != 7 {
			t.Fatalf("the log holds %d changes, want 7", n)
		}

		// Nine days on, b clusters another item and prunes what is over
		// a week old: everything before it.
		clock = clock.Add(8 * 24 * time.Hour)
		saveNews(t, db, news[7:8])
		runClustering(t, b)
		if n := count(0); n != -1 {
			t.Errorf("the log still holds changes from the start (%d)", n)
		}
		if n := count(7); n != 1 {
			t.Errorf("the log holds %d changes after the 7th, want 1 (b's newest)", n)
		}

		// a comes back: the changes after its last are gone, so it starts
		// again from the stored stories, and puts the chip item with the
		// others rather than in a story of its own.
		saveNews(t, db, news[8:])
		if n := runClustering(t, a); n != 1 {
			t.Errorf("a clustered %d items, want 1", n)
		}
		if got := storiesByGUID(t, db); !slices.Equal(got, want) {
			t.Errorf("stories:\n%s\nwant, as one worker made,\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
