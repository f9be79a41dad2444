package site_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// publicURL is the site's configured address in these tests; the
// servers listen elsewhere, so a link that says it came from the
// configuration, not from the request.
const publicURL = "https://digest.example.org"

// serve starts the site on a real server over a fresh SQLite database.
func serve(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := storetest.SQLite(t)
	srv := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: "The Harbour Digest", BaseURL: publicURL + "/"}))
	t.Cleanup(srv.Close)
	return srv, db
}

// publish stores a post published at the given time.
func publish(t *testing.T, db *store.DB, headline, summary string, at time.Time, status newsdesk.PostStatus) *newsdesk.Post {
	t.Helper()
	p := &newsdesk.Post{
		Headline:    headline,
		Summary:     summary,
		Status:      status,
		SourceName:  "The Eastmere Courier",
		OriginalURL: "https://courier.example/stories/" + newsdesk.Slugify(headline),
	}
	if status == newsdesk.PostPublished {
		p.PublishedAt = &at
	}
	if err := db.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// get fetches a path and returns the response and its body.
func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestPostPage(t *testing.T) {
	srv, db := serve(t)
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	p := publish(t, db, "Ferry service <resumes> after storm",
		"The harbour ferry sailed again on Monday & passengers cheered.\n\nRepairs to the pier took two weeks.\r\n\r\nThe operator thanked volunteers.",
		at, newsdesk.PostPublished)

	res, body := get(t, srv, "/posts/"+p.Slug)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`<html lang="en">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<title>Ferry service &lt;resumes&gt; after storm – The Harbour Digest</title>`,
		`<meta name="description" content="The harbour ferry sailed again on Monday &amp; passengers cheered.">`,
		`<h1>Ferry service &lt;resumes&gt; after storm</h1>`,
		`<time datetime="2026-03-02T09:30:00Z">2 March 2026</time>`,
		`<p>The harbour ferry sailed again on Monday &amp; passengers cheered.</p>`,
		`<p>Repairs to the pier took two weeks.</p>`,
		`<p>The operator thanked volunteers.</p>`,
		`Read the full story at <a href="https://courier.example/stories/ferry-service-resumes-after-storm" rel="noopener">The Eastmere Courier</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("post page lacks %s", want)
		}
	}
	// The credit follows the summary, as on the page newsdesk imitates.
	if strings.Index(body, "Read the full story at") < strings.Index(body, "The operator thanked volunteers.") {
		t.Error("credit line comes before the summary")
	}
}

func TestPostNotFound(t *testing.T) {
	srv, db := serve(t)
	draft := publish(t, db, "Unfinished story", "Not ready.", time.Time{}, newsdesk.PostDraft)

	for _, path := range []string{"/posts/" + draft.Slug, "/posts/no-such-story", "/no/such/page"} {
		t.Run(path, func(t *testing.T) {
			res, body := get(t, srv, path)
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", res.StatusCode)
			}
			if !strings.Contains(body, "<h1>Page not found</h1>") || !strings.Contains(body, `<link rel="stylesheet"`) {
				t.Errorf("not the site's 404 page:\n%s", body)
			}
			if strings.Contains(body, "Unfinished") || strings.Contains(body, "Not ready") {
				t.Error("404 page shows the draft")
			}
		})
	}
}

func TestHome(t *testing.T) {
	srv, db := serve(t)
	base := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	publish(t, db, "Older story", "First paragraph of the older story.\n\nSecond paragraph.", base, newsdesk.PostPublished)
	publish(t, db, "Newer story", "First paragraph of the newer story.\n\nNot on the home page.", base.Add(24*time.Hour), newsdesk.PostPublished)
	publish(t, db, "Secret draft", "Draft text.", time.Time{}, newsdesk.PostDraft)

	res, body := get(t, srv, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<title>The Harbour Digest</title>`,
		`<meta name="description" content="`,
		`<a href="/posts/newer-story">Newer story</a>`,
		`<time datetime="2026-01-11T08:00:00Z">11 January 2026</time>`,
		`<p>First paragraph of the newer story.</p>`,
		`Read the full story at <a href="https://courier.example/stories/newer-story" rel="noopener">The Eastmere Courier</a>`,
		`<a href="/posts/older-story">Older story</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if strings.Contains(body, "Not on the home page") {
		t.Error("home page shows more than the first paragraph")
	}
	if strings.Contains(body, "Secret draft") {
		t.Error("home page shows a draft")
	}
	if strings.Index(body, "Newer story") > strings.Index(body, "Older story") {
		t.Error("posts are not newest first")
	}
	if strings.Contains(body, "Older stories") || strings.Contains(body, "Newer stories") {
		t.Error("one page of posts has paging links")
	}
}

func TestHomePaging(t *testing.T) {
	srv, db := serve(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 45; i++ {
		publish(t, db, fmt.Sprintf("Story number %d", i), "Text.", base.Add(time.Duration(i)*time.Hour), newsdesk.PostPublished)
	}
	headline := regexp.MustCompile(`>Story number (\d+)</a>`)
	tests := []struct {
		name         string
		path         string
		status       int
		first, last  string // the first and last story numbers listed
		count        int
		newer, older string // the paging links, "" for none
	}{
		{"first page", "/", 200, "45", "26", 20, "", "/?page=2"},
		{"middle page", "/?page=2", 200, "25", "6", 20, "/", "/?page=3"},
		{"last page", "/?page=3", 200, "5", "1", 5, "/?page=2", ""},
		{"past the end", "/?page=4", 404, "", "", 0, "", ""},
		{"not a number", "/?page=two", 404, "", "", 0, "", ""},
		{"zero", "/?page=0", 404, "", "", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, srv, tt.path)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			found := headline.FindAllStringSubmatch(body, -1)
			if len(found) != tt.count {
				t.Fatalf("%d posts listed, want %d", len(found), tt.count)
			}
			if tt.count > 0 && (found[0][1] != tt.first || found[len(found)-1][1] != tt.last) {
				t.Errorf("listed %s..%s, want %s..%s", found[0][1], found[len(found)-1][1], tt.first, tt.last)
			}
			checkLink(t, body, "prev", tt.newer)
			checkLink(t, body, "next", tt.older)
		})
	}
}

func checkLink(t *testing.T, body, rel, want string) {
	t.Helper()
	m := regexp.MustCompile(`<a rel="` + rel + `" href="([^"]*)"`).FindStringSubmatch(body)
	got := ""
	if m != nil {
		got = m[1]
	}
	if got != want {
		t.Errorf("rel=%s link %q, want %q", rel, got, want)
	}
}

