package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// searchFixture is a small newsroom to search: two outlets, a few items,
// an extracted article, and posts published and draft.
type searchFixture struct {
	db             *store.DB
	ledger, wire   int64            // source IDs
	items          map[string]int64 // by GUID
	posts          map[string]*newsdesk.Post
	march, october time.Time
}

func newSearchFixture(t *testing.T, db *store.DB) *searchFixture {
	t.Helper()
	ctx := context.Background()
	f := &searchFixture{db: db, items: map[string]int64{}, posts: map[string]*newsdesk.Post{},
		march: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), october: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)}
	for _, s := range []*newsdesk.Source{
		{Name: "Harbor City Ledger", FeedURL: "https://ledger.example/feed"},
		{Name: "Valley Wire", FeedURL: "https://wire.example/feed"},
	} {
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
		if f.ledger == 0 {
			f.ledger = s.ID
		} else {
			f.wire = s.ID
		}
	}
	ledgerItems := []*newsdesk.Item{
		{GUID: "bridge-title", URL: "https://ledger.example/bridge", Title: "Harbor bridge reopens after repairs",
			Summary: "Traffic flows again across the span, city engineers said on Monday.", PublishedAt: &f.march},
		{GUID: "bridge-body", URL: "https://ledger.example/ferries", Title: "Ferry timetable changes",
			Summary: "With the harbor bridge closed, ferries ran every ten minutes. Commuters <b>cheered</b> & waited.", PublishedAt: &f.march},
		{GUID: "scattered", URL: "https://ledger.example/scattered", Title: "Council notes",
			Summary: "The bridge over the canal needs paint; the harbor master retires next year.", PublishedAt: &f.october},
		{GUID: "extracted", URL: "https://ledger.example/library", Title: "Library hours",
			Summary: "A short feed summary about opening hours.", PublishedAt: &f.october},
	}
	wireItems := []*newsdesk.Item{
		{GUID: "wire-bridge", URL: "https://wire.example/bridge", Title: "Valley bridge inspection",
			Summary: "Inspectors found the harbour and river crossings sound.", PublishedAt: &f.october},
	}
	for src, items := range map[int64][]*newsdesk.Item{f.ledger: ledgerItems, f.wire: wireItems} {
		if _, err := db.SaveItems(ctx, src, items); err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range []int64{f.ledger, f.wire} {
		list, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range list {
			f.items[it.GUID] = it.ID
		}
	}
	for _, p := range []*newsdesk.Post{
		{Headline: "Harbor bridge is open again", Summary: "Repairs finished early, the Ledger reports.",
			Status: newsdesk.PostPublished, SourceName: "Harbor City Ledger", OriginalURL: "https://ledger.example/bridge",
			ItemID: ptr(f.items["bridge-title"]), Tags: mustTags(t, "Transport, Harbor City")},
		{Headline: "Draft: bridge tolls secret plan", Summary: "Not ready for readers: tolls on the harbor bridge.",
			Status: newsdesk.PostDraft, SourceName: "Harbor City Ledger", OriginalURL: "https://ledger.example/bridge",
			ItemID: ptr(f.items["bridge-title"])},
		{Headline: "Inspectors check valley crossings", Summary: "The wire says every bridge passed.",
			Status: newsdesk.PostPublished, SourceName: "Valley Wire", OriginalURL: "https://wire.example/bridge",
			ItemID: ptr(f.items["wire-bridge"]), Tags: mustTags(t, "Infrastructure")},
	} {
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		f.posts[p.Slug] = p
	}
	return f
}

func ptr[T any](v T) *T { return &v }

