package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/related/postindex"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// serveRelated starts the site with a related-articles index kept current
// in the background, as `newsdesk serve` runs it.
func serveRelated(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := storetest.SQLite(t)
	idx := postindex.New(postindex.Config{Posts: db, Interval: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { idx.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: "The Harbour Digest", Related: idx}))
	t.Cleanup(srv.Close)
	return srv, db
}

// tagPost stores a published post with tags.
func tagPost(t *testing.T, db *store.DB, headline, summary, tags string, at time.Time) *newsdesk.Post {
	t.Helper()
	tt, err := newsdesk.ParseTags(tags)
	if err != nil {
		t.Fatal(err)
	}
	p := &newsdesk.Post{Headline: headline, Summary: summary, Status: newsdesk.PostPublished, Tags: tt, PublishedAt: &at,
		SourceName: "The Eastmere Courier", OriginalURL: "https://courier.example/" + newsdesk.Slugify(headline)}
	if err := db.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

var relatedTitle = regexp.MustCompile(`<h3><a href="/posts/([^"]+)">`)

// relatedSlugs returns the slugs listed under Related Articles on a page.
func relatedSlugs(body string) []string {
	i := strings.Index(body, `<section class="related"`)
	if i < 0 {
		return nil
	}
	var out []string
	for _, m := range relatedTitle.FindAllStringSubmatch(body[i:], -1) {
		out = append(out, m[1])
	}
	return out
}

// eventually fetches path until its related list satisfies ok, for up to
// five seconds; the index follows the database a moment behind.
func eventually(t *testing.T, srv *httptest.Server, path string, ok func([]string) bool) (string, []string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, body := get(t, srv, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		got := relatedSlugs(body)
		if ok(got) {
			return body, got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: related articles %v", path, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRelatedArticles(t *testing.T) {
	srv, db := serveRelated(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ferry := tagPost(t, db, "Harbour ferry sails again after pier repairs",
		"The harbour ferry carried passengers across the bay again after two weeks of repairs to the storm-damaged pier.\n\nThe operator added extra sailings for the weekend.",
		"Transport, Harbour", at)
	evening := tagPost(t, db, "Ferry operator adds evening sailings across the bay",
		"Passengers asked for later crossings, and the ferry operator now runs evening sailings from the pier across the bay to the harbour, starting next week with three extra boats on weekdays and two at weekends.",
		"Transport", at.Add(time.Hour))
	video := tagPost(t, db, "Watch the new ferry arrive in the bay",
		"https://youtu.be/dQw4w9WgXcQ The new harbour ferry arrived in the bay on Monday, and passengers lined the pier to watch the operator's largest boat dock for the first time.",
		"Harbour", at.Add(2*time.Hour))
	school := tagPost(t, db, "School budget cut leaves music lessons in doubt",
		"The school board's budget cut means music lessons may go, parents were told at a crowded meeting.", "Schools", at.Add(3*time.Hour))

	body, got := eventually(t, srv, "/posts/"+ferry.Slug, func(s []string) bool { return len(s) >= 2 })
	if got[0] != evening.Slug && got[0] != video.Slug || slices.Index(got, school.Slug) == 0 {
		t.Fatalf("related to the ferry story: %v; want the other ferry stories first", got)
	}
	for _, want := range []string{
		`<h2 id="related-heading" class="section-title">Related Articles</h2>`,
		// About thirty words, cut at a word boundary, ended with "...".
		`<p>Passengers asked for later crossings, and the ferry operator now runs evening sailings from the pier across the bay to the harbour, starting next week with three extra boats on...</p>`,
		// The bare YouTube link is whole, and a link.
		`<a href="https://youtu.be/dQw4w9WgXcQ" rel="nofollow noopener">https://youtu.be/dQw4w9WgXcQ</a> The new harbour ferry arrived`,
		// The post's own tags link to their pages.
		`<a rel="tag" href="/tag/harbour">Harbour</a>`,
		`<a rel="tag" href="/tag/transport">Transport</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("post page lacks %s", want)
		}
	}
	if strings.Index(body, "Related Articles") < strings.Index(body, "Read the full story at") {
		t.Error("Related Articles come before the credit line")
	}

	// A new post on the subject joins the list; a draft never does.
	draft := &newsdesk.Post{Headline: "Ferry timetable (draft)", Summary: "Draft notes on the harbour ferry sailings across the bay from the pier.",
		Status: newsdesk.PostDraft, SourceName: "The Eastmere Courier", OriginalURL: "https://courier.example/draft"}
	if err := db.CreatePost(ctx, draft); err != nil {
		t.Fatal(err)
	}
	fares := tagPost(t, db, "Ferry fares across the bay to rise",
		"The ferry operator will raise fares for harbour crossings across the bay, blaming the cost of the pier repairs and the evening sailings.", "Transport", at.Add(4*time.Hour))
	_, got = eventually(t, srv, "/posts/"+ferry.Slug, func(s []string) bool { return slices.Contains(s, fares.Slug) })
	if slices.Contains(got, draft.Slug) {
		t.Fatalf("a draft is listed: %v", got)
	}

	// Unpublishing a post takes it off every list at once: the page checks
	// what the index names against the database.
	evening.Status = newsdesk.PostDraft
	if err := db.UpdatePost(ctx, evening); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*newsdesk.Post{ferry, video, fares, school} {
		_, body := get(t, srv, "/posts/"+p.Slug)
		if slices.Contains(relatedSlugs(body), evening.Slug) {
			t.Fatalf("unpublished post still related to %s", p.Slug)
		}
	}
	// Publishing it again brings it back.
	evening.Status = newsdesk.PostPublished
	if err := db.UpdatePost(ctx, evening); err != nil {
		t.Fatal(err)
	}
	eventually(t, srv, "/posts/"+ferry.Slug, func(s []string) bool { return slices.Contains(s, evening.Slug) })

	// A post with nothing related shows no empty section.
	lone := tagPost(t, db, "Chess club wins regional title", "Knights and bishops: the chess club took the regional title.", "", at.Add(5*time.Hour))
	if _, body := get(t, srv, "/posts/"+lone.Slug); strings.Contains(body, "Related Articles") && len(relatedSlugs(body)) == 0 {
		t.Error("an empty Related Articles section")
	}
}

func TestTagPage(t *testing.T) {
	srv, db := serve(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tagPost(t, db, "Older harbour story", "Old news from the harbour.", "Harbour", at)
	tagPost(t, db, "Newer harbour story", "New news from the harbour.", "Harbour, Weather", at.Add(time.Hour))
	tagPost(t, db, "School story", "Not about the harbour.", "Schools", at.Add(2*time.Hour))
	draft := &newsdesk.Post{Headline: "Draft harbour story", Summary: "Unpublished.", Status: newsdesk.PostDraft,
		Tags: []newsdesk.Tag{{Slug: "harbour", Name: "Harbour"}}, SourceName: "x", OriginalURL: "https://x.example/"}
	if err := db.CreatePost(context.Background(), draft); err != nil {
		t.Fatal(err)
	}

	res, body := get(t, srv, "/tag/harbour")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<title>Harbour – The Harbour Digest</title>`,
		`<link rel="alternate" type="application/atom+xml" title="The Harbour Digest: Harbour" href="/tag/harbour/feed.xml">`,
		`<link rel="alternate" type="application/atom+xml" title="The Harbour Digest" href="/feed.xml">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("tag page lacks %s", want)
		}
	}
	older, newer := strings.Index(body, "Older harbour story"), strings.Index(body, "Newer harbour story")
	if older < 0 || newer < 0 || newer > older {
		t.Error("tag page does not list its posts newest first")
	}
	if strings.Contains(body, "School story") || strings.Contains(body, "Draft harbour story") {
		t.Error("tag page lists a post without the tag, or a draft")
	}
	for _, path := range []string{"/tag/no-such-tag", "/tag/Harbour", "/tag/harbour?page=2", "/tag/no-such-tag/feed.xml"} {
		if res, _ := get(t, srv, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}
