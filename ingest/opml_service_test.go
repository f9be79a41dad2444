package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// An import follows every feed in nested folders under its outline's
// title, skips feeds already followed or listed twice, reports the feeds
// that fail without stopping, and says how far it has got.
func TestImportOPML(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSite(t, map[string]string{
			"/ledger.rss": readFile(t, "testdata/rss2.xml"),
			"/atom":       readFile(t, "testdata/atom.xml"),
			"/home":       `<!doctype html><link rel="alternate" type="application/feed+json" href="/feed.json">`,
			"/feed.json":  readFile(t, "testdata/jsonfeed.json"),
			"/page":       `<!doctype html><html><body>no feed</body></html>`,
			"/old.rss":    readFile(t, "testdata/rss1.rdf"),
		})
		svc := newService(db)
		if _, err := svc.AddFeed(ctx, s.URL+"/old.rss"); err != nil {
			t.Fatal(err)
		}
		opml := fmt.Sprintf(`<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
<outline text="News">
  <outline text="The Ledger" type="rss" xmlUrl="%[1]s/ledger.rss" htmlUrl="https://ledger.example/"/>
  <outline text="Nested">
    <outline title="Observer" text="ignored" type="rss" xmlUrl="%[1]s/atom"/>
  </outline>
</outline>
<outline text="Delta, by its home page" xmlUrl="%[1]s/home"/>
<outline text="Already followed" xmlUrl="%[1]s/old.rss"/>
<outline text="The Ledger again" xmlUrl="%[1]s/ledger.rss"/>
<outline text="Gone" xmlUrl="%[1]s/gone.rss"/>
<outline text="Just a page" xmlUrl="%[1]s/page"/>
<outline text="Not an address" xmlUrl="ftp://files.example/feed"/>
</body></opml>`, s.URL)

		var mu sync.Mutex
		var progress []int
		report, err := svc.ImportOPML(ctx, strings.NewReader(opml), newsdesk.ImportOptions{Progress: func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			if total != 8 {
				t.Errorf("progress total %d, want 8", total)
			}
			progress = append(progress, done)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(progress) != "[1 2 3 4 5 6 7 8]" {
			t.Errorf("progress %v", progress)
		}
		if report.Added != 3 || report.Skipped != 2 || report.Failed != 3 {
			t.Errorf("added %d, skipped %d, failed %d; want 3, 2, 3", report.Added, report.Skipped, report.Failed)
		}
		want := []struct {
			title  string
			status newsdesk.ImportStatus
			msg    string
		}{
			{"The Ledger", newsdesk.ImportAdded, ""},
			{"Observer", newsdesk.ImportAdded, ""},
			{"Delta, by its home page", newsdesk.ImportAdded, ""},
			{"Already followed", newsdesk.ImportSkipped, "Already followed."},
			{"The Ledger again", newsdesk.ImportSkipped, "Listed twice in the file."},
			{"Gone", newsdesk.ImportFailed, "answered 404 Not Found."},
			{"Just a page", newsdesk.ImportFailed, "The address is a web page, not a feed."},
			{"Not an address", newsdesk.ImportFailed, "must start with http:// or https://"},
		}
		for i, w := range want {
			got := report.Results[i]
			if got.Title != w.title || got.Status != w.status || !strings.Contains(got.Message, w.msg) || (w.msg == "") != (got.Message == "") {
				t.Errorf("result %d: %+v, want %s %s %q", i, got, w.title, w.status, w.msg)
			}
			if (got.Status == newsdesk.ImportAdded) != (got.Source != nil) {
				t.Errorf("result %d: source %v", i, got.Source)
			}
		}

		// Sources are named by the file, not by their feeds' titles, and
		// their items are stored.
		byName := map[string]*newsdesk.Source{}
		sources, _ := db.FindSources(ctx)
		for _, src := range sources {
			byName[src.Name] = src
		}
		for name, feed := range map[string]string{"The Ledger": "/ledger.rss", "Observer": "/atom", "Delta, by its home page": "/feed.json"} {
			src := byName[name]
			if src == nil || src.FeedURL != s.URL+feed || src.Status != newsdesk.SourceOK {
				t.Errorf("source %q: %+v", name, src)
				continue
			}
			if n, _ := db.CountItems(ctx, src.ID); n == 0 {
				t.Errorf("source %q has no items", name)
			}
		}
		if byName["The Ledger"] != nil && byName["The Ledger"].SiteURL != "https://ledger.example/" {
			t.Errorf("the Ledger's site is %q, want the file's htmlUrl", byName["The Ledger"].SiteURL)
		}
		if len(sources) != 4 {
			t.Errorf("%d sources, want 4", len(sources))
		}
	})
}

