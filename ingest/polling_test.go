package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// rssFeed returns an RSS feed of n items, item i published gap*i before
// newest, with extra channel elements (such as <ttl>).
func rssFeed(n int, newest time.Time, gap time.Duration, channel string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Quarry Road Post</title><link>https://quarry.example/</link>` + channel)
	for i := range n {
		fmt.Fprintf(&b, "<item><guid>q%d</guid><title>Story %d</title><pubDate>%s</pubDate></item>\n",
			i, i, newest.Add(-time.Duration(i)*gap).Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// clockService is a Service on a fixed clock with no jitter.
func clockService(db *store.DB, now *time.Time, f *ingest.Fetcher) *ingest.Service {
	return ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f, Interval: time.Hour,
		Now: func() time.Time { return *now }, Rand: func() float64 { return 0.5 }})
}

// The second poll of an unchanged feed sends the validators back, gets a
// 304, and counts as a good poll with no new items, on both databases.
func TestConditionalGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		body := rssFeed(3, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), time.Hour, "")
		var full, notModified atomic.Int32
		var sawIfNoneMatch, sawIfModifiedSince atomic.Value
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sawIfNoneMatch.Store(r.Header.Get("If-None-Match"))
			sawIfModifiedSince.Store(r.Header.Get("If-Modified-Since"))
			w.Header().Set("ETag", `"v1"`)
			modified := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
			if r.Header.Get("If-None-Match") == `"v1"` {
				notModified.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			full.Add(1)
			w.Write([]byte(body))
		}))
		defer srv.Close()
		svc := newService(db)
		src, err := svc.AddFeed(ctx, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if src.ETag != `"v1"` || src.LastModified != "Sun, 01 Mar 2026 12:00:00 GMT" {
			t.Fatalf("validators after adding: %+v", src)
		}
		for range 2 {
			n, err := svc.PollSource(ctx, src.ID)
			if err != nil || n != 0 {
				t.Fatalf("poll: %d new, %v", n, err)
			}
		}
		if full.Load() != 1 || notModified.Load() != 2 {
			t.Fatalf("%d full answers and %d 304s, want 1 and 2", full.Load(), notModified.Load())
		}
		if sawIfNoneMatch.Load() != `"v1"` || sawIfModifiedSince.Load() != "Sun, 01 Mar 2026 12:00:00 GMT" {
			t.Fatalf("conditional headers: %v %v", sawIfNoneMatch.Load(), sawIfModifiedSince.Load())
		}
		got, _ := db.FindSourceByID(ctx, src.ID)
		if got.Status != newsdesk.SourceOK || got.ETag != `"v1"` || got.PollInterval != time.Hour {
			t.Fatalf("source after 304s: %+v", got)
		}
		if n, _ := db.CountItems(ctx, src.ID); n != 3 {
			t.Fatalf("%d items, want 3", n)
		}
	})
}

// A source is polled as often as it posts, within bounds, with jitter;
// a server's max-age, <ttl> and Retry-After are lower bounds on the wait.
func TestAdaptivePolling(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var body, cacheControl, retryAfter atomic.Value
	status := atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cc := cacheControl.Load().(string); cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		if ra := retryAfter.Load().(string); ra != "" {
			w.Header().Set("Retry-After", ra)
			w.Header().Set("Date", now.Format(http.TimeFormat)) // the server's clock agrees with the test's
		}
		w.WriteHeader(int(status.Load()))
		w.Write([]byte(body.Load().(string)))
	}))
	defer srv.Close()
	svc := clockService(db, &now, loopbackFetcher())

	for _, tc := range []struct {
		name                string
		status              int
		body                string
		cacheControl, retry string
		interval, wait      time.Duration // want; zero interval: unchanged
	}{
		{name: "posts every 2 hours", body: rssFeed(30, now, 2*time.Hour, ""), interval: 2 * time.Hour, wait: 2 * time.Hour},
		{name: "posts every minute: the floor", body: rssFeed(30, now, time.Minute, ""), interval: 5 * time.Minute, wait: 5 * time.Minute},
		{name: "posts weekly: the ceiling", body: rssFeed(30, now, 7*24*time.Hour, ""), interval: 24 * time.Hour, wait: 24 * time.Hour},
		{name: "too few dates: the default", body: rssFeed(2, now, time.Minute, ""), interval: time.Hour, wait: time.Hour},
		{name: "ttl", body: rssFeed(30, now, time.Minute, "<ttl>90</ttl>"), interval: 5 * time.Minute, wait: 90 * time.Minute},
		{name: "max-age", body: rssFeed(30, now, time.Minute, ""), cacheControl: "public, max-age=1800", interval: 5 * time.Minute, wait: 30 * time.Minute},
		{name: "max-age shorter than the interval", body: rssFeed(30, now, 2*time.Hour, ""), cacheControl: "max-age=60", interval: 2 * time.Hour, wait: 2 * time.Hour},
		{name: "503 with Retry-After", status: 503, body: "busy", retry: "10800", wait: 3 * time.Hour},
		{name: "429 with Retry-After date", status: 429, body: "slow down", retry: now.Add(5 * time.Hour).Format(http.TimeFormat), wait: 5 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == 0 {
				tc.status = 200
			}
			status.Store(int32(tc.status))
			body.Store(tc.body)
			cacheControl.Store(tc.cacheControl)
			retryAfter.Store(tc.retry)
			src := &newsdesk.Source{Name: "Quarry", FeedURL: srv.URL + "/" + strings.ReplaceAll(tc.name, " ", "-")}
			if err := db.CreateSource(ctx, src); err != nil {
				t.Fatal(err)
			}
			svc.PollSource(ctx, src.ID)
			got, _ := db.FindSourceByID(ctx, src.ID)
			if tc.interval != 0 && got.PollInterval != tc.interval {
				t.Errorf("interval %s, want %s", got.PollInterval, tc.interval)
			}
			if wait := got.NextPollAt.Sub(now); wait != tc.wait {
				t.Errorf("next poll in %s, want %s (%+v)", wait, tc.wait, got)
			}
		})
	}
}

// Jitter spreads polls by up to 10% either way.
func TestJitter(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssFeed(30, now, 2*time.Hour, "")))
	}))
	defer srv.Close()
	for r, want := range map[float64]time.Duration{0: 108 * time.Minute, 0.5: 2 * time.Hour, 0.999999: 132 * time.Minute} {
		svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: loopbackFetcher(),
			Now: func() time.Time { return now }, Rand: func() float64 { return r }})
		src, err := svc.AddFeed(ctx, fmt.Sprintf("%s/%v", srv.URL, r))
		if err != nil {
			t.Fatal(err)
		}
		if got := src.NextPollAt.Sub(now).Round(time.Minute); got != want {
			t.Errorf("rand %v: next poll in %s, want %s", r, got, want)
		}
	}
}
