package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// TestSearchRanksTitleMatches checks the order a reader sees: articles
// with the query in their title first, however many there are and
// whatever their titles hold, for broad searches (more matches than are
// ranked) as for narrow ones.
func TestSearchRanksTitleMatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: "https://ledger.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		// Older articles with the words in their text, more than a
		// broad search ranks, make the searches broad.
		var items []*newsdesk.Item
		for i := range 1000 {
			items = append(items, &newsdesk.Item{GUID: fmt.Sprint("old", i), URL: fmt.Sprint("https://ledger.example/old/", i),
				Title: fmt.Sprint("Notes ", i), Summary: "The tram depot was quiet."})
		}
		if _, err := db.SaveItems(ctx, src.ID, items); err != nil {
			t.Fatal(err)
		}
		items = []*newsdesk.Item{
			{GUID: "title", URL: "https://ledger.example/title", Title: "Tram depot opens",
				Summary: "The tram depot on the quay opened on Monday."},
		}
		// Newer articles that have the words only in their text, one of
		// them with a title full of the control characters snippets and
		// ranking use as markers.
		for i, title := range []string{"Council notes", "\x01\x01\x01 \x02 Weather \x01", "Letters"} {
			items = append(items, &newsdesk.Item{GUID: title, URL: "https://ledger.example/" + string(rune('a'+i)),
				Title: title, Summary: "A tram stood at the tram depot all week."})
		}
		if _, err := db.SaveItems(ctx, src.ID, items); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"tram", "tram depot", `"tram depot"`, "depot -bus",
			"monday", "monday tram", "tram -quiet", "depot -quiet tram"} {
			// Filtered or not.
			res, err := db.Search(ctx, newsdesk.SearchQuery{Text: q, Kind: newsdesk.SearchArticles, SourceID: src.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].Title != "Tram depot opens" {
				t.Errorf("search %q in a source: got %d hits, want the article with it in its title first", q, len(res.Hits))
			}
			res, err = db.Search(ctx, newsdesk.SearchQuery{Text: q, Kind: newsdesk.SearchArticles})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatalf("search %q: found nothing", q)
			}
			if res.Hits[0].Title != "Tram depot opens" {
				t.Errorf("search %q: first hit is %q, want the article with it in its title", q, res.Hits[0].Title)
			}
		}
	})
}
