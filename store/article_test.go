package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// An item's article is stored, read back whole, and replaced; the items
// left to extract are those with a URL and no article, newest first.
func TestArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Harbor Ledger", FeedURL: "https://ledger.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		other := &newsdesk.Source{Name: "Courier", FeedURL: "https://courier.example/feed"}
		if err := db.CreateSource(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{
			{GUID: "a", URL: "https://ledger.example/a", Title: "A"},
			{GUID: "b", URL: "https://ledger.example/b", Title: "B"},
			{GUID: "c", Title: "No link"},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveItems(ctx, other.ID, []*newsdesk.Item{{GUID: "x", URL: "https://courier.example/x"}}); err != nil {
			t.Fatal(err)
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		byGUID := map[string]int64{}
		for _, it := range items {
			byGUID[it.GUID] = it.ID
		}

		todo, err := db.ItemsToExtract(ctx, store.ExtractFilter{SourceID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{byGUID["b"], byGUID["a"]}; !equalIDs(todo, want) {
			t.Fatalf("to extract: got %v, want %v (newest first, no item without a URL)", todo, want)
		}
		if all, _ := db.ItemsToExtract(ctx, store.ExtractFilter{}); len(all) != 3 {
			t.Fatalf("to extract across sources: got %v, want 3 items", all)
		}
		if none, _ := db.ItemsToExtract(ctx, store.ExtractFilter{Since: time.Now().Add(time.Hour)}); len(none) != 0 {
			t.Fatalf("to extract since a later time: got %v, want none", none)
		}

		if _, err := db.FindArticle(ctx, byGUID["a"]); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("article not yet extracted: got %v, want ENOTFOUND", err)
		}
		published := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("EST", -5*3600))
		extracted := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
		want := newsdesk.Article{
			ItemID: byGUID["a"], Title: "Harbour dredging starts", Byline: "Ana Ruiz",
			SiteName: "The Harbor Ledger", Language: "en", Image: "https://ledger.example/a.jpg",
			PublishedAt: &published, Text: "First paragraph.\n\nSecond — with ünïcode.",
			HTML: "<p>First paragraph.</p><p>Second — with ünïcode.</p>", ExtractedAt: extracted,
		}
		a := want
		if err := db.SaveArticle(ctx, &a); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindArticle(ctx, a.ItemID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PublishedAt == nil || !got.PublishedAt.Equal(published) || !got.ExtractedAt.Equal(extracted) {
			t.Fatalf("times: published %v extracted %v, want %v and %v", got.PublishedAt, got.ExtractedAt, published, extracted)
		}
		got.PublishedAt, want.PublishedAt = nil, nil
		got.ExtractedAt, want.ExtractedAt = time.Time{}, time.Time{}
		if *got != want {
			t.Fatalf("article read back:\n got %+v\nwant %+v", *got, want)
		}

		// A failed try is stored too, and leaves the item off the to-do list.
		failed := &newsdesk.Article{ItemID: byGUID["b"], Error: "The page answered 404 Not Found."}
		if err := db.SaveArticle(ctx, failed); err != nil {
			t.Fatal(err)
		}
		if failed.ExtractedAt.IsZero() {
			t.Fatal("SaveArticle did not set ExtractedAt")
		}
		got, err = db.FindArticle(ctx, byGUID["b"])
		if err != nil || got.Error != failed.Error || got.Text != "" || got.PublishedAt != nil {
			t.Fatalf("failed article read back: %+v, %v", got, err)
		}
		if todo, _ := db.ItemsToExtract(ctx, store.ExtractFilter{SourceID: src.ID}); len(todo) != 0 {
			t.Fatalf("to extract after both tried: %v, want none", todo)
		}

		// Saving again replaces.
		retry := &newsdesk.Article{ItemID: byGUID["b"], Title: "B", Text: "Now it works."}
		if err := db.SaveArticle(ctx, retry); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindArticle(ctx, byGUID["b"]); got.Error != "" || got.Text != "Now it works." {
			t.Fatalf("replaced article: %+v", got)
		}

		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: 999999, Text: "x"}); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("article of a missing item: got %v, want ENOTFOUND", err)
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("article of no item: got %v, want EINVALID", err)
		}

		// Articles go with their source's items.
		if err := db.DeleteSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindArticle(ctx, byGUID["a"]); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("article of a deleted source's item: got %v, want ENOTFOUND", err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