func TestStylesheet(t *testing.T) {
	srv, _ := serve(t)
	_, body := get(t, srv, "/")
	m := regexp.MustCompile(`<link rel="stylesheet" href="(/static/([0-9a-f]+)/site\.css)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link on the home page")
	}
	res, css := get(t, srv, m[1])
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stylesheet status %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control %q", got)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(css, ".credit") {
		t.Error("stylesheet is not the site's")
	}
	// A URL with another hash must not be cached forever with today's file.
	if res, _ := get(t, srv, "/static/000000000000/site.css"); res.StatusCode != http.StatusNotFound {
		t.Errorf("stale hash: status %d, want 404", res.StatusCode)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv, _ := serve(t)
	res, err := srv.Client().Post(srv.URL+"/posts/anything", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(res.Header.Get("Allow"), "GET") {
		t.Errorf("status %d, Allow %q; want 405 allowing GET", res.StatusCode, res.Header.Get("Allow"))
	}
}

// failingPosts fails every read, as a database that went away would.
type failingPosts struct{ newsdesk.PostService }

func (failingPosts) FindPosts(context.Context, newsdesk.PostFilter) ([]*newsdesk.Post, error) {
	return nil, fmt.Errorf("connection refused by 10.0.0.7")
}

func TestInternalErrorHidesDetails(t *testing.T) {
	srv := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: failingPosts{}})}))
	defer srv.Close()
	res, body := get(t, srv, "/")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if strings.Contains(body, "10.0.0.7") {
		t.Error("the error page shows internal details")
	}
	if !strings.Contains(body, "Internal error.") || !strings.Contains(body, "<title>Something went wrong – newsdesk</title>") {
		t.Errorf("error page lacks the user message or the default title:\n%s", body)
	}
}
