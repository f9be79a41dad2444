package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

// postJSON is a post as the API answers it, read back field by field so
// that a renamed field fails the test.
type postJSON struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Path        string     `json:"path"`
	Headline    string     `json:"headline"`
	Summary     string     `json:"summary"`
	Status      string     `json:"status"`
	SourceName  string     `json:"source_name"`
	OriginalURL string     `json:"original_url"`
	ItemID      *int64     `json:"item_id"`
	PublishedAt *time.Time `json:"published_at"`
}

func TestListPosts(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 5; i++ {
		e.post(t, fmt.Sprintf("Story %d", i), newsdesk.PostPublished, base.Add(time.Duration(i)*time.Hour))
	}
	e.post(t, "Secret draft", newsdesk.PostDraft, time.Time{})

	tests := []struct {
		name       string
		query      string
		auth       bool
		headlines  string
		nextOffset *int
	}{
		{"default", "", false, "Story 5,Story 4,Story 3,Story 2,Story 1", nil},
		{"first page", "?limit=2", false, "Story 5,Story 4", ptr(2)},
		{"second page", "?limit=2&offset=2", false, "Story 3,Story 2", ptr(4)},
		{"last page", "?limit=2&offset=4", false, "Story 1", nil},
		{"past the end", "?offset=10", false, "", nil},
		{"signed in sees no drafts here either", "", true, "Story 5,Story 4,Story 3,Story 2,Story 1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, call{method: "GET", path: "/api/posts" + tt.query, auth: tt.auth})
			var out struct {
				Posts      []postJSON `json:"posts"`
				NextOffset *int       `json:"next_offset"`
			}
			r.decode(t, &out)
			if r.status != 200 || out.Posts == nil {
				t.Fatalf("status %d, posts %v\n%s", r.status, out.Posts, r.body)
			}
			var got []string
			for _, p := range out.Posts {
				got = append(got, p.Headline)
			}
			if strings.Join(got, ",") != tt.headlines {
				t.Errorf("posts %q, want %q", strings.Join(got, ","), tt.headlines)
			}
			if fmt.Sprint(deref(out.NextOffset)) != fmt.Sprint(deref(tt.nextOffset)) {
				t.Errorf("next_offset %v, want %v", deref(out.NextOffset), deref(tt.nextOffset))
			}
		})
	}

	r := e.do(t, call{method: "GET", path: "/api/posts?limit=1"})
	var out struct{ Posts []postJSON }
	r.decode(t, &out)
	p := out.Posts[0]
	if p.Slug != "story-5" || p.Path != "/posts/story-5" || p.Status != "published" || p.SourceName != "Civic Gazette" ||
		p.OriginalURL != "https://civic.example/story-5" || p.PublishedAt == nil || !p.PublishedAt.Equal(base.Add(5*time.Hour)) {
		t.Errorf("post fields: %+v", p)
	}
	for _, bad := range []string{"?limit=0", "?limit=101", "?limit=ten", "?offset=-1"} {
		e.do(t, call{method: "GET", path: "/api/posts" + bad}).wantError(t, 400, newsdesk.EINVALID, "")
	}
}

func TestGetPost(t *testing.T) {
	e := newEnv(t)
	pub := e.post(t, "Out now", newsdesk.PostPublished, testNow)
	draft := e.post(t, "Not yet", newsdesk.PostDraft, time.Time{})
	path := func(p *newsdesk.Post) string { return fmt.Sprintf("/api/posts/%d", p.ID) }

	var got postJSON
	r := e.do(t, call{method: "GET", path: path(pub)})
	r.decode(t, &got)
	if r.status != 200 || got.Headline != "Out now" {
		t.Errorf("published post: status %d, %+v", r.status, got)
	}
	// A draft is as missing as a post that does not exist.
	e.do(t, call{method: "GET", path: path(draft)}).wantError(t, 404, newsdesk.ENOTFOUND, fmt.Sprintf("Post %d not found.", draft.ID))
	e.do(t, call{method: "GET", path: "/api/posts/999"}).wantError(t, 404, newsdesk.ENOTFOUND, "Post 999 not found.")
	e.do(t, call{method: "GET", path: "/api/posts/abc"}).wantError(t, 404, newsdesk.ENOTFOUND, "")

	r = e.do(t, call{method: "GET", path: path(draft), auth: true})
	r.decode(t, &got)
	if r.status != 200 || got.Status != "draft" {
		t.Errorf("draft for staff: status %d, %+v", r.status, got)
	}
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("a draft shown to staff may be cached: Cache-Control %q", cc)
	}
	e.do(t, call{method: "GET", path: path(pub), header: basic(editorEmail, "wrong password!")}).
		wantError(t, 401, newsdesk.EUNAUTHORIZED, "Wrong e-mail or password.")
}

