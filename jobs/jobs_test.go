package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Tidewater Times</title>
<item><guid>t1</guid><title>Harbour dredging starts</title><link>https://tide.example/1</link></item>
<item><guid>t2</guid><title>Lighthouse open day</title><link>https://tide.example/2</link></item>
</channel></rss>`

func startQueue(t *testing.T, db *store.DB, feeds newsdesk.FeedService) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{DB: db, Sources: db, Feeds: feeds, Workers: 2, Tick: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q
}

// feeds is the ingest service, allowed to fetch from the tests' servers
// on loopback, storing through the pipeline's door with extraction off.
func feeds(t *testing.T, db *store.DB) *ingest.Service {
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	p, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	return ingest.New(ingest.Config{Sources: db, Items: p.Items(), Fetcher: f})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The scheduler finds a due source and a poll job stores its items, on
// both databases.
func TestDueSourceIsPolled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Write([]byte(feed))
		}))
		defer srv.Close()
		src := &newsdesk.Source{Name: srv.URL, FeedURL: srv.URL}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		startQueue(t, db, feeds(t, db))
		waitFor(t, "items", func() bool { n, _ := db.CountItems(ctx, src.ID); return n == 2 })
		got, _ := db.FindSourceByID(ctx, src.ID)
		if got.Status != newsdesk.SourceOK || got.Name != "Tidewater Times" {
			t.Fatalf("source after poll: %+v", got)
		}
		// Polled once: the next poll is not due for the interval.
		time.Sleep(time.Second)
		if hits.Load() != 1 {
			t.Fatalf("feed fetched %d times, want 1", hits.Load())
		}
	})
}

// flakyFeeds fails with an internal error (the database, say) the first
// time, then works.
type flakyFeeds struct {
	newsdesk.FeedService
	calls atomic.Int32
}

func (f *flakyFeeds) PollSource(ctx context.Context, id int64) (int, error) {
	if f.calls.Add(1) == 1 {
		return 0, errors.New("database went away")
	}
	return f.FeedService.PollSource(ctx, id)
}

// A job that fails for a reason of ours is retried, with backoff, until
// it succeeds.
func TestFailedJobIsRetried(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feed)) }))
	defer srv.Close()
	src := &newsdesk.Source{Name: "x", FeedURL: srv.URL, NextPollAt: time.Now().Add(time.Hour)}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	feeds := &flakyFeeds{FeedService: feeds(t, db)}
	q := startQueue(t, db, feeds)
	if err := q.EnqueuePoll(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "retried poll", func() bool { n, _ := db.CountItems(ctx, src.ID); return n == 2 })
	if feeds.calls.Load() != 2 {
		t.Fatalf("%d attempts, want 2", feeds.calls.Load())
	}
}

// An outlet's failure is recorded on the source, not retried by the queue:
// the source's own backoff decides when to try again.
func TestOutletFailureIsNotRetried(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "gone", http.StatusGone)
	}))
	defer srv.Close()
	src := &newsdesk.Source{Name: "x", FeedURL: srv.URL}
	db.CreateSource(ctx, src)
	startQueue(t, db, feeds(t, db))
	waitFor(t, "failed poll recorded", func() bool {
		s, _ := db.FindSourceByID(ctx, src.ID)
		return s.Status == newsdesk.SourceError
	})
	time.Sleep(2 * time.Second) // River's first retry would come after about a second
	if hits.Load() != 1 {
		t.Fatalf("feed fetched %d times, want 1", hits.Load())
	}
}

// A hostile source (here one that trickles a byte a second) takes up one
// worker until the fetch's time limit ends it with an error on that
// source; meanwhile the other sources are polled as usual.
func TestHostileSourceDoesNotStopOthers(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	var trickling atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/trickle" {
			w.Write([]byte(feed))
			return
		}
		trickling.Store(true)
		defer trickling.Store(false)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
		}
	}))
	defer srv.Close()
	hostile := &newsdesk.Source{Name: "trickle", FeedURL: srv.URL + "/trickle"}
	if err := db.CreateSource(ctx, hostile); err != nil {
		t.Fatal(err)
	}
	var good []*newsdesk.Source
	for i := range 6 {
		s := &newsdesk.Source{Name: fmt.Sprint("good ", i), FeedURL: fmt.Sprintf("%s/good/%d", srv.URL, i),
			NextPollAt: time.Now().Add(time.Second)} // due after the hostile one has a worker
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
		good = append(good, s)
	}
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(4, 0)
	f.Timeout = 8 * time.Second
	startQueue(t, db, ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f}))

	waitFor(t, "every good source polled", func() bool {
		n, _ := db.CountItems(ctx, 0)
		return n == 2*len(good)
	})
	if !trickling.Load() {
		t.Fatal("the hostile source was not being fetched while the others were polled")
	}
	waitFor(t, "the hostile source's error", func() bool {
		s, _ := db.FindSourceByID(ctx, hostile.ID)
		return s.Status == newsdesk.SourceError
	})
	s, _ := db.FindSourceByID(ctx, hostile.ID)
	if !strings.Contains(s.LastError, "did not answer in time") {
		t.Fatalf("hostile source's error: %q", s.LastError)
	}
	for _, g := range good {
		if s, _ := db.FindSourceByID(ctx, g.ID); s.Status != newsdesk.SourceOK {
			t.Fatalf("good source %d: %+v", g.ID, s)
		}
	}
}
