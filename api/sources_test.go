package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

// sourceJSON is a source as the API answers it.
type sourceJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	FeedURL      string     `json:"feed_url"`
	Status       string     `json:"status"`
	LastError    string     `json:"last_error"`
	ErrorCount   int        `json:"error_count"`
	LastPolledAt *time.Time `json:"last_polled_at"`
	NextPollAt   time.Time  `json:"next_poll_at"`
}

func TestAddSource(t *testing.T) {
	const feed = "https://ledger.example/feed.xml"
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"malformed", newsdesk.Errorf(newsdesk.EINVALID, "Not a web address."), 400, newsdesk.EINVALID},
		{"unreachable", newsdesk.Errorf(newsdesk.EUNAVAILABLE, "ledger.example could not be reached."), 502, newsdesk.EUNAVAILABLE},
		{"not a feed", newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "That is a web page, not a feed."), 422, newsdesk.EUNPROCESSABLE},
		{"huge", newsdesk.Errorf(newsdesk.ETOOLARGE, "The feed is over 10 MB."), 413, newsdesk.ETOOLARGE},
		{"followed", newsdesk.Errorf(newsdesk.ECONFLICT, "Already followed."), 409, newsdesk.ECONFLICT},
		{"internal", fmt.Errorf("disk on fire at /var/lib"), 500, newsdesk.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.feeds.errs[feed] = tt.err
			e.do(t, call{method: "POST", path: "/api/sources", auth: true, body: `{"url": "` + feed + `"}`}).
				wantError(t, tt.status, tt.code, newsdesk.ErrorMessage(tt.err))
		})
	}

	e := newEnv(t)
	for _, blank := range []string{`" "`, `"\u200b"`, `"\ufeff\u00a0"`} {
		e.do(t, call{method: "POST", path: "/api/sources", auth: true, body: `{"url": ` + blank + `}`}).
			wantError(t, 400, newsdesk.EINVALID, "url is required: the address of the feed to follow.")
	}
	e.do(t, call{method: "POST", path: "/api/sources", auth: true, body: `{"feed": "x"}`}).
		wantError(t, 400, newsdesk.EINVALID, `Unknown field "feed" in the request body; the fields are "url".`)

	r := e.do(t, call{method: "POST", path: "/api/sources", auth: true, body: `{"url": "` + feed + `"}`})
	var got sourceJSON
	r.decode(t, &got)
	if r.status != http.StatusCreated || got.Name != "Harbor City Ledger" || got.FeedURL != feed || got.Status != "ok" {
		t.Fatalf("status %d, %+v", r.status, got)
	}
	r = e.do(t, call{method: "GET", path: r.header.Get("Location"), auth: true})
	var again sourceJSON
	r.decode(t, &again)
	if r.status != 200 || again.ID != got.ID {
		t.Errorf("Location does not lead to the source: %d %+v", r.status, again)
	}
}

func TestListAndPollSources(t *testing.T) {
	e := newEnv(t)
	ok := e.source(t, "Civic Gazette")
	bad := e.source(t, "Eastmere Wire")
	e.feeds.errs[bad.FeedURL] = newsdesk.Errorf(newsdesk.EUNAVAILABLE, "wire.example answered 503.")

	r := e.do(t, call{method: "POST", path: fmt.Sprintf("/api/sources/%d/poll", ok.ID), auth: true})
	var polled struct {
		NewItems int        `json:"new_items"`
		Source   sourceJSON `json:"source"`
	}
	r.decode(t, &polled)
	if r.status != 200 || polled.NewItems != 3 || polled.Source.Status != "ok" || polled.Source.LastPolledAt == nil {
		t.Errorf("poll: status %d, %+v", r.status, polled)
	}
	e.do(t, call{method: "POST", path: fmt.Sprintf("/api/sources/%d/poll", bad.ID), auth: true}).
		wantError(t, 502, newsdesk.EUNAVAILABLE, "wire.example answered 503.")
	e.do(t, call{method: "POST", path: "/api/sources/999/poll", auth: true}).wantError(t, 404, newsdesk.ENOTFOUND, "")

	r = e.do(t, call{method: "GET", path: "/api/sources", auth: true})
	var list struct {
		Sources []sourceJSON `json:"sources"`
	}
	r.decode(t, &list)
	if len(list.Sources) != 2 {
		t.Fatalf("%d sources", len(list.Sources))
	}
	byName := map[string]sourceJSON{}
	for _, s := range list.Sources {
		byName[s.Name] = s
	}
	if s := byName["Eastmere Wire"]; s.Status != "error" || s.LastError != "wire.example answered 503." || s.ErrorCount != 1 {
		t.Errorf("failing source %+v", s)
	}
	if s := byName["Civic Gazette"]; s.Status != "ok" || s.LastError != "" {
		t.Errorf("healthy source %+v", s)
	}
}

func TestListItems(t *testing.T) {
	e := newEnv(t)
	var a, b []*newsdesk.Item
	for i := range 3 {
		a = append(a, testItem("a", i))
		b = append(b, testItem("b", 10+i))
	}
	srcA := e.source(t, "Civic Gazette", a...) // items 1-3
	e.source(t, "Eastmere Wire", b...)         // items 4-6

	type itemJSON struct {
		ID         int64  `json:"id"`
		SourceID   int64  `json:"source_id"`
		SourceName string `json:"source_name"`
		URL        string `json:"url"`
		Title      string `json:"title"`
	}
	tests := []struct {
		name, query string
		ids         string
		nextBefore  int64
	}{
		{"all", "", "[6 5 4 3 2 1]", 0},
		{"page", "?limit=4", "[6 5 4 3]", 3},
		{"next page", "?limit=4&before=3", "[2 1]", 0},
		{"one source", fmt.Sprintf("?source=%d", srcA.ID), "[3 2 1]", 0},
		{"one source, paged", fmt.Sprintf("?source=%d&limit=2", srcA.ID), "[3 2]", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, call{method: "GET", path: "/api/items" + tt.query, auth: true})
			var out struct {
				Items      []itemJSON `json:"items"`
				NextBefore int64      `json:"next_before"`
			}
			r.decode(t, &out)
			var ids []int64
			for _, it := range out.Items {
				ids = append(ids, it.ID)
			}
			if fmt.Sprint(ids) != tt.ids || out.NextBefore != tt.nextBefore {
				t.Errorf("items %v next %d, want %s next %d", ids, out.NextBefore, tt.ids, tt.nextBefore)
			}
		})
	}
	r := e.do(t, call{method: "GET", path: "/api/items?limit=1", auth: true})
	var out struct{ Items []itemJSON }
	r.decode(t, &out)
	if it := out.Items[0]; it.SourceName != "Eastmere Wire" || it.URL != "https://news.example/12" || it.Title != "Story 12" {
		t.Errorf("item fields %+v", it)
	}
	for _, bad := range []string{"?limit=0", "?limit=501", "?before=x", "?source=-2"} {
		e.do(t, call{method: "GET", path: "/api/items" + bad, auth: true}).wantError(t, 400, newsdesk.EINVALID, "")
	}
}
