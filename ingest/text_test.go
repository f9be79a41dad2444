package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// hostileFeed is an RSS feed with the title and item fields given.
func hostileFeed(title, itemTitle, summary, category string) string {
	return fmt.Sprintf(`<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://ledger.example/</link>
<item><guid>a1</guid><link>https://ledger.example/a1</link><title>%s</title><description>%s</description><category>%s</category></item>
</channel></rss>`, title, itemTitle, summary, category)
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
