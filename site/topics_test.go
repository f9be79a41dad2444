package site_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Each feed names the WebSub hubs the site is given, and itself as the
// topic, where a subscriber looks (ingest.DiscoverHub, newsdesk's own
// subscriber, reads them) and in a Link header; without hubs it names
// none.
func TestFeedsNameTheirHub(t *testing.T) {
	db := storetest.SQLite(t)
	hubs := []string{publicURL + "/hub", "https://pubsubhubbub.example/"}
	withHub := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: "The Harbour Digest", BaseURL: publicURL, Hubs: hubs}))
	defer withHub.Close()
	without := httptest.NewServer(site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: "The Harbour Digest", BaseURL: publicURL}))
	defer without.Close()
	tagPost(t, db, "Ferry timetable", "The ferry runs again.", "Harbour", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))

	for _, path := range []string{"/feed.xml", "/tag/harbour/feed.xml"} {
		res, body := get(t, withHub, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		base, _ := url.Parse(withHub.URL + path)
		hub, topic := ingest.DiscoverHub([]byte(body), base)
		if hub != hubs[0] || topic != publicURL+path {
			t.Errorf("%s names hub %q and topic %q, want %q and %q", path, hub, topic, hubs[0], publicURL+path)
		}
		want := `<` + hubs[0] + `>; rel="hub", <` + hubs[1] + `>; rel="hub", <` + publicURL + path + `>; rel="self"`
		if got := res.Header.Get("Link"); got != want {
			t.Errorf("%s Link header:\n%s\nwant\n%s", path, got, want)
		}

		res, body = get(t, without, path)
		if hub, _ := ingest.DiscoverHub([]byte(body), base); hub != "" || res.Header.Get("Link") != "" {
			t.Errorf("%s names a hub (%q, Link %q) though the site has none", path, hub, res.Header.Get("Link"))
		}
	}
}

func TestFeedPaths(t *testing.T) {
	p := &newsdesk.Post{Tags: []newsdesk.Tag{{Slug: "harbour", Name: "Harbour"}, {Slug: "schools", Name: "Schools"}}}
	got := site.FeedPaths(p)
	want := []string{"/feed.xml", "/tag/harbour/feed.xml", "/tag/schools/feed.xml"}
	if !slices.Equal(got, want) {
		t.Errorf("FeedPaths = %q, want %q", got, want)
	}
}