// With NoCheck nothing is fetched: each feed is followed as a new source
// for the scheduler to poll.
func TestImportOPMLNoCheck(t *testing.T) {
	db := storetest.SQLite(t)
	s := newSite(t, map[string]string{})
	opml := fmt.Sprintf(`<opml version="1.0"><body>
<outline text="Ledger" xmlUrl="%[1]s/a.rss"/><outline xmlUrl="%[1]s/untitled.rss"/></body></opml>`, s.URL)
	report, err := newService(db).ImportOPML(context.Background(), strings.NewReader(opml), newsdesk.ImportOptions{NoCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	if report.Added != 2 || len(s.requests()) != 0 {
		t.Fatalf("added %d, %d requests", report.Added, len(s.requests()))
	}
	sources, _ := db.FindSources(context.Background())
	for _, src := range sources {
		if src.Status != newsdesk.SourceNew {
			t.Errorf("source %+v", src)
		}
	}
	if sources[0].Name != "Ledger" || sources[1].Name != s.URL+"/untitled.rss" {
		t.Errorf("names %q, %q", sources[0].Name, sources[1].Name)
	}
}

// A feed imported without checking may be a site's home page: its first
// poll follows the feed the page names, as AddFeed does, and says why it
// cannot when the page names none or a feed already followed. A source
// that has been read once never moves.
func TestImportOPMLNoCheckFirstPollFindsTheFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newSite(t, map[string]string{
			"/home":      `<!doctype html><link rel="alternate" type="application/feed+json" href="/feed.json">`,
			"/feed.json": readFile(t, "testdata/jsonfeed.json"),
			"/page":      `<!doctype html><html><body>no feed</body></html>`,
			"/old":       `<!doctype html><link rel="alternate" type="application/rss+xml" href="/old.rss">`,
			"/old.rss":   readFile(t, "testdata/rss1.rdf"),
		})
		svc := newService(db)
		if _, err := svc.AddFeed(ctx, s.URL+"/old.rss"); err != nil {
			t.Fatal(err)
		}
		opml := fmt.Sprintf(`<opml version="2.0"><body><outline text="Delta" xmlUrl="%[1]s/home"/>
<outline text="Just a page" xmlUrl="%[1]s/page"/><outline text="Old, by its page" xmlUrl="%[1]s/old"/></body></opml>`, s.URL)
		report, err := svc.ImportOPML(ctx, strings.NewReader(opml), newsdesk.ImportOptions{NoCheck: true})
		if err != nil || report.Added != 3 {
			t.Fatalf("added %d, %v", report.Added, err)
		}
		want := map[string]struct {
			feed, err string
		}{
			"Delta":            {"/feed.json", ""},
			"Just a page":      {"/page", "The address is a web page, not a feed."},
			"Old, by its page": {"/old", "The address is a web page whose feed, " + s.URL + "/old.rss, is already followed by another source."},
		}
		for _, res := range report.Results {
			n, err := svc.PollSource(ctx, res.Source.ID)
			src, ferr := db.FindSourceByID(ctx, res.Source.ID)
			if ferr != nil {
				t.Fatal(ferr)
			}
			w := want[res.Title]
			if src.FeedURL != s.URL+w.feed {
				t.Errorf("%s follows %s, want %s", res.Title, src.FeedURL, s.URL+w.feed)
			}
			if w.err == "" {
				if err != nil || n == 0 || src.Status != newsdesk.SourceOK || src.Name != "Delta" || src.SiteURL == "" {
					t.Errorf("%s: %d items, %v; source %+v", res.Title, n, err, src)
				}
				continue
			}
			if !strings.HasPrefix(newsdesk.ErrorMessage(err), w.err) || src.Status != newsdesk.SourceError || !strings.HasPrefix(src.LastError, w.err) {
				t.Errorf("%s: %v; status %s %q, want %q", res.Title, err, src.Status, src.LastError, w.err)
			}
		}

		// A source that has been read stays put when its feed turns into
		// a page.
		read := &newsdesk.Source{Name: "Read before", FeedURL: s.URL + "/home?read", PollInterval: time.Hour, Status: newsdesk.SourceOK}
		if err := db.CreateSource(ctx, read); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PollSource(ctx, read.ID); err == nil || strings.Contains(err.Error(), "already followed") {
			t.Errorf("a feed that became a web page polled with %v, want an error that it is not a feed", err)
		}
		if src, _ := db.FindSourceByID(ctx, read.ID); src.FeedURL != s.URL+"/home?read" {
			t.Errorf("the source moved to %s", src.FeedURL)
		}
	})
}

// What one newsdesk exports, another imports: the same sources.
func TestExportImportOPML(t *testing.T) {
	ctx := context.Background()
	from, to := storetest.SQLite(t), storetest.SQLite(t)
	for _, src := range []*newsdesk.Source{
		{Name: "Harbor & Sons <Ledger>", FeedURL: "https://ledger.example/feed?x=1&y=2", SiteURL: "https://ledger.example/"},
		{Name: "Delta Daily", FeedURL: "https://delta.example/feed.json"},
	} {
		if err := from.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := newService(from).ExportOPML(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if _, err := newService(to).ImportOPML(ctx, &b, newsdesk.ImportOptions{NoCheck: true}); err != nil {
		t.Fatal(err)
	}
	a, _ := from.FindSources(ctx)
	c, _ := to.FindSources(ctx)
	describe := func(list []*newsdesk.Source) (out []string) {
		for _, s := range list {
			out = append(out, s.Name+"|"+s.FeedURL+"|"+s.SiteURL)
		}
		return out
	}
	if fmt.Sprint(describe(a)) != fmt.Sprint(describe(c)) {
		t.Errorf("exported %q, imported %q", describe(a), describe(c))
	}
}
