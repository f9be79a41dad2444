package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The story log is pruned of old changes but keeps its newest, and a
// reader that missed pruned changes is told so rather than handed what is
// left as if it were all.
func TestStoryLogPruned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		storyFixture(t, db)
		var todo []newsdesk.ClusterItem
		var seqs []int64
		cluster := func(items []newsdesk.ClusterItem) {
			t.Helper()
			err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
				for _, it := range items {
					_, seq, err := b.Add(it, 0, 0)
					if err != nil {
						return err
					}
					seqs = append(seqs, seq)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		db.ClusterStories(ctx, func(b newsdesk.StoryBatch) (err error) {
			todo, err = b.Unclustered(newsdesk.UnclusteredFilter{Limit: 100})
			return err
		})
		if len(todo) != 5 {
			t.Fatalf("%d items to cluster, want 5", len(todo))
		}
		cluster(todo[:3])
		clock = clock.Add(8 * 24 * time.Hour)
		cluster(todo[3:])

		// changes asks a batch for the changes after one, and says how
		// many it got, or that they were pruned.
		changes := func(after int64) string {
			t.Helper()
			var out string
			db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
				list, err := b.Changes(after)
				switch {
				case errors.Is(err, newsdesk.ErrStoryLogPruned):
					out = "pruned"
				case err != nil:
					t.Fatal(err)
				default:
					out = strconv.Itoa(len(list))
				}
				return nil
			})
			return out
		}
		prune := func(keep time.Duration) int64 {
			t.Helper()
			var n int64
			err := db.ClusterStories(ctx, func(b newsdesk.StoryBatch) (err error) {
				n, err = b.PruneChanges(keep)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		if got := changes(0); got != "5" {
			t.Fatalf("before pruning, changes after none: %s, want 5", got)
		}
		if n := prune(7 * 24 * time.Hour); n != 3 {
			t.Errorf("pruned %d changes, want the 3 made over a week before", n)
		}
		for _, tt := range []struct {
			after int64
			want  string
		}{
			{0, "pruned"},
			{seqs[1], "pruned"}, // missed the third change
			{seqs[2], "2"},
			{seqs[4], "0"},
		} {
			if got := changes(tt.after); got != tt.want {
				t.Errorf("changes after %d: %s, want %s", tt.after, got, tt.want)
			}
		}

		// Long after, everything is old, but the newest change stays:
		// a reader that saw it is up to date, and one that did not knows
		// it missed some.
		clock = clock.Add(30 * 24 * time.Hour)
		if n := prune(7 * 24 * time.Hour); n != 1 {
			t.Errorf("pruned %d changes, want 1 (all but the newest)", n)
		}
		if got := changes(seqs[4]); got != "0" {
			t.Errorf("changes after the newest: %s, want 0", got)
		}
		if got := changes(seqs[2]); got != "pruned" {
			t.Errorf("changes after the third: %s, want pruned", got)
		}
		if n := prune(7 * 24 * time.Hour); n != 0 {
			t.Errorf("pruned %d changes again, want 0", n)
		}

		// Pruning the log leaves the stories alone.
		if list, _ := db.FindStories(ctx, newsdesk.StoryFilter{}); len(list) != 5 {
			t.Errorf("%d stories after pruning, want 5", len(list))
		}
	})
}
