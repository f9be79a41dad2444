package store_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// megabyte is a megabyte of title, as a hostile feed sends: accented
// words, so that a cut in the middle of a character would show.
var megabyte = strings.Repeat("Ledger café ", 1<<20/13)

// wantCut checks that got is the start of full, cut to max characters
// with an ellipsis.
func wantCut(t *testing.T, what, got, full string, max int) {
	t.Helper()
	n := utf8.RuneCountInString(got)
	if n > max || n < max-2 || !strings.HasSuffix(got, "…") || !strings.HasPrefix(full, strings.TrimSuffix(got, "…")) {
		t.Errorf("%s stored as %d characters (%.40q...), want the start cut to %d with an ellipsis", what, n, got, max)
	}
}

// Text from outlets is cut to the lengths package newsdesk names, on both
// databases and by every way in: a megabyte of title is not stored, and
// so never repeated on every page that names the source.
func TestStoredTextIsCut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

		// A source named by its feed's megabyte of title, as added.
		src := &newsdesk.Source{Name: megabyte, FeedURL: "https://ledger.example/feed.xml"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatalf("create source: %v", err)
		}
		got, err := db.FindSourceByID(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCut(t, "source name", got.Name, megabyte, newsdesk.MaxNameLength)
		if src.Name != got.Name {
			t.Errorf("the caller's source says %.40q, the store %.40q", src.Name, got.Name)
		}
		got.Name = "x" + megabyte
		if err := db.UpdateSource(ctx, got); err != nil {
			t.Fatalf("update source: %v", err)
		}
		if again, _ := db.FindSourceByID(ctx, src.ID); utf8.RuneCountInString(again.Name) > newsdesk.MaxNameLength {
			t.Errorf("renamed source's name is %d characters", utf8.RuneCountInString(again.Name))
		}

		// What a poll records: its error, its note, the validators.
		if err := db.RecordPoll(ctx, src.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour),
			Err: newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The feed is malformed near %s", megabyte)}); err != nil {
			t.Fatalf("record failed poll: %v", err)
		}
		got, _ = db.FindSourceByID(ctx, src.ID)
		wantCut(t, "poll error", got.LastError, "The feed is malformed near "+megabyte, newsdesk.MaxMessageLength)
		if err := db.RecordPoll(ctx, src.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour),
			Note: megabyte, ETag: `"` + strings.Repeat("e", 2000) + `"`, LastModified: strings.Repeat("m", 2000),
			SiteURL: "https://ledger.example/?" + strings.Repeat("q", newsdesk.MaxURLLength)}); err != nil {
			t.Fatalf("record poll: %v", err)
		}
		got, _ = db.FindSourceByID(ctx, src.ID)
		wantCut(t, "poll note", got.Note, megabyte, newsdesk.MaxMessageLength)
		if got.ETag != "" || got.LastModified != "" || got.SiteURL != "" {
			t.Errorf("over-long validators or site address kept: etag %d bytes, last-modified %d, site %d",
				len(got.ETag), len(got.LastModified), len(got.SiteURL))
		}

		// A source followed before its first poll is named by its feed's
		// address, kept whole however long, so that the first good poll
		// still recognises it and names it by the feed's title, cut.
		long := "https://wire.example/feed.xml?" + strings.Repeat("q", 1000)
		placeholder := &newsdesk.Source{Name: long, FeedURL: long}
		if err := db.CreateSource(ctx, placeholder); err != nil {
			t.Fatalf("create source named by its address: %v", err)
		}
		if got, _ := db.FindSourceByID(ctx, placeholder.ID); got.Name != long {
			t.Errorf("a source named by its address is named %d characters of it", utf8.RuneCountInString(got.Name))
		}
		// A title that shows nothing names nothing.
		if err := db.RecordPoll(ctx, placeholder.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour), Name: "\u200B\u00A0"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindSourceByID(ctx, placeholder.ID); got.Name != long {
			t.Errorf("a feed titled with a zero-width space renamed its source %+q", got.Name)
		}
		if err := db.RecordPoll(ctx, placeholder.ID, newsdesk.PollResult{At: at, NextAt: at.Add(time.Hour), Name: megabyte}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindSourceByID(ctx, placeholder.ID)
		wantCut(t, "name from the first poll", got.Name, megabyte, newsdesk.MaxNameLength)

		// A feed's address is refused when longer than the databases'
		// index on it holds, and stored up to that.
		longest := "https://wire.example/feed.xml?" + strings.Repeat("a", newsdesk.MaxFeedURLLength-30)
		if err := db.CreateSource(ctx, &newsdesk.Source{Name: "Wire", FeedURL: longest}); err != nil {
			t.Errorf("feed address of %d bytes: %v", len(longest), err)
		}
		if err := db.CreateSource(ctx, &newsdesk.Source{Name: "Wire", FeedURL: longest + "a"}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("feed address of %d bytes: %v, want EINVALID", len(longest)+1, err)
		}

		// An item with every field too long.
		hugeURL := "https://ledger.example/a?" + strings.Repeat("u", newsdesk.MaxURLLength)
		it := &newsdesk.Item{GUID: "g1", URL: hugeURL, Title: megabyte, Summary: megabyte, Content: megabyte + megabyte,
			Author: megabyte, ImageURL: hugeURL,
			Enclosures: []newsdesk.Enclosure{{URL: hugeURL, Type: "audio/mpeg"}, {URL: "https://ledger.example/a.mp3", Type: strings.Repeat("t", 300)}},
			// A category is indexed: PostgreSQL refuses index rows over
			// 2,704 bytes.
			Categories: []string{strings.Repeat("Kategorie ", 1000), "Weather"}}
		if n, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{it}); err != nil || n != 1 {
			t.Fatalf("save item: %d new, %v", n, err)
		}
		if it.Title != megabyte {
			t.Error("the caller's item was changed")
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("items: %v %v", items, err)
		}
		stored := items[0]
		wantCut(t, "item title", stored.Title, megabyte, newsdesk.MaxTitleLength)
		wantCut(t, "item summary", stored.Summary, megabyte, newsdesk.MaxSummaryLength)
		wantCut(t, "item content", stored.Content, megabyte+megabyte, newsdesk.MaxContentLength)
		wantCut(t, "item author", stored.Author, megabyte, newsdesk.MaxAuthorLength)
		if stored.URL != "" || stored.ImageURL != "" {
			t.Errorf("over-long addresses kept: link %d bytes, image %d", len(stored.URL), len(stored.ImageURL))
		}
		if len(stored.Enclosures) != 1 || stored.Enclosures[0].URL != "https://ledger.example/a.mp3" || stored.Enclosures[0].Type != "" {
			t.Errorf("enclosures stored as %.200v", stored.Enclosures)
		}
		if len(stored.Categories) != 2 || stored.Categories[1] != "Weather" {
			t.Fatalf("categories stored as %.200q", stored.Categories)
		}
		wantCut(t, "category", stored.Categories[0], strings.Repeat("Kategorie ", 1000), newsdesk.MaxCategoryLength)

		// What extraction found on the item's page.
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: stored.ID, Title: megabyte, Byline: megabyte,
			SiteName: megabyte, Language: strings.Repeat("en-", 20), Image: hugeURL, Text: megabyte + megabyte,
			Error: megabyte}); err != nil {
			t.Fatalf("save article: %v", err)
		}
		a, err := db.FindArticle(ctx, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCut(t, "article title", a.Title, megabyte, newsdesk.MaxTitleLength)
		wantCut(t, "byline", a.Byline, megabyte, newsdesk.MaxAuthorLength)
		wantCut(t, "site name", a.SiteName, megabyte, newsdesk.MaxNameLength)
		wantCut(t, "article text", a.Text, megabyte+megabyte, newsdesk.MaxContentLength)
		wantCut(t, "extraction error", a.Error, megabyte, newsdesk.MaxMessageLength)
		if a.Language != "" || a.Image != "" {
			t.Errorf("over-long language or image kept: %q, %d bytes", a.Language, len(a.Image))
		}

		// A post credits its source by a name stored before names were
		// cut: the credit is cut like the name.
		p := &newsdesk.Post{Headline: "Bridge closes", Summary: "Shut.", Status: newsdesk.PostDraft,
			ItemID: &stored.ID, SourceName: megabyte, OriginalURL: "https://ledger.example/a"}
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatalf("create post: %v", err)
		}
		if post, _ := db.FindPostByID(ctx, p.ID); post != nil {
			wantCut(t, "post's credit", post.SourceName, megabyte, newsdesk.MaxNameLength)
		}

		// Staff type their names: too long is refused, not cut.
		u := &newsdesk.User{Email: "editor@example.org", Name: megabyte, Role: newsdesk.RoleEditor, PasswordHash: "x"}
		if err := db.CreateUser(ctx, u); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("user with a megabyte of name: %v, want EINVALID", err)
		}

		// What a WebSub hub said, and the note it puts on the source.
		sub := &newsdesk.WebSubLease{SourceID: src.ID, Hub: "https://hub.example/", Topic: "https://ledger.example/feed.xml",
			Token: "tok", Secret: "sec", State: newsdesk.LeaseFailed, LastError: megabyte, Note: megabyte}
		if err := db.SaveLease(ctx, sub, time.Time{}); err != nil {
			t.Fatalf("save subscription: %v", err)
		}
		gotSub, err := db.FindLease(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCut(t, "hub's error", gotSub.LastError, megabyte, newsdesk.MaxMessageLength)
		wantCut(t, "subscription note", gotSub.Note, megabyte, newsdesk.MaxMessageLength)
	})
}
