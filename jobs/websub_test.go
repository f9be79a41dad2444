package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The periodic look over subscriptions renews a lease that is due and
// tells the hub of a removed source, through the queue, on both
// databases.
func TestWebSubUpkeepJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		seen := map[string]string{} // topic -> mode
		hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			seen[r.PostForm.Get("hub.topic")] = r.PostForm.Get("hub.mode")
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}))
		defer hub.Close()

		now := time.Now().UTC()
		due, expires := now.Add(-time.Minute), now.Add(time.Hour)
		var ids []int64
		for _, name := range []string{"kept", "removed"} {
			src := &newsdesk.Source{Name: name, FeedURL: "https://" + name + ".example/feed"}
			if err := db.CreateSource(ctx, src); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, src.ID)
			if err := db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: src.ID, Hub: hub.URL, Topic: src.FeedURL,
				Token: "t-" + name, Secret: "s", State: newsdesk.LeaseActive, Lease: 75 * time.Minute,
				ExpiresAt: &expires, RenewAt: &due}, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.DeleteSource(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}

		svc := feeds(t, db)
		public, _ := url.Parse("https://desk.example/")
		ws := ingest.NewWebSub(svc, ingest.WebSubConfig{Leases: db, PublicURL: public})
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(jobs.Config{DB: db, Sources: db, Feeds: svc, WebSub: ws, Workers: 2, Tick: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			q.Stop(ctx)
		}()

		waitFor(t, "a renewal and an unsubscription at the hub", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return seen["https://kept.example/feed"] == "subscribe" && seen["https://removed.example/feed"] == "unsubscribe"
		})
		sub, err := db.FindLease(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if sub.State != newsdesk.LeaseActive || sub.RequestedAt == nil {
			t.Fatalf("renewing subscription: %+v", sub)
		}
		gone, err := db.FindLease(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		if gone.State != newsdesk.LeaseUnsubscribing {
			t.Fatalf("removed source's subscription: %+v", gone)
		}
	})
}
