package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// hostileFeed is an RSS feed with the title and item fields given.
func hostileFeed(title, itemTitle, summary, category string) string {
	return fmt.Sprintf(`<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://ledger.example/</link>
<item><guid>a1</guid><link>https://ledger.example/a1</link><title>%s</title><description>%s</description><category>%s</category></item>
</channel></rss>`, title, itemTitle, summary, category)
}

// A feed that is all title is followed, its name and fields cut to sane
// lengths at a character, not stored a megabyte at a time.
func TestAddFeedCutsHostileText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := newFeedServer(t)
		// Far past every length the store keeps, yet an item newsdesk
		// reads: one larger than ingest.MaxItemBytes is left out whole.
		huge := strings.Repeat("Ledger é ", ingest.MaxItemBytes/4/10)
		srv.set(http.StatusOK, "application/rss+xml", hostileFeed(huge, huge, huge, strings.Repeat("é", 300)))
		src, err := newService(db).AddFeed(ctx, srv.URL+"/rss")
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(src.Name); n > newsdesk.MaxNameLength || !strings.HasSuffix(src.Name, "…") {
			t.Errorf("source named with %d characters: %.60q", n, src.Name)
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("items %v, %v", items, err)
		}
		it := items[0]
		if n := utf8.RuneCountInString(it.Title); n > newsdesk.MaxTitleLength || !strings.HasSuffix(it.Title, "…") {
			t.Errorf("item titled with %d characters", n)
		}
		if n := utf8.RuneCountInString(it.Summary); n > newsdesk.MaxSummaryLength || !strings.HasSuffix(it.Summary, "…") {
			t.Errorf("item summary of %d characters", n)
		}
		if want := strings.Repeat("é", newsdesk.MaxCategoryLength-1) + "…"; len(it.Categories) != 1 || it.Categories[0] != want {
			t.Errorf("categories %q, want %q", it.Categories, want)
		}
	})
}

// A feed titled with nothing but invisible characters is named as a feed
// with no title is: by its host.
func TestAddFeedWithInvisibleTitle(t *testing.T) {
	db := storetest.SQLite(t)
	srv := newFeedServer(t)
	srv.set(http.StatusOK, "application/rss+xml", hostileFeed("\u200B\u2060\uFEFF", "\u200B", "Text.", "News"))
	src, err := newService(db).AddFeed(context.Background(), srv.URL+"/rss")
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "127.0.0.1" {
		t.Errorf("source named %+q, want its host", src.Name)
	}
	items, err := db.FindItems(context.Background(), newsdesk.ItemFilter{SourceID: src.ID})
	if err != nil || len(items) != 1 || items[0].Title != "" {
		t.Errorf("items %+v, %v; want one with no title", items, err)
	}
}

// An OPML file's titles are cut like feeds' titles.
func TestParseOPMLCutsTitles(t *testing.T) {
	long := strings.Repeat("Gazette ", 1000)
	feeds, err := ingest.ParseOPML(strings.NewReader(`<?xml version="1.0"?><opml version="2.0"><body>
<outline type="rss" title="` + long + `" xmlUrl="https://gazette.example/feed.xml"/>
<outline type="rss" text="` + long + `" xmlUrl="https://wire.example/feed.xml"/>
</body></opml>`))
	if err != nil {
		t.Fatal(err)
	}
	want := newsdesk.Truncate(long, newsdesk.MaxNameLength)
	if len(feeds) != 2 || feeds[0].Title != want || feeds[1].Title != want {
		t.Errorf("outlines %.80q, want titles %.80q", feeds, want)
	}
	if !strings.HasSuffix(want, "Gazette…") {
		t.Errorf("cut title %q does not end at a word and an ellipsis", want)
	}
}
