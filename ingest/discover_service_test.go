package ingest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// site serves a home page and feeds by path on loopback, and remembers
// which paths were asked for.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	asked []string
}

func newSite(t *testing.T, pages map[string]string) *site {
	s := &site{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.asked = append(s.asked, r.URL.Path)
		s.mu.Unlock()
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body = strings.ReplaceAll(body, "{{server}}", "http://"+r.Host)
		switch {
		case strings.HasPrefix(body, "<!doctype html>"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		case strings.HasPrefix(body, "{"):
			w.Header().Set("Content-Type", "application/feed+json")
		default:
			w.Header().Set("Content-Type", "application/xml")
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}

// Adding a site's home page follows the feed the page announces: the
// first one, by its resolved address, named after the feed.
func TestAddFeedDiscoversAnnouncedFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSite(t, map[string]string{
			"/": `<!doctype html><html><head><title>Ridge Observer</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/atom+xml" title="Stories" href="news/atom">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.rss">
</head><body>Welcome</body></html>`,
			"/news/atom":    readFile(t, "testdata/atom.xml"),
			"/comments.rss": readFile(t, "testdata/rss2.xml"),
		})
		src, err := newService(db).AddFeed(ctx, s.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		if src.FeedURL != s.URL+"/news/atom" || src.Name != "Ridge Observer" || src.Status != newsdesk.SourceOK {
			t.Fatalf("source %+v", src)
		}
		if n, _ := db.CountItems(ctx, src.ID); n != 2 {
			t.Fatalf("%d items, want the feed's 2", n)
		}
		if got := strings.Join(s.requests(), " "); got != "/ /news/atom" {
			t.Errorf("requests %s, want the page then the first feed only", got)
		}
		// The page again: the feed it names is followed already.
		if _, err := newService(db).AddFeed(ctx, s.URL); newsdesk.ErrorCode(err) != newsdesk.ECONFLICT {
			t.Fatalf("adding the page again: %v, want a conflict", err)
		}
	})
}

// A page that announces no feed: the common addresses are tried in
// order, and the first that serves a feed is followed; the page is the
// source's site when the feed names none.
func TestAddFeedTriesCommonPaths(t *testing.T) {
	db := storetest.SQLite(t)
	s := newSite(t, map[string]string{
		"/":          `<!doctype html><html><head><title>Bare</title></head><body>No links here.</body></html>`,
		"/rss.xml":   `<!doctype html><html><body>A page, not a feed</body></html>`,
		"/feed.xml":  `<?xml version="1.0"?><rss version="2.0"><channel><title>Bare Bulletin</title><item><guid>b1</guid><title>One</title></item></channel></rss>`,
		"/index.xml": `<?xml version="1.0"?><rss version="2.0"><channel><title>Not this one</title></channel></rss>`,
	})
	src, err := newService(db).AddFeed(context.Background(), s.URL+"/about/")
	if err == nil {
		t.Fatalf("a missing page was followed: %+v", src)
	}
	src, err = newService(db).AddFeed(context.Background(), s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if src.FeedURL != s.URL+"/feed.xml" || src.Name != "Bare Bulletin" || src.SiteURL != s.URL {
		t.Fatalf("source %+v", src)
	}
	want := "/about/ / /feed /rss.xml /atom.xml /feed.xml"
	if got := strings.Join(s.requests(), " "); got != want {
		t.Errorf("requests %s, want %s", got, want)
	}
}

// When discovery finds nothing, or the announced feed is bad, the message
// says so, and nothing is stored.
func TestAddFeedDiscoveryFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages map[string]string
		code  string
		msg   string
	}{
		{"no feed anywhere", map[string]string{"/": `<!doctype html><html><body>Home</body></html>`}, newsdesk.EUNPROCESSABLE,
			"The address is a web page, not a feed. The page names no feed, and there is none at /feed, /rss.xml, /atom.xml, /feed.xml or /index.xml on its site."},
		{"announced feed missing", map[string]string{"/": `<!doctype html><link rel="alternate" type="application/rss+xml" href="/gone.rss">`}, newsdesk.EUNAVAILABLE,
			"The address is a web page that names the feed {{server}}/gone.rss, but newsdesk could not read it: "},
		{"announced feed malformed", map[string]string{
			"/":        `<!doctype html><link rel="alternate" type="application/rss+xml" href="/bad.rss">`,
			"/bad.rss": `<?xml version="1.0"?><rss version="2.0"><channel><title>cut`,
		}, newsdesk.EUNPROCESSABLE, "could not read it: The feed is malformed"},
		{"announced feed is a page too", map[string]string{
			"/":     `<!doctype html><link rel="alternate" type="application/rss+xml" href="/loop">`,
			"/loop": `<!doctype html><link rel="alternate" type="application/rss+xml" href="/">`,
		}, newsdesk.EUNPROCESSABLE, "could not read it: The address is a web page, not a feed."},
		// Safe fetching holds for discovered addresses: 127.0.0.2 is not
		// on the fetcher's allow list, so it is never contacted.
		{"announced feed at a private address", map[string]string{
			"/": `<!doctype html><link rel="alternate" type="application/rss+xml" href="http://127.0.0.2:9/feed">`,
		}, newsdesk.EINVALID, "newsdesk does not fetch from private addresses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			s := newSite(t, tc.pages)
			_, err := newService(db).AddFeed(context.Background(), s.URL+"/")
			msg := strings.ReplaceAll(tc.msg, "{{server}}", s.URL)
			if newsdesk.ErrorCode(err) != tc.code || !strings.Contains(newsdesk.ErrorMessage(err), msg) {
				t.Fatalf("got %q (%s), want %s containing %q", newsdesk.ErrorMessage(err), newsdesk.ErrorCode(err), tc.code, msg)
			}
			if srcs, _ := db.FindSources(context.Background()); len(srcs) != 0 {
				t.Fatalf("%d sources stored", len(srcs))
			}
		})
	}
}
