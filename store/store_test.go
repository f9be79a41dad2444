package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The conformance suite: every test here runs on SQLite and on PostgreSQL.

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("second migration applied %d migrations, want 0", n)
		}
	})
}

func TestSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &newsdesk.Source{Name: "Harbor Ledger", FeedURL: "https://ledger.example/feed"}
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
		if s.ID == 0 || s.Status != newsdesk.SourceNew {
			t.Fatalf("created source: %+v", s)
		}
		dup := &newsdesk.Source{Name: "Again", FeedURL: s.FeedURL}
		if err := db.CreateSource(ctx, dup); newsdesk.ErrorCode(err) != newsdesk.ECONFLICT {
			t.Fatalf("duplicate feed: got %v, want ECONFLICT", err)
		}
		if err := db.CreateSource(ctx, &newsdesk.Source{Name: "x"}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("no feed URL: got %v, want EINVALID", err)
		}
		if _, err := db.FindSourceByID(ctx, 9999); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("missing source: got %v, want ENOTFOUND", err)
		}

		// A failed poll records the error and keeps the source as it was.
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		pollErr := newsdesk.Errorf(newsdesk.EUNAVAILABLE, "Could not reach ledger.example.")
		if err := db.RecordPoll(ctx, s.ID, newsdesk.PollResult{At: at, Err: pollErr, NextAt: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindSourceByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != newsdesk.SourceError || got.LastError != "Could not reach ledger.example." || got.ErrorCount != 1 || got.Name != "Harbor Ledger" {
			t.Fatalf("after failed poll: %+v", got)
		}
		if got.LastPolledAt == nil || !got.LastPolledAt.Equal(at) || !got.NextPollAt.Equal(at.Add(time.Hour)) {
			t.Fatalf("poll times: last %v next %v", got.LastPolledAt, got.NextPollAt)
		}

		// Due sources are those whose next poll has come.
		due, err := db.DueSources(ctx, at.Add(30*time.Minute), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before next poll: %v %v", due, err)
		}
		due, err = db.DueSources(ctx, at.Add(time.Hour), 10)
		if err != nil || len(due) != 1 || due[0].ID != s.ID {
			t.Fatalf("due at next poll: %v %v", due, err)
		}

		// A success clears the error and keeps what the poll learned.
		if err := db.RecordPoll(ctx, s.ID, newsdesk.PollResult{At: at.Add(time.Hour), NextAt: at.Add(2 * time.Hour), SiteURL: "https://ledger.example/",
			ETag: `"v1"`, LastModified: "Sun, 01 Mar 2026 11:00:00 GMT", Interval: 45 * time.Minute, Note: "Only the newest 1000 items were stored."}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindSourceByID(ctx, s.ID)
		if got.Status != newsdesk.SourceOK || got.LastError != "" || got.ErrorCount != 0 || got.SiteURL != "https://ledger.example/" {
			t.Fatalf("after good poll: %+v", got)
		}
		if got.ETag != `"v1"` || got.LastModified != "Sun, 01 Mar 2026 11:00:00 GMT" || got.PollInterval != 45*time.Minute || got.Note == "" {
			t.Fatalf("poll state after good poll: %+v", got)
		}
		// A failure keeps it: the validators still describe the last good copy.
		if err := db.RecordPoll(ctx, s.ID, newsdesk.PollResult{At: at.Add(2 * time.Hour), Err: pollErr, NextAt: at.Add(3 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindSourceByID(ctx, s.ID)
		if got.Status != newsdesk.SourceError || got.ETag != `"v1"` || got.PollInterval != 45*time.Minute || got.Note == "" {
			t.Fatalf("poll state after failed poll: %+v", got)
		}
		// A new feed URL drops the old feed's validators.
		got.FeedURL = "https://ledger.example/feed2"
		if err := db.UpdateSource(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindSourceByID(ctx, s.ID)
		if got.ETag != "" || got.LastModified != "" {
			t.Fatalf("validators kept across a new feed URL: %+v", got)
		}

		if err := db.DeleteSource(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSource(ctx, s.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("delete twice: got %v, want ENOTFOUND", err)
		}
	})
}

func TestSaveItemsIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &newsdesk.Source{Name: "Valley Courier", FeedURL: "https://courier.example/rss"}
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
		pub := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
		var items []*newsdesk.Item
		for i := range 1000 { // more than one INSERT batch
			items = append(items, &newsdesk.Item{GUID: fmt.Sprintf("g%d", i), URL: fmt.Sprintf("https://courier.example/%d", i),
				Title: fmt.Sprintf("Story %d", i), PublishedAt: &pub})
		}
		items = append(items, &newsdesk.Item{GUID: "g1", Title: "a feed that repeats a GUID"})
		n, err := db.SaveItems(ctx, s.ID, items)
		if err != nil || n != 1000 {
			t.Fatalf("first save: %d new, %v", n, err)
		}
		// Saving again stores nothing, and changes nothing already stored.
		items[5].Title = "Rewritten"
		n, err = db.SaveItems(ctx, s.ID, items)
		if err != nil || n != 0 {
			t.Fatalf("second save: %d new, %v", n, err)
		}
		if c, _ := db.CountItems(ctx, s.ID); c != 1000 {
			t.Fatalf("count = %d, want 1000", c)
		}
		list, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: s.ID, Limit: 5})
		if err != nil || len(list) != 5 {
			t.Fatalf("find items: %d %v", len(list), err)
		}
		if list[0].Title != "Story 999" || list[0].SourceName != "Valley Courier" || !list[0].PublishedAt.Equal(pub) {
			t.Fatalf("newest item: %+v", list[0])
		}
		it, err := db.FindItemByID(ctx, list[0].ID-994)
		if err != nil || it.Title != "Story 5" {
			t.Fatalf("stored item changed: %+v %v", it, err)
		}
		more, err := db.FindItems(ctx, newsdesk.ItemFilter{Before: list[4].ID, Limit: 2})
		if err != nil || len(more) != 2 || more[0].Title != "Story 994" {
			t.Fatalf("next page: %v %v", more, err)
		}
		// The same GUID in another source is another item.
		other := &newsdesk.Source{Name: "Other", FeedURL: "https://other.example/rss"}
		db.CreateSource(ctx, other)
		if n, err := db.SaveItems(ctx, other.ID, items[:3]); err != nil || n != 3 {
			t.Fatalf("other source: %d %v", n, err)
		}
	})
}

func TestPosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		u := &newsdesk.User{Email: "Ed@Example.org", Role: newsdesk.RoleAdmin, PasswordHash: "x"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		mk := func(headline string, status newsdesk.PostStatus) *newsdesk.Post {
			p := &newsdesk.Post{Headline: headline, Summary: "One.\n\nTwo.", Status: status,
				SourceName: "Harbor Ledger", OriginalURL: "https://ledger.example/a", AuthorID: u.ID}
			if err := db.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(time.Minute)
			return p
		}
		a := mk("Bridge reopens after repairs", newsdesk.PostPublished)
		b := mk("Bridge reopens after repairs", newsdesk.PostPublished)
		draft := mk("Council budget vote", newsdesk.PostDraft)
		c := mk("Ferry timetable changes", newsdesk.PostPublished)
		if a.Slug != "bridge-reopens-after-repairs" || b.Slug != "bridge-reopens-after-repairs-2" {
			t.Fatalf("slugs: %q %q", a.Slug, b.Slug)
		}
		got, err := db.FindPostBySlug(ctx, b.Slug)
		if err != nil || got.ID != b.ID || len(got.Paragraphs()) != 2 || got.AuthorID != u.ID {
			t.Fatalf("by slug: %+v %v", got, err)
		}
		pub, err := db.FindPosts(ctx, newsdesk.PostFilter{Status: newsdesk.PostPublished})
		if err != nil {
			t.Fatal(err)
		}
		if ids(pub) != fmt.Sprint([]int64{c.ID, b.ID, a.ID}) {
			t.Fatalf("published order %s", ids(pub))
		}
		all, _ := db.FindPosts(ctx, newsdesk.PostFilter{})
		if ids(all) != fmt.Sprint([]int64{c.ID, b.ID, a.ID, draft.ID}) {
			t.Fatalf("all order %s", ids(all))
		}

		// Publishing a draft stamps it now, keeps the slug, and puts it first.
		draft.Status = newsdesk.PostPublished
		draft.Headline = "Council passes budget"
		if err := db.UpdatePost(ctx, draft); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindPostByID(ctx, draft.ID)
		if got.Slug != "council-budget-vote" || got.PublishedAt == nil || !got.PublishedAt.Equal(clock) {
			t.Fatalf("published draft: %+v", got)
		}
		if err := db.UpdatePost(ctx, &newsdesk.Post{ID: 999, Headline: "h", Summary: "s", Status: newsdesk.PostDraft,
			SourceName: "x", OriginalURL: "https://x"}); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("update missing: %v", err)
		}
		if _, err := db.FindPostBySlug(ctx, "nope"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Fatalf("missing slug: %v", err)
		}
	})
}

