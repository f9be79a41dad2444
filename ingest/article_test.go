package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// articlePage is an outlet's article page: the story inside the header,
// navigation and footer that extraction must leave out.
func articlePage(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>%s | The Tidewater Times</title>
<meta property="og:site_name" content="The Tidewater Times">
<meta property="og:image" content="/img/lead.jpg">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2026-03-01T09:30:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>%s</h1><p class="byline">By Ana Ruiz</p>`, title, title)
	for i := range 6 {
		fmt.Fprintf(&b, "<p>Paragraph %d of the story. The harbour board met on Tuesday and agreed, after a long debate about costs and the tides, that the dredging of the channel would start in the spring and take most of the summer.</p>\n", i+1)
	}
	b.WriteString(`</article></main><footer><p>Copyright The Tidewater Times. <a href="/privacy">Privacy</a></p></footer></body></html>`)
	return b.String()
}

// outlet serves a feed, article pages and a robots.txt on loopback,
// recording each request's path and User-Agent.
type outlet struct {
	*httptest.Server
	robots string
	mu     sync.Mutex
	hits   map[string]int
	agents []string
}

func newOutlet(t *testing.T, robots string) *outlet {
	o := &outlet{robots: robots, hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		if o.robots == "" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, o.robots)
	})
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>The Tidewater Times</title>
<item><guid>1</guid><title>Harbour dredging starts</title><link>%[1]s/news/dredging</link></item>
<item><guid>2</guid><title>Members only</title><link>%[1]s/private/memo</link></item>
<item><guid>3</guid><title>Gone</title><link>%[1]s/news/gone</link></item>
<item><guid>4</guid><title>Report</title><link>%[1]s/files/report</link></item>
<item><guid>5</guid><title>Lighthouse open day</title><link>%[1]s/news/lighthouse</link></item>
</channel></rss>`, o.URL)
	})
	mux.HandleFunc("GET /news/{slug}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("slug") {
		case "dredging":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, articlePage("Harbour dredging starts"))
		case "lighthouse":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, articlePage("Lighthouse open day"))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("GET /private/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage("Secret"))
	})
	mux.HandleFunc("GET /files/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7\n" + strings.Repeat("x", 1<<20)))
	})
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits[r.URL.Path]++
		o.agents = append(o.agents, r.UserAgent())
		o.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *outlet) requests(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

// followOutlet adds the outlet's feed and returns its items by GUID.
func followOutlet(t *testing.T, db *store.DB, o *outlet) map[string]*newsdesk.Item {
	t.Helper()
	ctx := context.Background()
	src, err := newService(db).AddFeed(ctx, o.URL+"/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
	if err != nil {
		t.Fatal(err)
	}
	byGUID := map[string]*newsdesk.Item{}
	for _, it := range items {
		byGUID[it.GUID] = it
	}
	return byGUID
}

func newArticles(db *store.DB) *ingest.Articles {
	return ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: loopbackFetcher()})
}

