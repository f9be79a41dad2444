package ingest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

func newService(db *store.DB) *ingest.Service {
	return ingest.New(ingest.Config{Sources: db, Items: db, Interval: time.Hour, Fetcher: loopbackFetcher()})
}

// loopbackFetcher is newsdesk's fetcher, allowed to reach the tests'
// servers on 127.0.0.1 (and nothing else private), without the per-host
// delay that would only slow the tests down.
func loopbackFetcher() *ingest.Fetcher {
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	return f
}

// feedServer serves whatever body the test currently sets.
type feedServer struct {
	*httptest.Server
	body     atomic.Value // string
	ctype    atomic.Value // string
	status   atomic.Int32
	requests atomic.Int32
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{}
	fs.set(http.StatusOK, "application/rss+xml", readFile(t, "testdata/rss2.xml"))
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		if got := r.Header.Get("User-Agent"); !strings.HasPrefix(got, "newsdesk/") {
			http.Error(w, "who are you?", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", fs.ctype.Load().(string))
		w.WriteHeader(int(fs.status.Load()))
		io := fs.body.Load().(string)
		w.Write([]byte(io))
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) set(status int, ctype, body string) {
	fs.status.Store(int32(status))
	fs.ctype.Store(ctype)
	fs.body.Store(body)
}

func readFile(t *testing.T, name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddFeedAndPollTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := newFeedServer(t)
		svc := newService(db)
		src, err := svc.AddFeed(ctx, srv.URL+"/rss")
		if err != nil {
			t.Fatal(err)
		}
		if src.Name != "Lakeside Gazette" || src.SiteURL != "https://gazette.example/" || src.Status != newsdesk.SourceOK {
			t.Fatalf("source: %+v", src)
		}
		if n, _ := db.CountItems(ctx, src.ID); n != 3 {
			t.Fatalf("%d items after adding, want 3", n)
		}
		// Polling twice stores nothing twice.
		for i := range 2 {
			n, err := svc.PollSource(ctx, src.ID)
			if err != nil || n != 0 {
				t.Fatalf("poll %d: %d new, %v", i, n, err)
			}
		}
		if n, _ := db.CountItems(ctx, src.ID); n != 3 {
			t.Fatalf("%d items after polling, want 3", n)
		}
		// A feed that is followed already is refused, and nothing changes.
		if _, err := svc.AddFeed(ctx, srv.URL+"/rss"); newsdesk.ErrorCode(err) != newsdesk.ECONFLICT {
			t.Fatalf("adding twice: %v", err)
		}
	})
}

