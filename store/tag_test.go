package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

func tagged(t *testing.T, s string) []newsdesk.Tag {
	t.Helper()
	tags, err := newsdesk.ParseTags(s)
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

func newPost(headline string, status newsdesk.PostStatus, tags []newsdesk.Tag) *newsdesk.Post {
	return &newsdesk.Post{Headline: headline, Summary: "About " + headline + ".", Status: status,
		SourceName: "Northern Wire", OriginalURL: "https://wire.example/" + newsdesk.Slugify(headline), Tags: tags}
}

func tagString(tags []newsdesk.Tag) string {
	var s string
	for _, t := range tags {
		s += fmt.Sprintf("[%s %s]", t.Slug, t.Name)
	}
	return s
}

func TestPostTags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }

		a := newPost("Storm floods Corran", newsdesk.PostPublished, tagged(t, "Weather, Corran,  Flood Defences "))
		if err := db.CreatePost(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPostByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := tagString(got.Tags); s != "[corran Corran][flood-defences Flood Defences][weather Weather]" {
			t.Fatalf("tags after create: %s", s)
		}
		b := newPost("Ferry back in service", newsdesk.PostPublished, tagged(t, "transport, weather"))
		c := newPost("Draft on the storm", newsdesk.PostDraft, tagged(t, "weather"))
		d := newPost("Bridge reopens", newsdesk.PostPublished, nil)
		for _, p := range []*newsdesk.Post{b, c, d} {
			if err := db.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}

		// A tag page lists the tag's published posts, newest first.
		list, err := db.FindPosts(ctx, newsdesk.PostFilter{Status: newsdesk.PostPublished, Tag: "weather"})
		if err != nil {
			t.Fatal(err)
		}
		if ids(list) != fmt.Sprint([]int64{b.ID, a.ID}) {
			t.Fatalf("weather posts %s, want [%d %d]", ids(list), b.ID, a.ID)
		}
		if s := tagString(list[0].Tags); s != "[transport transport][weather weather]" {
			t.Fatalf("listed post's tags: %s", s)
		}
		if all, _ := db.FindPosts(ctx, newsdesk.PostFilter{Tag: "weather"}); len(all) != 3 {
			t.Fatalf("weather posts of any status: %d, want 3", len(all))
		}
		if none, _ := db.FindPosts(ctx, newsdesk.PostFilter{Tag: "no-such-tag"}); len(none) != 0 {
			t.Fatalf("posts of a missing tag: %d", len(none))
		}

		// By ID: only those asked for.
		byID, err := db.FindPosts(ctx, newsdesk.PostFilter{IDs: []int64{d.ID, a.ID, 999}, Status: newsdesk.PostPublished})
		if err != nil || ids(byID) != fmt.Sprint([]int64{d.ID, a.ID}) {
			t.Fatalf("by ID: %s %v", ids(byID), err)
		}
		// By ID with a tag, drafts after published posts, and a page of it.
		mixed, err := db.FindPosts(ctx, newsdesk.PostFilter{IDs: []int64{c.ID, a.ID, b.ID, d.ID}, Tag: "weather"})
		if err != nil || ids(mixed) != fmt.Sprint([]int64{b.ID, a.ID, c.ID}) {
			t.Fatalf("by ID with a tag: %s %v, want [%d %d %d]", ids(mixed), err, b.ID, a.ID, c.ID)
		}
		if page, _ := db.FindPosts(ctx, newsdesk.PostFilter{IDs: []int64{c.ID, a.ID, b.ID, d.ID}, Limit: 2, Offset: 1}); ids(page) != fmt.Sprint([]int64{b.ID, a.ID}) {
			t.Fatalf("a page by ID: %s", ids(page))
		}
		if empty, err := db.FindPosts(ctx, newsdesk.PostFilter{IDs: []int64{}}); err != nil || len(empty) != 0 {
			t.Fatalf("empty ID list found %d posts, %v", len(empty), err)
		}

		// Editing replaces the tags; removing them all leaves none.
		a.Tags = tagged(t, "Corran, storms")
		if err := db.UpdatePost(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindPostBySlug(ctx, a.Slug)
		if s := tagString(got.Tags); s != "[corran Corran][storms storms]" {
			t.Fatalf("tags after update: %s", s)
		}
		if list, _ := db.FindPosts(ctx, newsdesk.PostFilter{Tag: "weather", Status: newsdesk.PostPublished}); ids(list) != fmt.Sprint([]int64{b.ID}) {
			t.Fatalf("weather posts after the edit: %s", ids(list))
		}
		a.Tags = nil
		if err := db.UpdatePost(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.FindPostByID(ctx, a.ID); len(got.Tags) != 0 {
			t.Fatalf("tags after removing all: %s", tagString(got.Tags))
		}

		// Invalid tags are refused before anything is stored.
		bad := newPost("Bad tags", newsdesk.PostPublished, []newsdesk.Tag{{Slug: "", Name: "!!!"}})
		if err := db.CreatePost(ctx, bad); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("create with a tag without letters: %v", err)
		}
		if n, _ := db.CountPublishedPosts(ctx); n != 3 {
			t.Fatalf("published posts: %d, want 3", n)
		}
	})
}

