package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// MoveSource takes every address stored from a source to the source's new
// place, and leaves everything else alone: another source's items and
// posts, and addresses that only look alike.
func TestMoveSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const old, moved = "http://127.0.0.1:41000/", "http://127.0.0.1:52000/"
		src := &newsdesk.Source{Name: "Ledger", FeedURL: old + "ledger/feed.xml", SiteURL: old + "ledger/"}
		other := &newsdesk.Source{Name: "Other", FeedURL: "http://127.0.0.1:4100/feed.xml"}
		for _, s := range []*newsdesk.Source{src, other} {
			if err := db.CreateSource(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		item := func(guid, base string) *newsdesk.Item {
			return &newsdesk.Item{GUID: guid, URL: base + "ledger/a/" + guid, Title: "Bridge " + guid,
				Summary: "Plain text.", Content: `<p><img src="` + base + `ledger/a.png">Text</p>`, ImageURL: base + "ledger/a.png",
				Enclosures: []newsdesk.Enclosure{{URL: base + "ledger/a.mp3", Type: "audio/mpeg"}}}
		}
		if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{item("1", old)}); err != nil {
			t.Fatal(err)
		}
		// Another source on a port that starts like the moved one's.
		if _, err := db.SaveItems(ctx, other.ID, []*newsdesk.Item{item("2", "http://127.0.0.1:4100/")}); err != nil {
			t.Fatal(err)
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, it := range items {
			ids[it.GUID] = it.ID
		}
		for guid, base := range map[string]string{"1": old, "2": "http://127.0.0.1:4100/"} {
			if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: ids[guid], Title: "Bridge", Text: "Text about the bridge.",
				Image: base + "ledger/a.png", HTML: `<p><a href="` + base + `ledger/b">Text</a> about the bridge.</p>`}); err != nil {
				t.Fatal(err)
			}
		}
		var posts []*newsdesk.Post
		for _, guid := range []string{"1", "2"} {
			base := map[string]string{"1": old, "2": "http://127.0.0.1:4100/"}[guid]
			id := ids[guid]
			p := &newsdesk.Post{Headline: "Post " + guid, Summary: "S.", Status: newsdesk.PostDraft, ItemID: &id,
				SourceName: "Ledger", OriginalURL: base + "ledger/a/" + guid}
			if err := db.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			posts = append(posts, p)
		}

		if err := db.MoveSource(ctx, src.ID, old, moved); err != nil {
			t.Fatal(err)
		}

		got, err := db.FindSourceByID(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FeedURL != moved+"ledger/feed.xml" || got.SiteURL != moved+"ledger/" {
			t.Errorf("source reads %s (site %s)", got.FeedURL, got.SiteURL)
		}
		for guid, base := range map[string]string{"1": moved, "2": "http://127.0.0.1:4100/"} {
			it, err := db.FindItemByID(ctx, ids[guid])
			if err != nil {
				t.Fatal(err)
			}
			want := item(guid, base)
			if it.URL != want.URL || it.ImageURL != want.ImageURL || it.Content != want.Content || it.Summary != want.Summary ||
				len(it.Enclosures) != 1 || it.Enclosures[0].URL != want.Enclosures[0].URL {
				t.Errorf("item %s: %s, image %s, enclosures %v, content %q", guid, it.URL, it.ImageURL, it.Enclosures, it.Content)
			}
			a, err := db.FindArticle(ctx, ids[guid])
			if err != nil {
				t.Fatal(err)
			}
			if a.Image != base+"ledger/a.png" || a.HTML != `<p><a href="`+base+`ledger/b">Text</a> about the bridge.</p>` {
				t.Errorf("article %s: image %s, html %q", guid, a.Image, a.HTML)
			}
		}
		for i, base := range []string{moved, "http://127.0.0.1:4100/"} {
			p, err := db.FindPostByID(ctx, posts[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.OriginalURL != base+"ledger/a/"+p.Headline[len("Post "):] || p.UpdatedAt.Sub(posts[i].UpdatedAt).Abs() > time.Millisecond {
				t.Errorf("post %d credits %s, updated %v (was %v)", i, p.OriginalURL, p.UpdatedAt, posts[i].UpdatedAt)
			}
		}
		// The search index still finds the moved item's article.
		res, err := db.Search(ctx, newsdesk.SearchQuery{Text: "bridge", Kind: newsdesk.SearchArticles})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 2 {
			t.Errorf("search finds %d articles after the move, want 2", len(res.Hits))
		}
		for _, h := range res.Hits {
			if h.ID == ids["1"] && h.URL != moved+"ledger/a/1" {
				t.Errorf("search hit links to %s", h.URL)
			}
		}

		for _, tc := range []struct {
			name     string
			id       int64
			from, to string
			code     string
		}{
			{"no such source", 9999, moved, old, newsdesk.ENOTFOUND},
			{"not under from", src.ID, old, moved, newsdesk.EINVALID},
			{"onto another source's feed", other.ID, "http://127.0.0.1:4100/", moved + "ledger/", newsdesk.ECONFLICT},
			{"nowhere", src.ID, "", moved, newsdesk.EINVALID},
		} {
			if err := db.MoveSource(ctx, tc.id, tc.from, tc.to); newsdesk.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
	})
}