// Each item's page is fetched politely and its article stored; a page
// that cannot be had stores the reason instead.
func TestExtractItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newOutlet(t, "User-agent: *\nDisallow: /private/\n")
		items := followOutlet(t, db, o)
		articles := newArticles(db)

		tests := []struct {
			guid      string
			wantText  string // in the text, for a page that worked
			wantError string // in the error, for one that did not
		}{
			{guid: "1", wantText: "Paragraph 6 of the story."},
			{guid: "2", wantError: "robots.txt disallows"},
			{guid: "3", wantError: "The page answered 404 Not Found."},
			{guid: "4", wantError: "not an HTML page (application/pdf)"},
			{guid: "5", wantText: "Paragraph 1 of the story."},
		}
		for _, tt := range tests {
			a, err := articles.ExtractItem(ctx, items[tt.guid].ID, false)
			if err != nil {
				t.Fatalf("item %s: %v", tt.guid, err)
			}
			stored, err := db.FindArticle(ctx, items[tt.guid].ID)
			if err != nil {
				t.Fatalf("item %s: %v", tt.guid, err)
			}
			if stored.Error != a.Error || stored.Text != a.Text {
				t.Fatalf("item %s: stored %+v, returned %+v", tt.guid, stored, a)
			}
			if tt.wantError != "" {
				if !strings.Contains(stored.Error, tt.wantError) || stored.Text != "" {
					t.Fatalf("item %s: error %q, text %q; want an error with %q", tt.guid, stored.Error, stored.Text, tt.wantError)
				}
				continue
			}
			if stored.Error != "" || !strings.Contains(stored.Text, tt.wantText) {
				t.Fatalf("item %s: error %q, text %q; want text with %q", tt.guid, stored.Error, stored.Text, tt.wantText)
			}
			if strings.Contains(stored.Text, "Privacy") || strings.Contains(stored.Text, "Sport") {
				t.Fatalf("item %s: the page's furniture is in the text: %q", tt.guid, stored.Text)
			}
			if !strings.Contains(stored.HTML, "<p>") || stored.SiteName != "The Tidewater Times" ||
				!strings.Contains(stored.Byline, "Ana Ruiz") || stored.Language != "en" ||
				stored.Image != o.URL+"/img/lead.jpg" || stored.PublishedAt == nil || stored.ExtractedAt.IsZero() {
				t.Fatalf("item %s: article %+v", tt.guid, stored)
			}
		}

		if n := o.requests("/private/memo"); n != 0 {
			t.Fatalf("a page robots.txt disallows was fetched %d times", n)
		}
		if n := o.requests("/robots.txt"); n != 1 {
			t.Fatalf("robots.txt fetched %d times for five pages of one host, want 1", n)
		}
		o.mu.Lock()
		for _, agent := range o.agents {
			if !strings.Contains(agent, "newsdesk") {
				t.Errorf("a request's User-Agent %q does not name newsdesk", agent)
			}
		}
		o.mu.Unlock()

		// An item that has its article is left as it is, page not fetched.
		before, _ := db.FindArticle(ctx, items["1"].ID)
		again, err := articles.ExtractItem(ctx, items["1"].ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if !again.ExtractedAt.Equal(before.ExtractedAt) || o.requests("/news/dredging") != 1 {
			t.Fatalf("a stored article was extracted again (page fetched %d times)", o.requests("/news/dredging"))
		}
	})
}

// A failure that may pass (here, robots.txt answering 503) stores nothing
// and fetches no page, so that a later try can succeed; on the last try
// it is stored as the article's error.
func TestExtractFailureThatMayPass(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	var down sync.Mutex
	isDown := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		down.Lock()
		defer down.Unlock()
		switch {
		case r.URL.Path == "/feed.xml":
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title><item><guid>1</guid><link>http://%s/a</link></item><item><guid>2</guid><link>http://%s/b</link></item></channel></rss>`, r.Host, r.Host)
		case r.URL.Path == "/robots.txt" && isDown:
			http.Error(w, "down", http.StatusServiceUnavailable)
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case isDown:
			t.Errorf("page %s fetched while robots.txt answers 503", r.URL.Path)
		default:
			fmt.Fprint(w, articlePage("Back again"))
		}
	}))
	defer srv.Close()
	o := &outlet{Server: srv}
	items := followOutlet(t, db, o)
	articles := newArticles(db)

	_, err := articles.ExtractItem(ctx, items["1"].ID, false)
	if newsdesk.ErrorCode(err) != newsdesk.EUNAVAILABLE || !strings.Contains(newsdesk.ErrorMessage(err), "robots.txt") {
		t.Fatalf("robots.txt answering 503: got %v, want EUNAVAILABLE about robots.txt", err)
	}
	if _, err := db.FindArticle(ctx, items["1"].ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Fatalf("a failure that may pass was stored: %v", err)
	}
	a, err := articles.ExtractItem(ctx, items["2"].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Error, "could not read") || !strings.Contains(a.Error, "503") {
		t.Fatalf("last try: error %q, want it to say robots.txt could not be read (503)", a.Error)
	}
}
