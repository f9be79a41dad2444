package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// A feed's followers are kept one per topic and callback: asking again
// renews the lease and takes the new secret; only those whose lease runs
// are found for a delivery; lapsed ones are swept; and callbacks and
// secrets come back byte for byte.
func TestFeedFollowers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		const topic = "https://news.example/feed.xml"
		// A callback with a query, and a secret with spaces and
		// non-ASCII text: the hub needs both exactly as given.
		reader := &newsdesk.FeedFollower{Topic: topic, Callback: "https://Reader.example/cb?id=7&x= y",
			Secret: " sécret  with spaces ", Lease: 24 * time.Hour, ExpiresAt: now.Add(24 * time.Hour)}
		if err := db.SaveFeedFollower(ctx, reader); err != nil {
			t.Fatal(err)
		}
		if reader.ID == 0 {
			t.Fatal("no ID")
		}
		lapsed := &newsdesk.FeedFollower{Topic: topic, Callback: "https://old.example/cb",
			Lease: time.Hour, ExpiresAt: now.Add(-time.Minute)}
		other := &newsdesk.FeedFollower{Topic: "https://news.example/tag/harbor/feed.xml", Callback: "https://reader.example/cb2",
			Lease: time.Hour, ExpiresAt: now.Add(time.Hour)}
		for _, f := range []*newsdesk.FeedFollower{lapsed, other} {
			if err := db.SaveFeedFollower(ctx, f); err != nil {
				t.Fatal(err)
			}
		}

		got, err := db.FindFeedFollowers(ctx, topic, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != reader.ID || got[0].Callback != reader.Callback || got[0].Secret != reader.Secret ||
			got[0].Lease != 24*time.Hour || !got[0].ExpiresAt.Equal(now.Add(24*time.Hour)) {
			t.Fatalf("followers of the feed: %+v", got)
		}

		// A renewal keeps the follower and its ID, with the new secret
		// and lease.
		renewal := &newsdesk.FeedFollower{Topic: topic, Callback: reader.Callback, Secret: "",
			Lease: 48 * time.Hour, ExpiresAt: now.Add(48 * time.Hour)}
		if err := db.SaveFeedFollower(ctx, renewal); err != nil {
			t.Fatal(err)
		}
		if renewal.ID != reader.ID {
			t.Errorf("a renewal made follower %d, not kept %d", renewal.ID, reader.ID)
		}
		f, err := db.FindFeedFollower(ctx, topic, reader.Callback)
		if err != nil {
			t.Fatal(err)
		}
		if f.Secret != "" || f.Lease != 48*time.Hour || !f.CreatedAt.Equal(reader.CreatedAt) {
			t.Errorf("renewed follower: %+v (created %v before)", f, reader.CreatedAt)
		}
		if _, err := db.FindFeedFollower(ctx, topic, "https://reader.example/cb?id=7&x=%20y"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("another spelling of the callback: %v, want ENOTFOUND", err)
		}

		atHost, total, err := db.CountFeedFollowers(ctx, "reader.example")
		if err != nil || atHost != 2 || total != 3 {
			t.Errorf("count at reader.example: %d of %d (%v), want 2 of 3", atHost, total, err)
		}

		n, err := db.DeleteExpiredFeedFollowers(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("swept %d (%v), want the lapsed one", n, err)
		}
		if _, err := db.FindFeedFollowerByID(ctx, lapsed.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("lapsed follower after the sweep: %v", err)
		}
		if err := db.DeleteFeedFollower(ctx, reader.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteFeedFollower(ctx, reader.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("deleting twice: %v, want ENOTFOUND", err)
		}
		if err := db.SaveFeedFollower(ctx, &newsdesk.FeedFollower{Topic: topic}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("a follower with no callback: %v, want EINVALID", err)
		}
	})
}
