package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hubcallback"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The pipeline's tests run the queue with a tick of an hour: the sweeps
// and the scheduler run once, at start, and never again, so what happens
// after start is the pipeline's own doing.
const longTick = time.Hour

// storyPage is an item of an outlet and its page's text; an item with
// no page's text has a page that answers 404.
type storyPage struct {
	slug, title, summary, page string
}

// Texts of the pipeline's tests. The bridge and ferry items say what
// they are about in their feeds; the teaser's feed says nothing of it,
// and only its page shows that it is about the bridge.
var (
	bridge = storyPage{"bridge", "Calder bridge closes for a year of repairs",
		"The Calder bridge closes on Monday for a year of repairs to its corroded steel cables and deck, the city's engineer said.",
		"The Calder bridge will close to all traffic on Monday for a year of repairs, the city's engineer said. Inspectors found corroded steel cables and a cracked deck on the bridge, which carries 30,000 vehicles a day across the Calder estuary. Buses will be diverted over the Strand crossing while the repairs last."}
	ferry = storyPage{"ferry", "Skerry ferries return after the storm",
		"Ferries to the Skerry Islands sail again after three days in port, with a reduced timetable until the pier is repaired.",
		"Ferries to the Skerry Islands sailed again on Thursday after three days in port. The operator runs a reduced timetable until the storm-damaged pier at Skerry harbour is repaired, and asks passengers to book ahead."}
	teaser = storyPage{"teaser", "Read the latest from our reporter",
		"Our reporter has the details.",
		"Repairs to the Calder bridge will take a year, and the bridge closes to all traffic on Monday, the city's engineer told reporters. The steel cables are corroded and the deck is cracked; the 30,000 vehicles that cross the Calder estuary each day will be diverted over the Strand crossing, and so will the buses."}
	// lost's page is gone: its extraction fails for good, and it is
	// clustered on what its feed says, which is about the ferries.
	lost = storyPage{"lost", "Skerry Islands ferry timetable",
		"The Skerry Islands ferries keep a reduced timetable after the storm until the pier at Skerry harbour is repaired.", ""}
)

// outlet serves a feed of the items the test sets, their pages and a
// robots.txt, on loopback.
type outlet struct {
	*httptest.Server
	mu    sync.Mutex
	items []storyPage
}

