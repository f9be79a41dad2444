package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// An item's lead image, enclosures and categories come back as stored, in
// the feed's order, from both ways of reading items; storing a feed again
// changes none of them; deleting the source deletes them.
func TestItemMedia(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Quayside Radio", FeedURL: "https://radio.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		podcast := &newsdesk.Item{
			GUID: "ep-12", Title: "Episode 12", ImageURL: "https://radio.example/ep12.jpg",
			Enclosures: []newsdesk.Enclosure{
				{URL: "https://radio.example/ep12.mp3", Type: "audio/mpeg", Length: 48_213_004},
				{URL: "https://radio.example/ep12.ogg", Type: "audio/ogg"},
			},
			Categories: []string{"Harbour", "Weather", "Ferries"},
		}
		plain := &newsdesk.Item{GUID: "note-1", Title: "A note with nothing attached"}
		if n, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{podcast, plain, podcast}); err != nil || n != 2 {
			t.Fatalf("SaveItems: %d new, %v", n, err)
		}

		check := func(when string) {
			t.Helper()
			items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]*newsdesk.Item{}
			for _, it := range items {
				got[it.GUID] = it
			}
			for _, want := range []*newsdesk.Item{podcast, plain} {
				it := got[want.GUID]
				if it == nil {
					t.Fatalf("%s: %s missing", when, want.GUID)
				}
				one, err := db.FindItemByID(ctx, it.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range []*newsdesk.Item{it, one} {
					if it.ImageURL != want.ImageURL || !reflect.DeepEqual(it.Enclosures, want.Enclosures) ||
						!reflect.DeepEqual(it.Categories, want.Categories) {
						t.Errorf("%s: %s came back with image %q, enclosures %+v, categories %q",
							when, want.GUID, it.ImageURL, it.Enclosures, it.Categories)
					}
				}
			}
		}
		check("first save")

		// The feed changes what it says about an item already stored: the
		// stored item keeps what it had.
		changed := *podcast
		changed.ImageURL = "https://radio.example/other.jpg"
		changed.Enclosures = []newsdesk.Enclosure{{URL: "https://radio.example/other.mp3"}}
		changed.Categories = []string{"Other"}
		if n, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{&changed, plain}); err != nil || n != 0 {
			t.Fatalf("second SaveItems: %d new, %v", n, err)
		}
		check("second save")

		if err := db.DeleteSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		var left int
		for _, table := range []string{"item_enclosures", "item_categories"} {
			if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				t.Errorf("%d rows left in %s after the source was deleted", left, table)
			}
		}
	})
}

// A page of many items, each with many categories, is read with the
// media of every item and none of another's.
func TestItemMediaManyItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Tidewater Tribune", FeedURL: "https://tribune.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		var items []*newsdesk.Item
		for i := range 450 { // more than one INSERT batch of items
			it := &newsdesk.Item{GUID: fmt.Sprint("g", i), Title: fmt.Sprint("Story ", i)}
			for j := range 3 {
				it.Categories = append(it.Categories, fmt.Sprintf("c%d-%d", i, j))
			}
			items = append(items, it)
		}
		if n, err := db.SaveItems(ctx, src.ID, items); err != nil || n != len(items) {
			t.Fatalf("SaveItems: %d new, %v", n, err)
		}
		got, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(items) {
			t.Fatalf("%d items, want %d", len(got), len(items))
		}
		for _, it := range got {
			var i int
			fmt.Sscanf(it.GUID, "g%d", &i)
			want := []string{fmt.Sprintf("c%d-0", i), fmt.Sprintf("c%d-1", i), fmt.Sprintf("c%d-2", i)}
			if !reflect.DeepEqual(it.Categories, want) {
				t.Fatalf("%s: categories %q, want %q", it.GUID, it.Categories, want)
			}
		}
	})
}