func ids(posts []*newsdesk.Post) string {
	var out []int64
	for _, p := range posts {
		out = append(out, p.ID)
	}
	return fmt.Sprint(out)
}

func TestPostKeepsCreditWhenItemDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &newsdesk.Source{Name: "Northern Wire", FeedURL: "https://wire.example/atom"}
		db.CreateSource(ctx, s)
		db.SaveItems(ctx, s.ID, []*newsdesk.Item{{GUID: "1", URL: "https://wire.example/1", Title: "t"}})
		items, _ := db.FindItems(ctx, newsdesk.ItemFilter{})
		p := &newsdesk.Post{Headline: "h", Summary: "s", Status: newsdesk.PostPublished, ItemID: &items[0].ID,
			SourceName: s.Name, OriginalURL: items[0].URL}
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSource(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPostByID(ctx, p.ID)
		if err != nil || got.ItemID != nil || got.SourceName != "Northern Wire" || got.OriginalURL != "https://wire.example/1" {
			t.Fatalf("post after source deleted: %+v %v", got, err)
		}
	})
}

func TestUsersAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := &newsdesk.User{Email: "Admin@Example.org", Name: "Ada", Role: newsdesk.RoleAdmin, PasswordHash: "h1"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &newsdesk.User{Email: "admin@example.org", Role: newsdesk.RoleEditor, PasswordHash: "h"}); newsdesk.ErrorCode(err) != newsdesk.ECONFLICT {
			t.Fatalf("same e-mail: %v", err)
		}
		if err := db.CreateUser(ctx, &newsdesk.User{Email: "not an address", Role: newsdesk.RoleEditor, PasswordHash: "h"}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("bad e-mail: %v", err)
		}
		got, err := db.FindUserByEmail(ctx, " ADMIN@example.org ")
		if err != nil || got.ID != u.ID || got.Role != newsdesk.RoleAdmin {
			t.Fatalf("by e-mail: %+v %v", got, err)
		}
		now := time.Now()
		if err := db.CreateSession(ctx, &newsdesk.Session{TokenHash: "t1", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindSession(ctx, "t1", now); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v %v", got, err)
		}
		if _, err := db.FindSession(ctx, "t1", now.Add(2*time.Hour)); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
			t.Fatalf("expired session: %v", err)
		}
		// A new password signs every session out.
		if err := db.SetPassword(ctx, u.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, "t1", now); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
			t.Fatalf("session after password change: %v", err)
		}
	})
}

// SaveItemsThen hands the new items' IDs, in the order stored, to its
// follow-up in the items' own transaction (where the job queue queues
// their next stage); an error there stores nothing, so that no item is
// stored without its next stage.
func TestSaveItemsThen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &newsdesk.Source{Name: "Valley Courier", FeedURL: "https://courier.example/rss"}
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
		item := func(guid string) *newsdesk.Item { return &newsdesk.Item{GUID: guid, Title: guid} }
		var got []int64
		then := func(tx *sql.Tx, ids []int64) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil || n < len(ids) {
				return fmt.Errorf("the new items are not in the transaction (%d rows, %v)", n, err)
			}
			got = ids
			return nil
		}
		if n, err := db.SaveItemsThen(ctx, s.ID, []*newsdesk.Item{item("a"), item("b")}, then); err != nil || n != 2 {
			t.Fatalf("first save: %d new, %v", n, err)
		}
		if len(got) != 2 || got[0] >= got[1] {
			t.Fatalf("follow-up given %v, want two IDs in order", got)
		}
		first := got
		got = nil
		if n, err := db.SaveItemsThen(ctx, s.ID, []*newsdesk.Item{item("a"), item("c"), item("b")}, then); err != nil || n != 1 {
			t.Fatalf("second save: %d new, %v", n, err)
		}
		if len(got) != 1 || got[0] <= first[1] {
			t.Fatalf("follow-up given %v, want the one new item's ID", got)
		}
		called := false
		if _, err := db.SaveItemsThen(ctx, s.ID, []*newsdesk.Item{item("a")}, func(*sql.Tx, []int64) error { called = true; return nil }); err != nil || called {
			t.Fatalf("no new item: follow-up called %v, err %v", called, err)
		}
		failed := errors.New("the queue is down")
		if _, err := db.SaveItemsThen(ctx, s.ID, []*newsdesk.Item{item("d")}, func(*sql.Tx, []int64) error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("failed follow-up: err %v", err)
		}
		if n, _ := db.CountItems(ctx, s.ID); n != 3 {
			t.Fatalf("%d items after a failed follow-up, want 3: the item must not be stored without it", n)
		}
	})
}