func newOutlet(t *testing.T, items ...storyPage) *outlet {
	o := &outlet{items: items}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case r.URL.Path == "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			o.mu.Lock()
			items := o.items
			o.mu.Unlock()
			fmt.Fprint(w, o.feed(items...))
		case strings.HasPrefix(r.URL.Path, "/news/"):
			p, ok := o.page(strings.TrimPrefix(r.URL.Path, "/news/"))
			if !ok {
				http.NotFound(w, r)
				return
			}
			if p.slug == teaser.slug {
				// Slower than the lost page's 404, whose item is then
				// ready first and has the cluster job queued while the
				// teaser's page is still on its way.
				time.Sleep(time.Second)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>%s</title></head><body><article><h1>%[1]s</h1><p>%s</p></article></body></html>`,
				html.EscapeString(p.title), html.EscapeString(p.page))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

// feed is an RSS feed of the items.
func (o *outlet) feed(items ...storyPage) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor City Ledger</title>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>%s/news/%[1]s</link><description>%s</description></item>",
			it.slug, html.EscapeString(it.title), o.URL, html.EscapeString(it.summary))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func (o *outlet) page(slug string) (storyPage, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, it := range o.items {
		if it.slug == slug && it.page != "" {
			return it, true
		}
	}
	if slug == teaser.slug { // pushed, not in the feed
		return teaser, true
	}
	return storyPage{}, false
}

func (o *outlet) add(items ...storyPage) {
	o.mu.Lock()
	o.items = append(o.items, items...)
	o.mu.Unlock()
}

// newsroom is a process as `newsdesk serve` wires it: feeds read through
// the pipeline's door, and a queue whose workers run the stages.
type newsroom struct {
	db      *store.DB
	fetcher *ingest.Fetcher
	feeds   *ingest.Service
	webSub  http.Handler // the WebSub callback
}

func startNewsroom(t *testing.T, db *store.DB, extract bool) *newsroom {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	p, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: extract})
	if err != nil {
		t.Fatal(err)
	}
	n := &newsroom{db: db, fetcher: f}
	n.feeds = ingest.New(ingest.Config{Sources: db, Items: p.Items(), Fetcher: f})
	public, _ := url.Parse("http://127.0.0.1:1")
	ws := ingest.NewWebSub(n.feeds, ingest.WebSubConfig{Leases: db, PublicURL: public})
	n.webSub = hubcallback.New(hubcallback.Config{WebSub: ws})
	cfg := jobs.Config{DB: db, Sources: db, Pipeline: p, Feeds: n.feeds, Workers: 2, Tick: longTick}
	if extract {
		cfg.Extractor = ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: f})
	}
	q, err := jobs.New(cfg)
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
	return n
}

// storyOfGUID returns the story the item with the GUID is in, or zero.
func storyOfGUID(ctx context.Context, db *store.DB, guid string) int64 {
	list, _ := db.FindStories(ctx, newsdesk.StoryFilter{Limit: 500})
	for _, s := range list {
		full, _ := db.FindStoryByID(ctx, s.ID)
		for _, it := range full.Items {
			if it.Item.GUID == guid {
				return s.ID
			}
		}
	}
	return 0
}

// waitClustered waits until every item with the GUIDs is in a story.
func waitClustered(t *testing.T, db *store.DB, guids ...string) {
	t.Helper()
	waitFor(t, "stories for "+strings.Join(guids, ", "), func() bool {
		for _, g := range guids {
			if storyOfGUID(context.Background(), db, g) == 0 {
				return false
			}
		}
		return true
	})
}

// articleOf returns the article of the item with the GUID.
func articleOf(t *testing.T, db *store.DB, guid string) *newsdesk.Article {
	t.Helper()
	ctx := context.Background()
	items, err := db.FindItems(ctx, newsdesk.ItemFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.GUID == guid {
			a, err := db.FindArticle(ctx, it.ID)
			if err != nil {
				t.Fatalf("%s: %v", guid, err)
			}
			return a
		}
	}
	t.Fatalf("no item %s", guid)
	return nil
}

// Every way new items arrive enters the pipeline at the same door: the
// items are extracted and then clustered at once, without waiting for a
// sweep (the tick is an hour), and each on its extracted text. The teaser,
// whose feed says nothing of what it is about, joins the bridge story its
// page is about; the item whose page is gone is clustered on its feed's
// text, with the ferries. On both databases.
func TestPipelineEntryPoints(t *testing.T) {
	for _, entry := range []struct {
		name string
		// arrive makes the teaser and the lost item arrive at newsroom n
		// from the outlet o, whose source is src.
		arrive func(t *testing.T, n *newsroom, o *outlet, src *newsdesk.Source)
	}{
		{"poll now (desk, API)", func(t *testing.T, n *newsroom, o *outlet, src *newsdesk.Source) {
			o.add(teaser, lost)
			if _, err := n.feeds.PollSource(context.Background(), src.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"sources poll (CLI, another process)", func(t *testing.T, n *newsroom, o *outlet, src *newsdesk.Source) {
			o.add(teaser, lost)
			cli, err := jobs.NewPipeline(jobs.PipelineConfig{DB: n.db, Extract: true})
			if err != nil {
				t.Fatal(err)
			}
			feeds := ingest.New(ingest.Config{Sources: n.db, Items: cli.Items(), Fetcher: n.fetcher})
			if _, err := feeds.PollSource(context.Background(), src.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"WebSub push", func(t *testing.T, n *newsroom, o *outlet, src *newsdesk.Source) {
			ctx := context.Background()
			expires := time.Now().Add(time.Hour)
			if err := n.db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: src.ID, Hub: "https://hub.example/",
				Topic: src.FeedURL, Token: "token", Secret: "secret", State: newsdesk.LeaseActive, ExpiresAt: &expires}, time.Time{}); err != nil {
				t.Fatal(err)
			}
			body := o.feed(teaser, lost)
			mac := hmac.New(sha256.New, []byte("secret"))
			mac.Write([]byte(body))
			req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/websub/%d/token", src.ID), strings.NewReader(body))
			req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
			rec := httptest.NewRecorder()
			n.webSub.ServeHTTP(rec, req)
			if rec.Code != http.StatusNoContent {
				t.Fatalf("push: %d %s", rec.Code, rec.Body)
			}
		}},
		{"add a source (desk, API, CLI, OPML import)", func(t *testing.T, n *newsroom, o *outlet, src *newsdesk.Source) {
			other := newOutlet(t, teaser, lost)
			if _, err := n.feeds.AddFeed(context.Background(), other.URL+"/feed.xml"); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(entry.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				o := newOutlet(t, bridge, ferry)
				src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: o.URL + "/feed.xml"}
				if err := db.CreateSource(ctx, src); err != nil {
					t.Fatal(err)
				}
				n := startNewsroom(t, db, true)
				// The scheduler's look at start polls the new source: the
				// scheduled poll is an entry point too.
				waitClustered(t, db, "bridge", "ferry")

				entry.arrive(t, n, o, src)
				waitClustered(t, db, "teaser", "lost")
				if a := articleOf(t, db, "teaser"); !strings.Contains(a.Text, "Repairs to the Calder bridge will take a year") {
					t.Errorf("the teaser's article: %+v", a)
				}
				if a := articleOf(t, db, "lost"); !strings.Contains(a.Error, "404") {
					t.Errorf("the lost page's article: %+v", a)
				}
				if storyOfGUID(ctx, db, "teaser") != storyOfGUID(ctx, db, "bridge") {
					t.Error("the teaser is not in the bridge story: it was clustered on its feed's text, not its page's")
				}
				if storyOfGUID(ctx, db, "lost") != storyOfGUID(ctx, db, "ferry") {
					t.Error("the item whose page is gone is not in the ferry story, which its feed's text is about")
				}
			})
		})
	}
}

// With extraction off, new items go straight to clustering, on their
// feed's text, at once; and extraction jobs that another process queued
// (the CLI asks for extraction, not knowing how the server runs) pass
// their items on.
func TestPipelineExtractionOff(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	o := newOutlet(t, bridge, ferry)
	src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: o.URL + "/feed.xml"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	n := startNewsroom(t, db, false)
	waitClustered(t, db, "bridge", "ferry")

	o.add(lost)
	if _, err := n.feeds.PollSource(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	waitClustered(t, db, "lost")

	o.add(teaser)
	cli, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.New(ingest.Config{Sources: db, Items: cli.Items(), Fetcher: n.fetcher}).PollSource(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	waitClustered(t, db, "teaser")
	if storyOfGUID(ctx, db, "teaser") == storyOfGUID(ctx, db, "bridge") {
		t.Error("the teaser joined the bridge story, which only its page is about; extraction is off")
	}
	items, _ := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
	for _, it := range items {
		if _, err := db.FindArticle(ctx, it.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("%s has an article (%v): extraction is off", it.GUID, err)
		}
	}
}
