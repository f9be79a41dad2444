package posts_test

import (
	"context"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// setup returns a service over a fresh database holding one item of the
// Harbor City Ledger, and a context in which an editor acts.
func setup(t *testing.T) (*posts.Service, *store.DB, *newsdesk.Item, context.Context) {
	t.Helper()
	db := storetest.SQLite(t)
	ctx := t.Context()
	src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: "https://ledger.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	it := &newsdesk.Item{GUID: "7", URL: "https://ledger.example/stories/7", Title: "Bridge closes", Summary: "The bridge closes for a year."}
	if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{it}); err != nil {
		t.Fatal(err)
	}
	items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
	if err != nil || len(items) != 1 {
		t.Fatalf("items %v, %v", items, err)
	}
	editor := &newsdesk.User{Email: "editor@example.org", Role: newsdesk.RoleEditor, PasswordHash: "x"}
	if err := db.CreateUser(ctx, editor); err != nil {
		t.Fatal(err)
	}
	return posts.New(posts.Config{Posts: db, Items: db}), db, items[0], newsdesk.WithUser(ctx, editor)
}

// A post credits its item's outlet and original article as stored, and
// keeps that credit through every edit.
func TestCredit(t *testing.T) {
	s, db, it, ctx := setup(t)
	c, err := s.Compose(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Headline != "Bridge closes" || c.Summary != "The bridge closes for a year." || c.Status != newsdesk.PostDraft ||
		c.SourceName != "Harbor City Ledger" || c.OriginalURL != it.URL || c.ID != 0 {
		t.Errorf("composed %+v, want the item's title, summary and credit, unsaved", c)
	}

	p, err := s.Create(ctx, posts.Draft{ItemID: it.ID, Headline: "  Ferries step in  ", Summary: "\nFerries run instead.\n", Tags: []string{"Transport", "transport", "Harbor City"}})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.FindPostByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.SourceName != "Harbor City Ledger" || stored.OriginalURL != it.URL || stored.ItemID == nil || *stored.ItemID != it.ID {
		t.Errorf("credit %q %q item %v, want the item's", stored.SourceName, stored.OriginalURL, stored.ItemID)
	}
	if stored.Headline != "Ferries step in" || stored.Summary != "Ferries run instead." || stored.Status != newsdesk.PostDraft || stored.PublishedAt != nil {
		t.Errorf("stored %q %q %s %v, want trimmed, an unpublished draft", stored.Headline, stored.Summary, stored.Status, stored.PublishedAt)
	}
	if stored.AuthorID != newsdesk.UserFrom(ctx).ID {
		t.Errorf("author %d, want the acting editor %d", stored.AuthorID, newsdesk.UserFrom(ctx).ID)
	}
	if got := newsdesk.JoinTags(stored.Tags); got != "Harbor City, Transport" {
		t.Errorf("tags %q", got)
	}

	published := newsdesk.PostPublished
	headline := "Ferries step in for a year"
	p, err = s.Update(ctx, p.ID, posts.Changes{Headline: &headline, Status: &published})
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "ferries-step-in" || p.SourceName != "Harbor City Ledger" || p.OriginalURL != it.URL ||
		p.Summary != "Ferries run instead." || p.PublishedAt == nil || len(p.Tags) != 2 {
		t.Errorf("after publishing: %+v; the slug, credit, summary and tags stay, the publication is stamped", p)
	}
}

func TestProblems(t *testing.T) {
	s, _, it, ctx := setup(t)
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		draft   posts.Draft
		code    string
		message string
	}{
		{"nobody acting", context.Background(), posts.Draft{ItemID: it.ID, Headline: "H", Summary: "S"}, newsdesk.EUNAUTHORIZED, "Sign in to write posts."},
		{"missing item", ctx, posts.Draft{ItemID: 999, Headline: "H", Summary: "S"}, newsdesk.ENOTFOUND, "Item 999 not found."},
		{"blank headline", ctx, posts.Draft{ItemID: it.ID, Headline: "   ", Summary: "S"}, newsdesk.EINVALID, "A post needs a headline."},
		{"unknown status", ctx, posts.Draft{ItemID: it.ID, Headline: "H", Summary: "S", Status: "live"}, newsdesk.EINVALID, `Unknown post status "live".`},
		{"tag without a letter", ctx, posts.Draft{ItemID: it.ID, Headline: "H", Summary: "S", Tags: []string{"!!!"}}, newsdesk.EINVALID, `The tag "!!!" needs at least one letter or digit.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Create(tc.ctx, tc.draft)
			if newsdesk.ErrorCode(err) != tc.code || newsdesk.ErrorMessage(err) != tc.message {
				t.Errorf("Create: %v (code %q), want %s %q", err, newsdesk.ErrorCode(err), tc.code, tc.message)
			}
		})
	}
	p, err := s.Create(ctx, posts.Draft{ItemID: it.ID, Headline: "H", Summary: "S"})
	if err != nil {
		t.Fatal(err)
	}
	headline := "Another"
	if _, err := s.Update(context.Background(), p.ID, posts.Changes{Headline: &headline}); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
		t.Errorf("Update with nobody acting: %v, want EUNAUTHORIZED", err)
	}
	if _, err := s.Update(ctx, 999, posts.Changes{Headline: &headline}); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("Update of a missing post: %v, want ENOTFOUND", err)
	}
}

// The public sees published posts only; staff see drafts too.
func TestVisibility(t *testing.T) {
	s, _, it, ctx := setup(t)
	draft, err := s.Create(ctx, posts.Draft{ItemID: it.ID, Headline: "Draft", Summary: "S"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := s.Create(ctx, posts.Draft{ItemID: it.ID, Headline: "Live", Summary: "S", Status: newsdesk.PostPublished})
	if err != nil {
		t.Fatal(err)
	}
	public := context.Background()
	if _, err := s.Find(public, draft.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("the public finds a draft by ID: %v", err)
	}
	if _, err := s.FindBySlug(public, draft.Slug); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("the public finds a draft by slug: %v", err)
	}
	if p, err := s.Find(public, live.ID); err != nil || p.ID != live.ID {
		t.Errorf("the public does not find a published post: %v", err)
	}
	if p, err := s.FindBySlug(ctx, draft.Slug); err != nil || p.ID != draft.ID {
		t.Errorf("staff do not find a draft: %v", err)
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		f    newsdesk.PostFilter
		want int
	}{
		{"public", public, newsdesk.PostFilter{}, 1},
		{"public asking for drafts", public, newsdesk.PostFilter{Status: newsdesk.PostDraft}, 1},
		{"staff", ctx, newsdesk.PostFilter{}, 2},
		{"staff asking for drafts", ctx, newsdesk.PostFilter{Status: newsdesk.PostDraft}, 1},
	} {
		list, err := s.List(tc.ctx, tc.f)
		if err != nil || len(list) != tc.want {
			t.Errorf("%s: %d posts, %v; want %d", tc.name, len(list), err, tc.want)
		}
		for _, p := range list {
			if tc.ctx == public && p.Status != newsdesk.PostPublished {
				t.Errorf("%s: lists draft %q", tc.name, p.Headline)
			}
		}
	}
}