func mustTags(t *testing.T, s string) []newsdesk.Tag {
	t.Helper()
	tags, err := newsdesk.ParseTags(s)
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

// search runs q and returns the hits' keys: article GUIDs or post slugs
// (as "post:slug"), in order.
func (f *searchFixture) search(t *testing.T, q newsdesk.SearchQuery) []string {
	t.Helper()
	res, err := f.db.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return f.keys(res)
}

func (f *searchFixture) keys(res *newsdesk.SearchResults) []string {
	var out []string
	for _, h := range res.Hits {
		if h.Kind == newsdesk.SearchPosts {
			out = append(out, "post:"+h.Slug)
			continue
		}
		for guid, id := range f.items {
			if id == h.ID {
				out = append(out, guid)
			}
		}
	}
	return out
}

func TestSearchQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSearchFixture(t, db)
		articles := newsdesk.SearchArticles
		cases := []struct {
			name string
			q    newsdesk.SearchQuery
			want []string
			// first says the first hit is part of the contract; otherwise
			// only the set is.
			first bool
		}{
			{"title match ranks above body-only match", newsdesk.SearchQuery{Text: "harbor bridge", Kind: articles},
				[]string{"bridge-title", "bridge-body", "scattered"}, true},
			{"phrase needs the words together", newsdesk.SearchQuery{Text: `"harbor bridge"`, Kind: articles},
				[]string{"bridge-title", "bridge-body"}, false},
			{"words need not be together", newsdesk.SearchQuery{Text: "master canal", Kind: articles},
				[]string{"scattered"}, false},
			{"prefix", newsdesk.SearchQuery{Text: "inspect*", Kind: articles}, []string{"wire-bridge"}, false},
			{"stemming", newsdesk.SearchQuery{Text: "ferry", Kind: articles}, []string{"bridge-body"}, false},
			{"case and accents fold", newsdesk.SearchQuery{Text: "HÁRBOR Bridge", Kind: articles},
				[]string{"bridge-title", "bridge-body", "scattered"}, false},
			{"excluded word", newsdesk.SearchQuery{Text: "bridge -ferries", Kind: articles},
				[]string{"bridge-title", "scattered", "wire-bridge"}, false},
			{"excluded phrase", newsdesk.SearchQuery{Text: `bridge -"harbor bridge"`, Kind: articles},
				[]string{"scattered", "wire-bridge"}, false},
			{"source filter", newsdesk.SearchQuery{Text: "bridge", Kind: articles, SourceID: f.wire},
				[]string{"wire-bridge"}, false},
			{"date range", newsdesk.SearchQuery{Text: "bridge", Kind: articles,
				From: ptr(f.march.Add(-time.Hour)), To: ptr(f.march.Add(time.Hour))},
				[]string{"bridge-title", "bridge-body"}, false},
			{"from only", newsdesk.SearchQuery{Text: "bridge", Kind: articles, From: ptr(f.october)},
				[]string{"scattered", "wire-bridge"}, false},
			{"no match", newsdesk.SearchQuery{Text: "volcano"}, nil, false},
			{"posts only, drafts never public", newsdesk.SearchQuery{Text: "bridge", Kind: newsdesk.SearchPosts},
				[]string{"post:harbor-bridge-is-open-again", "post:inspectors-check-valley-crossings"}, false},
			{"drafts on request", newsdesk.SearchQuery{Text: "tolls", Kind: newsdesk.SearchPosts, Drafts: true},
				[]string{"post:draft-bridge-tolls-secret-plan"}, false},
			{"a draft's words find nothing publicly", newsdesk.SearchQuery{Text: "tolls"}, nil, false},
			{"tag filter", newsdesk.SearchQuery{Text: "bridge", Tag: "transport"},
				[]string{"post:harbor-bridge-is-open-again"}, false},
			{"tag names are searched", newsdesk.SearchQuery{Text: "infrastructure", Kind: newsdesk.SearchPosts},
				[]string{"post:inspectors-check-valley-crossings"}, false},
			{"posts filtered by their item's source", newsdesk.SearchQuery{Text: "bridge", Kind: newsdesk.SearchPosts, SourceID: f.wire},
				[]string{"post:inspectors-check-valley-crossings"}, false},
			{"all kinds", newsdesk.SearchQuery{Text: "inspectors"},
				[]string{"post:inspectors-check-valley-crossings", "wire-bridge"}, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := f.search(t, c.q)
				if c.first && (len(got) == 0 || got[0] != c.want[0]) {
					t.Errorf("search %q: got %q, want %q first", c.q.Text, got, c.want[0])
				}
				if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(c.want))) {
					t.Errorf("search %q: got %q, want %q", c.q.Text, got, c.want)
				}
			})
		}
	})
}

func TestSearchHits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSearchFixture(t, db)
		ctx := context.Background()
		res, err := db.Search(ctx, newsdesk.SearchQuery{Text: "commuters", Kind: newsdesk.SearchArticles})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("got %d hits, want 1", len(res.Hits))
		}
		h := res.Hits[0]
		if h.Title != "Ferry timetable changes" || h.URL != "https://ledger.example/ferries" ||
			h.SourceName != "Harbor City Ledger" || h.PublishedAt == nil || !h.PublishedAt.Equal(f.march) {
			t.Errorf("hit: %+v", h)
		}
		// The snippet is the text as it is, markup and all, with the match
		// marked: the page it is shown on escapes it.
		checkSnippet(t, h.Snippet)
		if got := bracketed(h.Snippet); !strings.Contains(got, "[Commuters] <b>cheered</b> & waited") {
			t.Errorf("snippet %q: want the text as it is, the match marked", got)
		}

		res, err = db.Search(ctx, newsdesk.SearchQuery{Text: "repairs finished", Kind: newsdesk.SearchPosts})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("got %d post hits, want 1", len(res.Hits))
		}
		p := res.Hits[0]
		if p.Slug != "harbor-bridge-is-open-again" || p.Title != "Harbor bridge is open again" ||
			p.Status != newsdesk.PostPublished || p.SourceName != "Harbor City Ledger" || p.PublishedAt == nil {
			t.Errorf("post hit: %+v", p)
		}
		checkSnippet(t, p.Snippet)
		if got := bracketed(p.Snippet); !strings.Contains(got, "[Repairs] [finished]") {
			t.Errorf("post snippet %q", got)
		}
	})
}

