package site_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/store/storetest"
)

func TestSearchPage(t *testing.T) {
	db := storetest.SQLite(t)
	srv := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Search: db, Title: "The Harbour Digest"}))
	t.Cleanup(srv.Close)
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	publish(t, db, "Ferry service resumes after storm", "The harbour ferry sailed again & <passengers> cheered.", at, newsdesk.PostPublished)
	publish(t, db, "Secret ferry draft", "Not for readers: the ferry budget.", at, newsdesk.PostDraft)
	for i := range 12 {
		publish(t, db, fmt.Sprintf("Tide table %d", i), "High water at noon.", at.Add(time.Duration(i)*time.Hour), newsdesk.PostPublished)
	}

	search := func(q string, page int) (*http.Response, string) {
		path := "/search?q=" + url.QueryEscape(q)
		if page > 1 {
			path += fmt.Sprintf("&page=%d", page)
		}
		return get(t, srv, path)
	}

	res, body := search("ferry", 1)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<a href="/posts/ferry-service-resumes-after-storm">Ferry service resumes after storm</a>`,
		`<mark>ferry</mark> sailed again &amp; &lt;passengers&gt; cheered`,
		`value="ferry"`,
		`Read the full story at <a href="https://courier.example/stories/ferry-service-resumes-after-storm"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %s", want)
		}
	}
	if strings.Contains(body, "Secret") || strings.Contains(body, "budget") {
		t.Error("a draft appears in public search results")
	}

	// Ten results a page, then the rest.
	_, body = search("tide", 1)
	if n := strings.Count(body, `<article class="teaser">`); n != 10 || !strings.Contains(body, `href="/search?page=2&amp;q=tide"`) {
		t.Errorf("page 1: %d results, link to page 2: %v", n, strings.Contains(body, "page=2"))
	}
	_, body = search("tide", 2)
	if n := strings.Count(body, `<article class="teaser">`); n != 2 || !strings.Contains(body, `href="/search?q=tide"`) || strings.Contains(body, "page=3") {
		t.Errorf("page 2: %d results, want 2 and a link back only", n)
	}

	// Hostile or empty queries never fail the page.
	for _, q := range []string{"", "the", `"`, strings.Repeat("x ", 600), "a\x00b", `<script>alert(1)</script>`, "'; DROP TABLE posts; --"} {
		res, body := search(q, 1)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
			t.Errorf("search %.20q: status %d", q, res.StatusCode)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("search %.20q: the query is echoed unescaped", q)
		}
	}
	res, body = search("the of", 1)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="search-problem"`) {
		t.Errorf("stop words only: status %d, want 400 with the reason", res.StatusCode)
	}
	// A query that shows nothing is no query: the search page, not a
	// complaint about it.
	for _, q := range []string{"", "\u200B", "\u3000\u00A0\uFEFF"} {
		if res, body := search(q, 1); res.StatusCode != http.StatusOK || strings.Contains(body, `class="search-problem"`) {
			t.Errorf("search %+q: status %d, want the plain search page", q, res.StatusCode)
		}
	}
	if res, _ := search("tide", 500); res.StatusCode != http.StatusNotFound {
		t.Errorf("a page past the limit: status %d, want 404", res.StatusCode)
	}

	// Every page has the search box.
	if _, body := get(t, srv, "/"); !strings.Contains(body, `action="/search"`) {
		t.Error("the home page has no search box")
	}
}
