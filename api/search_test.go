package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/api"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// newSearchEnv is newEnv with search, two items of one source, a
// published post and a draft.
func newSearchEnv(t *testing.T) (*env, int64) {
	t.Helper()
	db := storetest.SQLite(t)
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(api.Config{Sources: db, Items: db, Posts: posts.New(posts.Config{Posts: db, Items: db}), Search: db,
		Staff: staff.New(staff.Config{Users: db, Now: func() time.Time { return testNow }})}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := db.CreateUser(ctx, &newsdesk.User{Email: editorEmail, Role: newsdesk.RoleEditor, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: "https://ledger.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	march := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{
		{GUID: "1", URL: "https://ledger.example/bridge", Title: "Harbor bridge reopens", Summary: "Repairs finished & <traffic> flows.", PublishedAt: &march},
		{GUID: "2", URL: "https://ledger.example/tolls", Title: "Tolls debated", Summary: "The café bridge may get tolls."},
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*newsdesk.Post{
		{Headline: "Harbor bridge open again", Summary: "Repairs on the bridge finished early.", Status: newsdesk.PostPublished,
			SourceName: src.Name, OriginalURL: "https://ledger.example/bridge", Tags: []newsdesk.Tag{{Slug: "transport", Name: "Transport"}}},
		{Headline: "Bridge draft", Summary: "Unfinished words about the bridge.", Status: newsdesk.PostDraft,
			SourceName: src.Name, OriginalURL: "https://ledger.example/tolls"},
	} {
		if err := db.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return &env{db: db, srv: srv}, src.ID
}

type searchAnswer struct {
	Hits []struct {
		Kind, Path, Slug, Status, Title, URL string
		SourceName                           string     `json:"source_name"`
		PublishedAt                          *time.Time `json:"published_at"`
		Snippet                              struct {
			Text    string
			Matches [][2]int
		}
	} `json:"hits"`
	NextOffset *int `json:"next_offset"`
}

func TestSearchAPI(t *testing.T) {
	e, sourceID := newSearchEnv(t)
	search := func(v url.Values, auth bool) (result, searchAnswer) {
		t.Helper()
		r := e.do(t, call{method: http.MethodGet, path: "/api/search?" + v.Encode(), auth: auth})
		var a searchAnswer
		if r.status == http.StatusOK {
			r.decode(t, &a)
		}
		return r, a
	}

	// The public finds published posts only.
	r, a := search(url.Values{"q": {"bridge"}}, false)
	if r.status != http.StatusOK || len(a.Hits) != 1 {
		t.Fatalf("public search: status %d, %d hits, want 1\n%s", r.status, len(a.Hits), r.body)
	}
	h := a.Hits[0]
	if h.Kind != "posts" || h.Path != "/posts/harbor-bridge-open-again" || h.Status != "published" ||
		h.SourceName != "Harbor City Ledger" || h.Snippet.Text != "Repairs on the bridge finished early." ||
		!slices.Equal(h.Snippet.Matches, [][2]int{{15, 21}}) {
		t.Errorf("public hit: %+v", h)
	}
	r, _ = search(url.Values{"q": {"bridge"}, "kind": {"articles"}}, false)
	r.wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")

	// Staff find articles and drafts too, and can filter.
	for _, c := range []struct {
		name string
		v    url.Values
		want int
	}{
		{"all kinds", url.Values{"q": {"bridge"}}, 4},
		{"articles", url.Values{"q": {"bridge"}, "kind": {"articles"}}, 2},
		{"a source", url.Values{"q": {"bridge"}, "kind": {"articles"}, "source": {strconv.FormatInt(sourceID, 10)}}, 2},
		{"another source", url.Values{"q": {"bridge"}, "kind": {"articles"}, "source": {strconv.FormatInt(sourceID+1, 10)}}, 0},
		{"dates, both days included", url.Values{"q": {"bridge"}, "kind": {"articles"}, "from": {"2026-03-10"}, "to": {"2026-03-10"}}, 1},
		{"a tag", url.Values{"q": {"bridge"}, "tag": {"transport"}}, 1},
		{"phrase", url.Values{"q": {`"harbor bridge"`}, "kind": {"articles"}}, 1},
	} {
		r, a := search(c.v, true)
		if r.status != http.StatusOK || len(a.Hits) != c.want {
			t.Errorf("%s: status %d, %d hits, want %d\n%s", c.name, r.status, len(a.Hits), c.want, r.body)
		}
	}
	r, a = search(url.Values{"q": {"traffic"}, "kind": {"articles"}}, true)
	// A snippet is plain text, markup and all, with its matches counted
	// in characters.
	if len(a.Hits) != 1 || a.Hits[0].URL != "https://ledger.example/bridge" ||
		!strings.Contains(compact(t, r.body), `"snippet":{"text":"Repairs finished \u0026 \u003ctraffic\u003e flows.","matches":[[20,27]]}`) {
		t.Errorf("article hit: %s", r.body)
	}
	r, _ = search(url.Values{"q": {"tolls"}, "kind": {"articles"}}, true)
	if !strings.Contains(compact(t, r.body), `"snippet":{"text":"The café bridge may get tolls.","matches":[[24,29]]}`) {
		t.Errorf("article hit, a match after a letter of two bytes: %s", r.body)
	}

	// Paging.
	r, a = search(url.Values{"q": {"bridge"}, "limit": {"3"}}, true)
	if len(a.Hits) != 3 || a.NextOffset == nil || *a.NextOffset != 3 {
		t.Errorf("first page: %s", r.body)
	}
	r, a = search(url.Values{"q": {"bridge"}, "limit": {"3"}, "offset": {"3"}}, true)
	if len(a.Hits) != 1 || a.NextOffset != nil {
		t.Errorf("last page: %s", r.body)
	}

	// Bad input is EINVALID with a message, whatever the query holds.
	for name, v := range map[string]url.Values{
		"no words":   {"q": {`"" --`}},
		"too long":   {"q": {strings.Repeat("x", 10<<10)}},
		"bad date":   {"q": {"bridge"}, "from": {"yesterday"}},
		"bad source": {"q": {"bridge"}, "source": {"-1"}},
		"bad limit":  {"q": {"bridge"}, "limit": {"1000"}},
		"bad kind":   {"q": {"bridge"}, "kind": {"stories"}},
	} {
		r, _ := search(v, true)
		t.Run(name, func(t *testing.T) { r.wantError(t, http.StatusBadRequest, newsdesk.EINVALID, "") })
	}
	for _, q := range []string{"a\x00b", `'; DROP TABLE posts; --`, `NEAR(a b) OR c:*`, `"open`} {
		if r, _ := search(url.Values{"q": {q}}, false); r.status != http.StatusOK && r.status != http.StatusBadRequest {
			t.Errorf("search %q: status %d", q, r.status)
		}
	}
}

// compact is a JSON answer without its indentation.
func compact(t *testing.T, body []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