// bracketed shows a snippet with its matches in brackets.
func bracketed(s newsdesk.Snippet) string {
	var b strings.Builder
	for part, matched := range s.Parts() {
		if matched {
			part = "[" + part + "]"
		}
		b.WriteString(part)
	}
	return b.String()
}

// checkSnippet checks what the store promises of a snippet: valid UTF-8
// with its white space collapsed, and matches in order, not overlapping,
// not empty and within the text, counted in characters.
func checkSnippet(t *testing.T, s newsdesk.Snippet) {
	t.Helper()
	if !utf8.ValidString(s.Text) || strings.Join(strings.Fields(s.Text), " ") != s.Text {
		t.Errorf("snippet text %q: not valid UTF-8 or not collapsed", s.Text)
	}
	n, end := utf8.RuneCountInString(s.Text), 0
	for _, m := range s.Matches {
		if m.Start < end || m.End <= m.Start || m.End > n {
			t.Errorf("snippet %q of %d characters: match %v after %d", s.Text, n, m, end)
		}
		end = m.End
	}
}

func TestSearchPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := &newsdesk.Source{Name: "Pages", FeedURL: "https://pages.example/feed"}
		if err := db.CreateSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		var items []*newsdesk.Item
		for i := range 25 {
			items = append(items, &newsdesk.Item{GUID: fmt.Sprint(i), Title: fmt.Sprintf("Tide report %d", i),
				Summary: "High water at noon."})
		}
		if _, err := db.SaveItems(ctx, src.ID, items); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for page, want := range []struct {
			n    int
			more bool
		}{{10, true}, {10, true}, {5, false}} {
			res, err := db.Search(ctx, newsdesk.SearchQuery{Text: "tide", Limit: 10, Offset: page * 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != want.n || res.More != want.more {
				t.Fatalf("page %d: %d hits, more %v; want %d, %v", page+1, len(res.Hits), res.More, want.n, want.more)
			}
			for _, h := range res.Hits {
				if seen[h.ID] {
					t.Fatalf("page %d repeats item %d", page+1, h.ID)
				}
				seen[h.ID] = true
			}
		}
		if _, err := db.Search(ctx, newsdesk.SearchQuery{Text: "tide", Offset: newsdesk.MaxSearchOffset + 1}); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Errorf("offset past the limit: got %v, want EINVALID", err)
		}
	})
}

// TestSearchIndexFollowsChanges checks that the index follows every write:
// an extracted article replaces the feed summary, a post's edits and tags
// are found at once, and deleting a source removes its items.
func TestSearchIndexFollowsChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSearchFixture(t, db)
		ctx := context.Background()
		articles := newsdesk.SearchArticles
		id := f.items["extracted"]

		if got := f.search(t, newsdesk.SearchQuery{Text: "summary opening", Kind: articles}); !slices.Equal(got, []string{"extracted"}) {
			t.Fatalf("before extraction: got %q", got)
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: id, Title: "Library hours",
			Text: "The reading room now stays open until midnight on weekdays."}); err != nil {
			t.Fatal(err)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "midnight", Kind: articles}); !slices.Equal(got, []string{"extracted"}) {
			t.Errorf("after extraction, the article's text: got %q", got)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "summary opening", Kind: articles}); len(got) != 0 {
			t.Errorf("after extraction, the summary's words: got %q, want none", got)
		}
		// Extracting again replaces the text; a failed try falls back to
		// the summary.
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: id, Text: "Now closed on Sundays."}); err != nil {
			t.Fatal(err)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "midnight", Kind: articles}); len(got) != 0 {
			t.Errorf("after re-extraction, the old text: got %q, want none", got)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "sundays", Kind: articles}); !slices.Equal(got, []string{"extracted"}) {
			t.Errorf("after re-extraction, the new text: got %q", got)
		}
		if err := db.SaveArticle(ctx, &newsdesk.Article{ItemID: id, Error: "The page could not be read."}); err != nil {
			t.Fatal(err)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "summary", Kind: articles}); !slices.Equal(got, []string{"extracted"}) {
			t.Errorf("after a failed extraction, the summary: got %q", got)
		}

		// Editing a post: old words leave the index, new ones and new
		// tags enter it; publishing a draft makes it public.
		p := f.posts["harbor-bridge-is-open-again"]
		p.Headline = "Harbor crossing is open again"
		p.Tags = mustTags(t, "Ports")
		if err := db.UpdatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		posts := newsdesk.SearchPosts
		if got := f.search(t, newsdesk.SearchQuery{Text: "crossing ports", Kind: posts}); !slices.Equal(got, []string{"post:" + p.Slug}) {
			t.Errorf("after editing a post: got %q", got)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "transport", Kind: posts}); len(got) != 0 {
			t.Errorf("a removed tag: got %q, want none", got)
		}
		draft := f.posts["draft-bridge-tolls-secret-plan"]
		draft.Status = newsdesk.PostPublished
		if err := db.UpdatePost(ctx, draft); err != nil {
			t.Fatal(err)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "tolls", Kind: posts}); !slices.Equal(got, []string{"post:" + draft.Slug}) {
			t.Errorf("after publishing the draft: got %q", got)
		}

		// Deleting a source deletes its items and their articles, and
		// they leave the index.
		if err := db.DeleteSource(ctx, f.ledger); err != nil {
			t.Fatal(err)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "bridge", Kind: articles}); !slices.Equal(got, []string{"wire-bridge"}) {
			t.Errorf("after deleting a source: got %q", got)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: "library", Kind: articles}); len(got) != 0 {
			t.Errorf("after deleting a source, its extracted article: got %q", got)
		}
	})
}

