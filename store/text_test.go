package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Text that PostgreSQL refuses in a TEXT column, and what both databases
// keep of it: a NUL byte is dropped, and bytes that are not UTF-8 become
// U+FFFD, the replacement character.
const (
	nul        = "Rain\x00fall"
	nulKept    = "Rainfall"
	broken     = "Caf\xe9 in M\xfcnchen"
	brokenKept = "Caf\uFFFD in M\uFFFDnchen"
)

// Every text an editor, a feed or an extracted page can supply is stored
// on both databases, cleaned the same way, rather than refused by
// PostgreSQL with an internal error.
func TestTextPostgresRefusesIsCleaned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()

		// Sources: as added, renamed, and as a poll learns about them.
		src := &newsdesk.Source{Name: broken, FeedURL: "https://ledger.example/feed\x00"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatalf("create source: %v", err)
		}
		got, err := db.FindSourceByID(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != brokenKept || got.FeedURL != "https://ledger.example/feed" {
			t.Errorf("source stored as %q %q", got.Name, got.FeedURL)
		}
		got.Name = nul
		if err := db.UpdateSource(ctx, got); err != nil {
			t.Fatalf("update source: %v", err)
		}
		if got, _ := db.FindSourceByID(ctx, src.ID); got.Name != nulKept {
			t.Errorf("renamed source stored as %q", got.Name)
		}
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		if err := db.RecordPoll(ctx, src.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour),
			Err: newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The feed is malformed near %s.", nul)}); err != nil {
			t.Fatalf("record failed poll: %v", err)
		}
		if got, _ := db.FindSourceByID(ctx, src.ID); got.LastError != "The feed is malformed near "+nulKept+"." {
			t.Errorf("poll error stored as %q", got.LastError)
		}
		if err := db.RecordPoll(ctx, src.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour),
			SiteURL: "https://ledger.example/\x00", Note: broken, ETag: `"v` + nul + `"`}); err != nil {
			t.Fatalf("record poll: %v", err)
		}
		got, _ = db.FindSourceByID(ctx, src.ID)
		if got.SiteURL != "https://ledger.example/" || got.Note != brokenKept || got.ETag != `"v`+nulKept+`"` {
			t.Errorf("poll stored as site %q, note %q, etag %q", got.SiteURL, got.Note, got.ETag)
		}

		// Items, and the same item again: it is recognised by its cleaned
		// GUID, not stored twice.
		item := func() *newsdesk.Item {
			return &newsdesk.Item{GUID: "guid-" + nul, URL: "https://ledger.example/a" + nul, Title: nul,
				Summary: broken, Content: "<p>" + nul + "</p>", Author: broken, ImageURL: "https://ledger.example/i.jpg\x00",
				Enclosures: []newsdesk.Enclosure{{URL: "https://ledger.example/a.mp3\x00", Type: "audio/mpeg\x00"}},
				Categories: []string{nul, broken}}
		}
		n, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{item()})
		if err != nil || n != 1 {
			t.Fatalf("save items: %d new, %v", n, err)
		}
		if n, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{item()}); err != nil || n != 0 {
			t.Errorf("save the same item again: %d new, %v; want 0", n, err)
		}
		list, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("items: %v %v", list, err)
		}
		it := list[0]
		if it.GUID != "guid-"+nulKept || it.URL != "https://ledger.example/a"+nulKept || it.Title != nulKept ||
			it.Summary != brokenKept || it.Content != "<p>"+nulKept+"</p>" || it.Author != brokenKept ||
			it.ImageURL != "https://ledger.example/i.jpg" || it.SourceName != nulKept {
			t.Errorf("item stored as %+v", it)
		}
		if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://ledger.example/a.mp3" || it.Enclosures[0].Type != "audio/mpeg" {
			t.Errorf("enclosures stored as %+v", it.Enclosures)
		}
		if !slices.Equal(it.Categories, []string{nulKept, brokenKept}) {
			t.Errorf("categories stored as %q", it.Categories)
		}

		// The article extracted from the item's page.
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: it.ID, Title: nul, Byline: broken, SiteName: nul,
			Language: "en\x00", Image: "https://ledger.example/j.jpg\x00", Text: "First.\n\n" + nul, HTML: "<p>" + broken + "</p>"}); err != nil {
			t.Fatalf("save article: %v", err)
		}
		a, err := db.FindArticle(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != nulKept || a.Byline != brokenKept || a.SiteName != nulKept || a.Language != "en" ||
			a.Image != "https://ledger.example/j.jpg" || a.Text != "First.\n\n"+nulKept || a.HTML != "<p>"+brokenKept+"</p>" {
			t.Errorf("article stored as %+v", a)
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: it.ID, Error: "The page said " + nul}); err != nil {
			t.Fatalf("save failed article: %v", err)
		}
		if a, _ := db.FindArticle(ctx, it.ID); a.Error != "The page said "+nulKept {
			t.Errorf("extraction error stored as %q", a.Error)
		}

		// Posts, created and edited, with their tags.
		p := &newsdesk.Post{Headline: nul, Summary: broken + "\n\n" + nul, Status: newsdesk.PostPublished,
			ItemID: &it.ID, SourceName: it.SourceName, OriginalURL: "https://ledger.example/a\x00",
			Tags: []newsdesk.Tag{{Slug: "harbor", Name: "Harbor\x00"}}}
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatalf("create post: %v", err)
		}
		if p.Headline != nulKept || p.Slug != "rainfall" {
			t.Errorf("created post says %q, slug %q", p.Headline, p.Slug)
		}
		stored, err := db.FindPostByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Headline != nulKept || stored.Summary != brokenKept+"\n\n"+nulKept ||
			stored.OriginalURL != "https://ledger.example/a" || len(stored.Tags) != 1 || stored.Tags[0].Name != "Harbor" {
			t.Errorf("post stored as %+v", stored)
		}
		stored.Headline, stored.Summary = broken, nul
		if err := db.UpdatePost(ctx, stored); err != nil {
			t.Fatalf("update post: %v", err)
		}
		if again, _ := db.FindPostByID(ctx, p.ID); again.Headline != brokenKept || again.Summary != nulKept {
			t.Errorf("edited post stored as %q %q", again.Headline, again.Summary)
		}
		// A headline of nothing but a NUL is no headline.
		empty := &newsdesk.Post{Headline: "\x00", Summary: "Text.", Status: newsdesk.PostDraft,
			SourceName: "Ledger", OriginalURL: "https://ledger.example/b"}
		if err := db.CreatePost(ctx, empty); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("post headed by a NUL: %v, want EINVALID", err)
		}

		// Staff.
		u := &newsdesk.User{Email: "editor@example.org", Name: broken, Role: newsdesk.RoleEditor, PasswordHash: "x"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatalf("create user: %v", err)
		}
		if got, _ := db.FindUserByID(ctx, u.ID); got.Name != brokenKept {
			t.Errorf("user's name stored as %q", got.Name)
		}

		// A WebSub subscription: what the hub said, and the note on the
		// source.
		sub := &newsdesk.WebSubLease{SourceID: src.ID, Hub: "https://hub.example/\x00", Topic: "https://ledger.example/feed",
			Token: "tok", Secret: "sec", State: newsdesk.LeaseFailed, LastError: "The hub said " + broken, Note: "WebSub " + nul}
		if err := db.SaveLease(ctx, sub, time.Time{}); err != nil {
			t.Fatalf("save subscription: %v", err)
		}
		gotSub, err := db.FindLease(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gotSub.Hub != "https://hub.example/" || gotSub.LastError != "The hub said "+brokenKept || gotSub.Note != "WebSub "+nulKept {
			t.Errorf("subscription stored as %+v", gotSub)
		}
		if got, _ := db.FindSourceByID(ctx, src.ID); got.Note != newsdesk.ReplaceNote(brokenKept, "", "WebSub "+nulKept) {
			t.Errorf("source's note is %q", got.Note)
		}
	})
}

// Looking something up by a text that no stored row can hold (a reader's
// URL, a sign-in form) finds nothing, on both databases, rather than
// failing.
func TestLookupsByTextPostgresRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, key := range []string{nul, broken} {
			if _, err := db.FindPostBySlug(ctx, key); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
				t.Errorf("post by slug %q: %v, want ENOTFOUND", key, err)
			}
			if _, err := db.FindUserByEmail(ctx, key+"@example.org"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
				t.Errorf("user by e-mail %q: %v, want ENOTFOUND", key, err)
			}
			if posts, err := db.FindPosts(ctx, newsdesk.PostFilter{Tag: key}); err != nil || len(posts) != 0 {
				t.Errorf("posts tagged %q: %v %v, want none", key, posts, err)
			}
			if _, err := db.FindSession(ctx, key, time.Now()); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
				t.Errorf("session %q: %v, want EUNAUTHORIZED", key, err)
			}
			if err := db.DeleteSession(ctx, key); err != nil {
				t.Errorf("delete session %q: %v", key, err)
			}
		}
	})
}
