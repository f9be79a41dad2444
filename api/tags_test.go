package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

type tagJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Path string `json:"path"`
}

type taggedPostJSON struct {
	ID       int64     `json:"id"`
	Headline string    `json:"headline"`
	Status   string    `json:"status"`
	Tags     []tagJSON `json:"tags"`
}

func TestPostTagsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 7))

	r := e.do(t, call{method: "POST", path: "/api/posts", auth: true, body: jsonBody(t, map[string]any{
		"item_id": 1, "headline": "Bridge closes", "summary": "S.", "status": "published",
		"tags": []string{"Transport", " Harbor  City ", "transport"},
	})})
	var got taggedPostJSON
	r.decode(t, &got)
	if r.status != http.StatusCreated {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	if fmt.Sprint(got.Tags) != "[{harbor-city Harbor City /tag/harbor-city} {transport Transport /tag/transport}]" {
		t.Fatalf("tags %v", got.Tags)
	}

	// Listing by tag; a post without tags shows an empty list, not null.
	e.post(t, "Untagged story", newsdesk.PostPublished, testNow)
	r = e.do(t, call{method: "GET", path: "/api/posts?tag=harbor-city"})
	var list struct{ Posts []taggedPostJSON }
	r.decode(t, &list)
	if len(list.Posts) != 1 || list.Posts[0].ID != got.ID {
		t.Fatalf("posts tagged harbor-city: %+v", list.Posts)
	}
	r = e.do(t, call{method: "GET", path: "/api/posts"})
	if !strings.Contains(string(r.body), `"tags": []`) {
		t.Errorf("an untagged post's tags are not []:\n%s", r.body)
	}
	e.do(t, call{method: "GET", path: "/api/posts?tag=Harbor%20City"}).wantError(t, 400, newsdesk.EINVALID, "")

	// PATCH replaces the tags and leaves the rest alone.
	path := fmt.Sprintf("/api/posts/%d", got.ID)
	r = e.do(t, call{method: "PATCH", path: path, auth: true, body: `{"tags": ["Bridges"]}`})
	r.decode(t, &got)
	if r.status != 200 || len(got.Tags) != 1 || got.Tags[0].Slug != "bridges" || got.Headline != "Bridge closes" || got.Status != "published" {
		t.Fatalf("after PATCH: status %d, %+v", r.status, got)
	}
	r = e.do(t, call{method: "PATCH", path: path, auth: true, body: `{"tags": []}`})
	r.decode(t, &got)
	if len(got.Tags) != 0 {
		t.Fatalf("tags after removing all: %v", got.Tags)
	}
	e.do(t, call{method: "PATCH", path: path, auth: true, body: `{"tags": ["???"]}`}).
		wantError(t, 400, newsdesk.EINVALID, `The tag "???" needs at least one letter or digit.`)
	e.do(t, call{method: "PATCH", path: path, body: `{"tags": ["x"]}`}).wantError(t, 401, newsdesk.EUNAUTHORIZED, "")
	e.do(t, call{method: "PATCH", path: "/api/posts/999", auth: true, body: `{"tags": ["x"]}`}).wantError(t, 404, newsdesk.ENOTFOUND, "")
}