// hostileQueries are what a search box receives from people and robots.
var hostileQueries = []string{
	`"unbalanced quote`, `harbor"`, `"""`, `" "`, `-`, `--`, `- -bridge`, `*`, `**bridge`, `bridge**`, `"harbor bridge"*`,
	`bridge AND OR NOT`, `NEAR(harbor bridge)`, `title:bridge`, `{title body}: bridge`, `^bridge`, `bridge + harbor`,
	`(bridge`, `bridge)`, `'; DROP TABLE items; --`, `' OR 1=1 --`, `\' \" \\`, `$1 $$ ?`, `bridge & | ! <-> :*`,
	`bridge:*A`, "bridge\x00harbor", "\x00", "\xff\xfe bridge", "bridge\u0301", "\u0301", "ǅ ǈ", "日本語の橋",
	`%_%`, `bridge%`, "bridge\nharbor\ttide", `<script>alert(1)</script>`, `the`, `the of and`, `-bridge`,
	strings.Repeat("bridge ", newsdesk.MaxSearchTerms+1), strings.Repeat("a", 10<<10), strings.Repeat(`"`, 400),
	strings.Repeat("x", 300), strings.Repeat("é", 200),
}

// TestSearchHostileQueries checks that no query makes search fail with
// anything but EINVALID and its message, or find what it should not.
func TestSearchHostileQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newSearchFixture(t, db)
		for _, text := range hostileQueries {
			for _, kind := range []newsdesk.SearchKind{newsdesk.SearchAll, newsdesk.SearchArticles} {
				res, err := db.Search(context.Background(), newsdesk.SearchQuery{Text: text, Kind: kind})
				if err != nil {
					if newsdesk.ErrorCode(err) != newsdesk.EINVALID || newsdesk.ErrorMessage(err) == "" {
						t.Errorf("search %.40q: %v, want results or EINVALID", text, err)
					}
					continue
				}
				for _, h := range res.Hits {
					if h.Status == newsdesk.PostDraft {
						t.Errorf("search %.40q found a draft", text)
					}
					checkSnippet(t, h.Snippet)
				}
			}
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: `'; DROP TABLE items; --`}); got != nil {
			t.Errorf("quotes and SQL: got %q, want nothing", got)
		}
		if got := f.search(t, newsdesk.SearchQuery{Text: `"harbor bridge`, Kind: newsdesk.SearchArticles}); len(got) != 2 {
			t.Errorf("an open quote runs to the end: got %q", got)
		}
		if n, err := db.CountItems(context.Background(), 0); err != nil || n != 5 {
			t.Errorf("items after hostile searches: %d, %v", n, err)
		}
	})
}

// FuzzSearch sends arbitrary queries to a real SQLite database: each
// must give results or EINVALID, never a database error.
func FuzzSearch(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	f.Add("harbor bridge")
	db := storetest.SQLite(f)
	ctx := context.Background()
	src := &newsdesk.Source{Name: "Fuzz", FeedURL: "https://fuzz.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		f.Fatal(err)
	}
	if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{{GUID: "1", Title: "Harbor bridge", Summary: "Ferries and tides."},
		{GUID: "2", Title: "Tides <i>and</i> ferries", Summary: "Bridge <script>alert('x')</script> & tides\x02 at \x03the café\u200b, ferries\xff."}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := db.Search(ctx, newsdesk.SearchQuery{Text: text})
		if err != nil && newsdesk.ErrorCode(err) != newsdesk.EINVALID {
			t.Fatalf("search %q: %v", text, err)
		}
		if err == nil {
			for _, h := range res.Hits {
				checkSnippet(t, h.Snippet)
			}
		}
	})
}