func TestCreatePost(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 7))

	r := e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: jsonBody(t, map[string]any{
		"item_id": 1, "headline": " Bridge closes ", "summary": "Para one.\n\nPara two.", "status": "published",
	})})
	var got postJSON
	r.decode(t, &got)
	if r.status != http.StatusCreated || r.header.Get("Location") != fmt.Sprintf("/api/posts/%d", got.ID) {
		t.Fatalf("status %d, Location %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if got.Headline != "Bridge closes" || got.Status != "published" || got.SourceName != "Harbor City Ledger" ||
		got.OriginalURL != "https://news.example/7" || got.ItemID == nil || *got.ItemID != 1 || got.Path != "/posts/bridge-closes" {
		t.Errorf("answer %+v", got)
	}
	stored, err := e.db.FindPostByID(t.Context(), got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.AuthorID != e.editor.ID || stored.Status != newsdesk.PostPublished || stored.OriginalURL != "https://news.example/7" {
		t.Errorf("stored %+v", stored)
	}

	r = e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: `{"item_id": 1, "headline": "Draft", "summary": "S."}`})
	r.decode(t, &got)
	if r.status != http.StatusCreated || got.Status != "draft" {
		t.Errorf("no status: %d %q, want a draft", r.status, got.Status)
	}

	tests := []struct {
		name, body string
		message    string
	}{
		{"no item", `{"headline": "H", "summary": "S"}`, "item_id is required: the ID of the item the post credits."},
		{"missing item", `{"item_id": 99, "headline": "H", "summary": "S"}`, "item_id 99 names no item."},
		{"no headline", `{"item_id": 1, "summary": "S"}`, "A post needs a headline."},
		{"no summary", `{"item_id": 1, "headline": "H"}`, "A post needs a summary."},
		{"zero-width headline", `{"item_id": 1, "headline": "\u200b", "summary": "S"}`,
			"A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"invisible headline", `{"item_id": 1, "headline": "\u2066\u200d\ufeff\u00ad\u3000", "summary": "S"}`,
			"A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"zero-width summary", `{"item_id": 1, "headline": "H", "summary": "\u200b\u200b"}`,
			"A post needs a summary: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"unknown status", `{"item_id": 1, "headline": "H", "summary": "S", "status": "live"}`, `Unknown post status "live".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: tt.body}).wantError(t, 400, newsdesk.EINVALID, tt.message)
		})
	}
}

func TestRequestBodies(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 7))
	tests := []struct {
		name, body string
		status     int
		code       string
		message    string
	}{
		{"unknown field", `{"item_id": 1, "headline": "H", "summary": "S", "source_name": "Me"}`, 400, newsdesk.EINVALID,
			`Unknown field "source_name" in the request body; the fields are "item_id", "headline", "summary", "status", "tags".`},
		{"wrong type", `{"item_id": "one"}`, 400, newsdesk.EINVALID, `The field "item_id" must be a whole number.`},
		{"not an object", `[1, 2]`, 400, newsdesk.EINVALID, "The request body must be a JSON object."},
		{"not JSON", `item_id=1`, 400, newsdesk.EINVALID, "The request body is not valid JSON (at byte 1)."},
		{"cut short", `{"item_id": 1,`, 400, newsdesk.EINVALID, "The request body is not valid JSON: it ends too soon."},
		{"empty", ``, 400, newsdesk.EINVALID, "The request body is empty: send a JSON object."},
		{"two objects", `{"item_id": 1} {"item_id": 2}`, 400, newsdesk.EINVALID, "The request body must hold one JSON object and nothing after it."},
		{"over 1 MiB", `{"item_id": 1, "headline": "H", "summary": "` + strings.Repeat("x", 1<<20) + `"}`, 413, newsdesk.ETOOLARGE,
			"The request body is larger than 1048576 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: tt.body}).wantError(t, tt.status, tt.code, tt.message)
		})
	}
	if posts, _ := e.db.FindPosts(t.Context(), newsdesk.PostFilter{}); len(posts) != 0 {
		t.Errorf("%d posts stored from bad bodies", len(posts))
	}
}

func ptr(n int) *int { return &n }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