func TestPostSlugsStayUniqueWithTags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var slugs []string
		for range 3 {
			p := newPost("Rain", newsdesk.PostPublished, tagged(t, "weather"))
			if err := db.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, p.Slug)
		}
		if fmt.Sprint(slugs) != "[rain rain-2 rain-3]" {
			t.Fatalf("slugs %v", slugs)
		}
		list, _ := db.FindPosts(ctx, newsdesk.PostFilter{Tag: "weather"})
		if len(list) != 3 {
			t.Fatalf("%d posts tagged, want 3", len(list))
		}
	})
}

func TestPostChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }

		// Two posts in the same instant: the ID orders them.
		a := newPost("First", newsdesk.PostPublished, tagged(t, "one"))
		b := newPost("Second", newsdesk.PostDraft, nil)
		db.CreatePost(ctx, a)
		db.CreatePost(ctx, b)
		clock = clock.Add(time.Second)
		c := newPost("Third", newsdesk.PostPublished, nil)
		db.CreatePost(ctx, c)

		all, err := db.PostChanges(ctx, time.Time{}, 0, 10)
		if err != nil || ids(all) != fmt.Sprint([]int64{a.ID, b.ID, c.ID}) {
			t.Fatalf("all changes: %s %v", ids(all), err)
		}
		if tagString(all[0].Tags) != "[one one]" {
			t.Fatalf("changes lack tags: %s", tagString(all[0].Tags))
		}
		// Paging on from the last one seen, one at a time.
		var seen []*newsdesk.Post
		var since time.Time
		var after int64
		for {
			page, err := db.PostChanges(ctx, since, after, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen = append(seen, page...)
			since, after = page[0].UpdatedAt, page[0].ID
		}
		if ids(seen) != ids(all) {
			t.Fatalf("paged changes %s, want %s", ids(seen), ids(all))
		}

		// Unpublishing a post is a change, and it moves to the end.
		clock = clock.Add(time.Second)
		a.Status = newsdesk.PostDraft
		if err := db.UpdatePost(ctx, a); err != nil {
			t.Fatal(err)
		}
		later, _ := db.PostChanges(ctx, since, after, 10)
		if ids(later) != fmt.Sprint([]int64{a.ID}) || later[0].Status != newsdesk.PostDraft {
			t.Fatalf("changes after unpublishing: %s", ids(later))
		}
		pub, err := db.PublishedPostIDs(ctx)
		if err != nil || fmt.Sprint(pub) != fmt.Sprint([]int64{c.ID}) {
			t.Fatalf("published IDs %v %v", pub, err)
		}
	})
}

func TestParseTags(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"", "", ""},
		{" , ,", "", ""},
		{"Climate Change, climate-change, CLIMATE change", "[climate-change Climate Change]", ""},
		{"Café society,  Harbor   City ", "[cafe-society Café society][harbor-city Harbor City]", ""},
		{"Harbor\x00 City\x07, \xff", "[harbor-city Harbor City]", ""},
		{"ok, !!!", "", newsdesk.EINVALID},
		{"a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u", "", newsdesk.EINVALID},
		{"x123456789x123456789x123456789x123456789x123456789x", "", newsdesk.EINVALID},
	} {
		t.Run(tc.in, func(t *testing.T) {
			tags, err := newsdesk.ParseTags(tc.in)
			if newsdesk.ErrorCode(err) != tc.err {
				t.Fatalf("error %v, want code %q", err, tc.err)
			}
			if s := tagString(tags); s != tc.want {
				t.Fatalf("tags %s, want %s", s, tc.want)
			}
		})
	}
}
