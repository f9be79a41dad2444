package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// billionLaughs is the classic entity bomb: ten levels of ten references,
// 10^9 "lol"s (3 GB) if a parser expanded them.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE rss [` + "\n" + `<!ENTITY lol0 "lol">` + "\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "<!ENTITY lol%d \"%s\">\n", i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString(`]><rss version="2.0"><channel><title>Laughs &lol9;</title>` +
		`<item><guid>l1</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`)
	return b.String()
}

// hugeFeed is a feed of n small items, item i published i minutes ago.
func hugeFeed(n int) string {
	now := time.Now().UTC()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Firehose</title>`)
	for i := range n {
		fmt.Fprintf(&b, "<item><guid>f%d</guid><title>t%d</title><pubDate>%s</pubDate></item>", i, i,
			now.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// hostileServer serves every kind of hostile feed the issue names, each
// at its own path, and a good feed at /good.
func hostileServer(t *testing.T) *httptest.Server {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	laughs, firehose := billionLaughs(), hugeFeed(100_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/good":
			w.Write([]byte(rssFeed(3, time.Now(), time.Hour, "")))
		case "/billion-laughs":
			w.Write([]byte(laughs))
		case "/gzip-bomb":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		case "/100mb":
			chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 2000)
			for n := 0; n < 100<<20; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case "/trickle":
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
		case "/100k-items":
			w.Write([]byte(firehose))
		case "/deep":
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>` +
				strings.Repeat("<a>", 1_000_000) + strings.Repeat("</a>", 1_000_000) + `</channel></rss>`))
		case "/latin1-as-utf8":
			w.Write([]byte("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title>" +
				"<item><guid>a</guid><title>Cr\xe8me br\xfbl\xe9e</title></item></channel></rss>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Each hostile feed ends in a clear error on its own source, or in a
// bounded result, while a good source polled at the same time is read as
// usual.
func TestHostileFeeds(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	srv := hostileServer(t)
	f := loopbackFetcher()
	f.Timeout = 3 * time.Second
	f.Hosts = ingest.NewHostLimiter(16, 0)
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})

	cases := []struct {
		path    string
		code    string // "" for a good poll
		message string // in the error, or the note
		items   int
	}{
		{"/good", "", "", 3},
		// encoding/xml does not expand a DOCTYPE's entities: the feed reads
		// as it arrived, its references left out, in a few milliseconds.
		{"/billion-laughs", "", "", 1},
		{"/gzip-bomb", newsdesk.ETOOLARGE, "larger than newsdesk accepts (10 MB once decompressed)", 0},
		{"/100mb", newsdesk.ETOOLARGE, "larger than newsdesk accepts (10 MB)", 0},
		{"/loop-a", newsdesk.EUNAVAILABLE, "redirects in a loop", 0},
		{"/trickle", newsdesk.EUNAVAILABLE, "did not answer in time", 0},
		{"/100k-items", "", "The feed lists more than 1000 items; newsdesk reads the first 1000.", 1000},
		{"/deep", newsdesk.EUNPROCESSABLE, "The feed nests elements more than 256 deep; newsdesk does not read it.", 0},
		{"/latin1-as-utf8", "", "The feed is not valid UTF-8 in 4 places; newsdesk read those as U+FFFD (\uFFFD) and read on.", 1},
	}
	ids := map[string]int64{}
	for _, tc := range cases {
		src := &newsdesk.Source{Name: tc.path, FeedURL: srv.URL + tc.path}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		ids[tc.path] = src.ID
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(cases))
	took := make([]time.Duration, len(cases))
	for i, tc := range cases {
		wg.Go(func() {
			t0 := time.Now()
			_, errs[i] = svc.PollSource(ctx, ids[tc.path])
			took[i] = time.Since(t0)
		})
	}
	wg.Wait()
	// Bounded, not fast: the trickling server is cut off at the fetcher's
	// 3s timeout; the rest is parsing, which a loaded CI machine slows.
	if total := time.Since(start); total > 30*time.Second {
		t.Errorf("polling took %s", total)
	}
	for i, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			got, _ := db.FindSourceByID(ctx, ids[tc.path])
			n, _ := db.CountItems(ctx, ids[tc.path])
			t.Logf("%s: %s, %d items, %v", tc.path, took[i], n, errs[i])
			if newsdesk.ErrorCode(errs[i]) != tc.code {
				t.Fatalf("error %v, want code %q", errs[i], tc.code)
			}
			if tc.code != "" {
				if got.Status != newsdesk.SourceError || !strings.Contains(got.LastError, tc.message) {
					t.Fatalf("source: %s %q, want error %q", got.Status, got.LastError, tc.message)
				}
			} else if got.Status != newsdesk.SourceOK || got.Note != tc.message {
				t.Fatalf("source: %s, note %q, want ok with %q", got.Status, got.Note, tc.message)
			}
			if n != tc.items {
				t.Fatalf("%d items, want %d", n, tc.items)
			}
		})
	}
	// The firehose kept its newest items.
	items, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: ids["/100k-items"], Limit: 500})
	for _, it := range items {
		var i int
		fmt.Sscanf(it.GUID, "f%d", &i)
		if i >= 1000 {
			t.Fatalf("stored item %s is not among the newest 1000", it.GUID)
		}
	}
	laughs, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: ids["/billion-laughs"]})
	if len(laughs) == 1 && len(laughs[0].Title)+len(laughs[0].Summary) > 100 {
		t.Fatalf("entities expanded: title %d bytes", len(laughs[0].Title))
	}
}