// Every way a feed can be bad gives a clear message, both when adding it
// and when polling a source that used to work; nothing stored is lost or
// changed, and the error shows on the source.
func TestBadInput(t *testing.T) {
	closed := closedAddr(t)
	huge := `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>` +
		strings.Repeat("<item><title>x</title><description>"+strings.Repeat("y", 1000)+"</description></item>", 11*1024) +
		`</channel></rss>`
	cases := []struct {
		name     string
		url      func(srv *feedServer) string // for AddFeed; "" means use the server
		status   int
		ctype    string
		body     string
		code     string
		message  string
		pollOnly bool // a malformed URL cannot reach a stored source
	}{
		{name: "malformed URL", url: func(*feedServer) string { return "htp:/nowhere" }, code: newsdesk.EINVALID, message: "must start with http:// or https://"},
		{name: "unreachable host", url: func(*feedServer) string { return "http://" + closed + "/feed" }, code: newsdesk.EUNAVAILABLE, message: "Could not connect to " + closed},
		{name: "server error", status: 503, ctype: "text/plain", body: "down", code: newsdesk.EUNAVAILABLE, message: "answered 503 Service Unavailable"},
		{name: "not a feed", status: 200, ctype: "text/html", body: "<!doctype html><html><body>Welcome</body></html>", code: newsdesk.EUNPROCESSABLE, message: "web page, not a feed"},
		{name: "malformed feed", status: 200, ctype: "application/rss+xml", body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Oops</title><item><title>cut`, code: newsdesk.EUNPROCESSABLE, message: "The feed is malformed"},
		{name: "huge feed", status: 200, ctype: "application/rss+xml", body: huge, code: newsdesk.ETOOLARGE, message: "larger than newsdesk accepts (10 MB)"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := context.Background()
				srv := newFeedServer(t)
				svc := newService(db)
				before, _ := db.FindSources(ctx)

				// Adding: refused with a clear message; nothing stored.
				addURL := srv.URL + "/bad"
				if tc.url != nil {
					addURL = tc.url(srv)
				} else {
					srv.set(tc.status, tc.ctype, tc.body)
				}
				_, err := svc.AddFeed(ctx, addURL)
				if newsdesk.ErrorCode(err) != tc.code || !strings.Contains(newsdesk.ErrorMessage(err), tc.message) {
					t.Fatalf("AddFeed: %q (%s), want %s with %q", newsdesk.ErrorMessage(err), newsdesk.ErrorCode(err), tc.code, tc.message)
				}
				after, _ := db.FindSources(ctx)
				if len(after) != len(before) {
					t.Fatalf("a failed AddFeed stored a source")
				}
				if tc.url != nil {
					return
				}

				// Polling a source that worked before: error recorded on the
				// source, its items untouched.
				srv.set(http.StatusOK, "application/rss+xml", readFile(t, "testdata/rss2.xml"))
				src, err := svc.AddFeed(ctx, srv.URL+"/good")
				if err != nil {
					t.Fatal(err)
				}
				items, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
				srv.set(tc.status, tc.ctype, tc.body)
				if _, err := svc.PollSource(ctx, src.ID); newsdesk.ErrorCode(err) != tc.code {
					t.Fatalf("PollSource: %v, want %s", err, tc.code)
				}
				got, _ := db.FindSourceByID(ctx, src.ID)
				if got.Status != newsdesk.SourceError || !strings.Contains(got.LastError, tc.message) || got.Name != src.Name {
					t.Fatalf("source after failed poll: %+v", got)
				}
				if !got.NextPollAt.After(time.Now()) {
					t.Fatalf("failed source is due again at once: next poll %v", got.NextPollAt)
				}
				itemsAfter, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
				if fmt.Sprint(titles(itemsAfter)) != fmt.Sprint(titles(items)) {
					t.Fatalf("items changed: %v -> %v", titles(items), titles(itemsAfter))
				}
				// And it recovers once the feed is good again.
				srv.set(http.StatusOK, "application/rss+xml", readFile(t, "testdata/rss2.xml"))
				if _, err := svc.PollSource(ctx, src.ID); err != nil {
					t.Fatal(err)
				}
				if got, _ := db.FindSourceByID(ctx, src.ID); got.Status != newsdesk.SourceOK || got.LastError != "" {
					t.Fatalf("source did not recover: %+v", got)
				}
				db.DeleteSource(ctx, src.ID)
			})
		}
	})
}

func titles(items []*newsdesk.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.GUID+"="+it.Title)
	}
	return out
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestSlowServerTimesOut(t *testing.T) {
	db := storetest.SQLite(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<?xml"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	f := loopbackFetcher()
	f.Timeout = 300 * time.Millisecond
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})
	_, err := svc.AddFeed(context.Background(), srv.URL)
	if newsdesk.ErrorCode(err) != newsdesk.EUNAVAILABLE || !strings.Contains(newsdesk.ErrorMessage(err), "did not answer in time") {
		t.Fatalf("got %v", err)
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	srv := newFeedServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Interval: time.Hour, MaxBackoff: 6 * time.Hour,
		Now: func() time.Time { return now }, Fetcher: loopbackFetcher()})
	src, err := svc.AddFeed(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	srv.set(500, "text/plain", "no")
	var gaps []time.Duration
	for range 5 {
		svc.PollSource(ctx, src.ID)
		got, _ := db.FindSourceByID(ctx, src.ID)
		gaps = append(gaps, got.NextPollAt.Sub(now))
	}
	want := []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour, 6 * time.Hour}
	if fmt.Sprint(gaps) != fmt.Sprint(want) {
		t.Fatalf("backoff %v, want %v", gaps, want)
	}
}
