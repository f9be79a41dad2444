package jobs_test

import (
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
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// pageServer is an outlet on loopback: a feed whose items the test sets,
// an article page for each, and a robots.txt keeping /private/ out.
type pageServer struct {
	*httptest.Server
	mu    sync.Mutex
	slugs []string
	hits  map[string]int
}

func newPageServer(t *testing.T, slugs ...string) *pageServer {
	s := &pageServer{slugs: slugs, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		slugs := append([]string(nil), s.slugs...)
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case r.URL.Path == "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Tidewater Times</title>`)
			for _, slug := range slugs {
				fmt.Fprintf(w, "<item><guid>%[1]s</guid><title>%[1]s</title><link>http://%[2]s/%[1]s</link></item>", slug, r.Host)
			}
			fmt.Fprint(w, `</channel></rss>`)
		case strings.HasPrefix(r.URL.Path, "/news/"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>%[1]s</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>%[1]s</h1>`, r.URL.Path)
			for i := range 5 {
				fmt.Fprintf(w, "<p>Paragraph %d about %s. The harbour board met on Tuesday and agreed that the dredging of the channel would start in spring.</p>", i+1, r.URL.Path)
			}
			fmt.Fprint(w, `</article><footer>Copyright</footer></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pageServer) setSlugs(slugs ...string) {
	s.mu.Lock()
	s.slugs = slugs
	s.mu.Unlock()
}

func (s *pageServer) requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// startExtractingQueue starts a queue that polls and extracts.
func startExtractingQueue(t *testing.T, db *store.DB) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	p, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: true})
	if err != nil {
		t.Fatal(err)
	}
	feeds := ingest.New(ingest.Config{Sources: db, Items: p.Items(), Fetcher: f})
	articles := ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: f})
	q, err := jobs.New(jobs.Config{DB: db, Sources: db, Pipeline: p, Feeds: feeds, Extractor: articles,
		Workers: 2, Tick: 200 * time.Millisecond})
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

// articlesOf returns the source's items' articles by GUID, once every
// item has one.
func articlesOf(t *testing.T, db *store.DB, sourceID int64, want int) map[string]*newsdesk.Article {
	t.Helper()
	ctx := context.Background()
	out := map[string]*newsdesk.Article{}
	waitFor(t, fmt.Sprintf("%d articles", want), func() bool {
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: sourceID})
		if err != nil || len(items) != want {
			return false
		}
		for _, it := range items {
			a, err := db.FindArticle(ctx, it.ID)
			if err != nil {
				return false
			}
			out[it.GUID] = a
		}
		return true
	})
	return out
}

// A poll that stores new items queues the extraction of their pages; a
// second poll extracts only the item that is new, and robots.txt is
// obeyed throughout. On both databases.
func TestPollExtractsNewItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := newPageServer(t, "news/dredging", "news/lighthouse", "private/memo", "gone/page")
		src := &newsdesk.Source{Name: "Tidewater", FeedURL: srv.URL + "/feed.xml"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		q := startExtractingQueue(t, db)

		got := articlesOf(t, db, src.ID, 4)
		for _, slug := range []string{"news/dredging", "news/lighthouse"} {
			if a := got[slug]; a.Error != "" || !strings.Contains(a.Text, "Paragraph 5 about /"+slug) || strings.Contains(a.Text, "Copyright") {
				t.Fatalf("%s: error %q, text %q", slug, a.Error, a.Text)
			}
		}
		if a := got["private/memo"]; !strings.Contains(a.Error, "robots.txt disallows") {
			t.Fatalf("disallowed page: error %q", a.Error)
		}
		if a := got["gone/page"]; !strings.Contains(a.Error, "404") {
			t.Fatalf("missing page: error %q", a.Error)
		}
		if n := srv.requests("/private/memo"); n != 0 {
			t.Fatalf("a page robots.txt disallows was fetched %d times", n)
		}

		// Poll again with one item more: only its page is fetched.
		srv.setSlugs("news/dredging", "news/lighthouse", "private/memo", "gone/page", "news/regatta")
		// A poll of the source may still be marked running for a moment,
		// when this one would be dropped as a duplicate: ask until it runs.
		waitFor(t, "the new item", func() bool {
			if err := q.EnqueuePoll(ctx, src.ID); err != nil {
				t.Fatal(err)
			}
			n, _ := db.CountItems(ctx, src.ID)
			return n == 5
		})
		again := articlesOf(t, db, src.ID, 5)
		if a := again["news/regatta"]; a.Error != "" || !strings.Contains(a.Text, "regatta") {
			t.Fatalf("new item's article: %+v", a)
		}
		time.Sleep(500 * time.Millisecond) // a few more ticks of the sweep
		for _, path := range []string{"/news/dredging", "/news/lighthouse", "/gone/page", "/news/regatta"} {
			if n := srv.requests(path); n != 1 {
				t.Errorf("%s fetched %d times, want once", path, n)
			}
		}
		if n := srv.requests("/robots.txt"); n != 1 {
			t.Errorf("robots.txt fetched %d times, want once", n)
		}
		if a := again["news/dredging"]; !a.ExtractedAt.Equal(got["news/dredging"].ExtractedAt) {
			t.Error("a stored article was changed by the second poll")
		}
	})
}

// Items stored without their extraction queued (by a newsdesk from
// before the pipeline's door, say) are found by the sweep and extracted.
func TestSweepExtractsItemsStoredWithoutTheirJobs(t *testing.T) {
	db := storetest.SQLite(t)
	srv := newPageServer(t, "news/dredging", "news/lighthouse")
	startExtractingQueue(t, db)
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	src, err := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f, Interval: time.Hour}).
		AddFeed(context.Background(), srv.URL+"/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	got := articlesOf(t, db, src.ID, 2)
	if a := got["news/lighthouse"]; a.Error != "" || !strings.Contains(a.Text, "Paragraph 1") {
		t.Fatalf("article of an added source's item: %+v", a)
	}
}

// With no Extractor no page is fetched.
func TestExtractionOff(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	srv := newPageServer(t, "news/dredging")
	src := &newsdesk.Source{Name: "Tidewater", FeedURL: srv.URL + "/feed.xml"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	startQueue(t, db, feeds(t, db))
	waitFor(t, "items", func() bool { n, _ := db.CountItems(ctx, src.ID); return n == 1 })
	time.Sleep(time.Second)
	if n := srv.requests("/news/dredging") + srv.requests("/robots.txt"); n != 0 {
		t.Fatalf("extraction off, yet %d requests for pages and robots.txt", n)
	}
}
