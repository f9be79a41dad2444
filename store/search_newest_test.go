package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// skipIDs makes the next item stored get an ID of at least next, as
// years of polling would.
func skipIDs(t *testing.T, db *store.DB, next int64) {
	t.Helper()
	var err error
	if db.Dialect() == store.Postgres {
		_, err = db.SQL().Exec("SELECT setval(pg_get_serial_sequence('items', 'id'), $1)", next-1)
	} else {
		_, err = db.SQL().Exec("UPDATE sqlite_sequence SET seq = ? WHERE name = 'items'", next-1)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestSearchNewestCandidates checks which articles a broad search ranks,
// the newest 1000 that match, when the matches lie far apart by ID (as
// PostgreSQL searches a range of IDs at a time): an article with the
// query in its title is first when it is among them and left out when
// older, and the matches of narrow searches are all found, however far
// apart.
func TestSearchNewestCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: "https://ledger.example/feed"}
		wire := &newsdesk.Source{Name: "Valley Wire", FeedURL: "https://wire.example/feed"}
		for _, s := range []*newsdesk.Source{src, wire} {
			if err := db.CreateSource(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		save := func(items ...*newsdesk.Item) {
			t.Helper()
			if _, err := db.SaveItems(ctx, src.ID, items); err != nil {
				t.Fatal(err)
			}
		}
		item := func(guid, title, summary string) *newsdesk.Item {
			return &newsdesk.Item{GUID: guid, URL: "https://ledger.example/" + guid, Title: title, Summary: summary}
		}

		// The oldest article, years before the rest.
		save(item("kiosk", "Tram depot kiosk opens", "Coffee at the depot."))
		// Later, articles about the depot every few hundred IDs, twenty
		// at a time: 1200 of them, of which the 252 oldest are too old
		// to be ranked. The oldest ranked and the newest left out have
		// the words in their titles.
		for b := range 60 {
			skipIDs(t, db, 880_000+int64(b)*2_000)
			var batch []*newsdesk.Item
			for i := range 20 {
				it := item(fmt.Sprint("spread", b, "-", i), fmt.Sprint("Notes ", b, "-", i), "A tram stood at the tram depot all week.")
				switch b*20 + i {
				case 251:
					it.Title = "Tram depot closes"
				case 252:
					it.Title = "Tram depot reopens"
				}
				batch = append(batch, it)
			}
			save(batch...)
			// Now and then another outlet's.
			if b%20 == 0 {
				if _, err := db.SaveItems(ctx, wire.ID, []*newsdesk.Item{
					item(fmt.Sprint("wire", b), fmt.Sprint("Wire ", b), "The tram depot again."),
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The newest hundred, half of them about the depot too.
		skipIDs(t, db, 1_000_000)
		var newest []*newsdesk.Item
		for i := range 100 {
			newest = append(newest, item(fmt.Sprint("new", i), fmt.Sprint("Letters ", i), "Trains were late again."))
			if i%2 == 0 {
				newest[i].Summary = "The tram depot was quiet. The kiosk opens daily."
			}
		}
		save(newest...)

		search := func(text string, limit, offset int) *newsdesk.SearchResults {
			t.Helper()
			res, err := db.Search(ctx, newsdesk.SearchQuery{Text: text, Kind: newsdesk.SearchArticles, Limit: limit, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		titles := func(res *newsdesk.SearchResults) []string {
			var out []string
			for _, h := range res.Hits {
				out = append(out, h.Title)
			}
			return out
		}

		// 1254 articles match; the newest 1000 leave out the kiosk and the
		// oldest 253 of the others, "closes" the newest of those.
		for _, q := range []string{"tram depot", "tram", `"tram depot"`, "depot -bus"} {
			res := search(q, 20, 0)
			if got := titles(res); len(got) != 20 || got[0] != "Tram depot reopens" || got[1] != "Letters 98" || !res.More {
				t.Errorf("search %q: got %q, more %v; want the newer title match first, then the newest", q, got, res.More)
			}
			for _, h := range res.Hits {
				if h.Title == "Tram depot closes" || h.Title == "Tram depot kiosk opens" {
					t.Errorf("search %q ranked %q, older than the newest 1000 matches", q, h.Title)
				}
			}
		}
		// Paging on through them: newest first after the title match,
		// each once.
		seen := map[int64]bool{}
		var all []string
		for page := range 4 {
			res := search("tram depot", 50, page*50)
			for _, h := range res.Hits {
				if seen[h.ID] {
					t.Fatalf("page %d repeats %q", page+1, h.Title)
				}
				seen[h.ID] = true
			}
			all = append(all, titles(res)...)
		}
		want := []string{"Tram depot reopens"}
		for i := 98; i >= 0; i -= 2 {
			want = append(want, fmt.Sprint("Letters ", i))
		}
		for k := 1199; len(want) < 200; k-- {
			if k != 252 {
				want = append(want, fmt.Sprint("Notes ", k/20, "-", k%20))
			}
		}
		if !slices.Equal(all, want) {
			t.Errorf("the first 200 of %q:\n got %q\nwant %q", "tram depot", all, want)
		}

		// The other outlet's, alone.
		res, err := db.Search(ctx, newsdesk.SearchQuery{Text: "tram depot", Kind: newsdesk.SearchArticles, SourceID: wire.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(res); !slices.Equal(got, []string{"Wire 40", "Wire 20", "Wire 0"}) {
			t.Errorf("search in a source: got %q", got)
		}

		// Narrow searches find their few matches, however far apart.
		for q, want := range map[string][]string{
			"kiosk":  append([]string{"Tram depot kiosk opens"}, want[1:51]...),
			"closes": {"Tram depot closes"},
			"coffee": {"Tram depot kiosk opens"},
			"opens":  append([]string{"Tram depot kiosk opens"}, want[1:51]...),
		} {
			if got := titles(search(q, 100, 0)); !slices.Equal(got, want) {
				t.Errorf("search %q:\n got %q\nwant %q", q, got, want)
			}
		}
	})
}

// TestSearchKeysFunction pins PostgreSQL's newsdesk_item_keys, whose
// keys store/search.go asks for by number.
func TestSearchKeysFunction(t *testing.T) {
	db := storetest.Postgres(t)
	var got string
	if err := db.SQL().QueryRow("SELECT newsdesk_item_keys(1000000, 42)::text").Scan(&got); err != nil {
		t.Fatal(err)
	}
	// 1000000 >> 12, then 1<<56 | 1000000 >> 16, and so on; 7<<56 | 42.
	if want := "{244,72057594037927951,144115188075855872,216172782113783808,288230376151711744,504403158265495594}"; got != want {
		t.Errorf("newsdesk_item_keys(1000000, 42) = %s, want %s", got, want)
	}
}
