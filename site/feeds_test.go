package site_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsdesk/newsdesk"
)

// TestFeeds reads the site's feeds back with gofeed, the parser newsdesk
// reads other outlets' feeds with, as a feed reader would.
func TestFeeds(t *testing.T) {
	srv, db := serve(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tagPost(t, db, "Older harbour story", "Old news from the harbour & the bay.\n\nA second <paragraph>.", "Harbour", at)
	tagPost(t, db, "Newer harbour story", "New news from the harbour.", "Harbour, Weather", at.Add(time.Hour))
	tagPost(t, db, "School story", "Control \x01 characters are not XML.", "Schools", at.Add(2*time.Hour))
	draft := &newsdesk.Post{Headline: "Secret draft", Summary: "Unpublished.", Status: newsdesk.PostDraft, SourceName: "x", OriginalURL: "https://x.example/"}
	if err := db.CreatePost(context.Background(), draft); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		path, title string
		entries     []string
	}{
		{"/feed.xml", "The Harbour Digest", []string{"School story", "Newer harbour story", "Older harbour story"}},
		{"/tag/harbour/feed.xml", "The Harbour Digest: Harbour", []string{"Newer harbour story", "Older harbour story"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, body := get(t, srv, tc.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			// Well-formed XML, all the way through.
			dec := xml.NewDecoder(strings.NewReader(body))
			for {
				if _, err := dec.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("not well-formed XML: %v", err)
					}
					break
				}
			}
			feed, err := gofeed.NewParser().ParseString(body)
			if err != nil {
				t.Fatal(err)
			}
			if feed.FeedType != "atom" || feed.Title != tc.title {
				t.Errorf("feed %s %q, want atom %q", feed.FeedType, feed.Title, tc.title)
			}
			if feed.FeedLink != publicURL+tc.path {
				t.Errorf("self link %q", feed.FeedLink)
			}
			var titles []string
			for _, it := range feed.Items {
				titles = append(titles, it.Title)
				if !strings.HasPrefix(it.Link, publicURL+"/posts/") || it.GUID != it.Link || it.PublishedParsed == nil || it.UpdatedParsed == nil {
					t.Errorf("entry %q: link %q, id %q, published %v", it.Title, it.Link, it.GUID, it.PublishedParsed)
				}
				if !strings.Contains(it.Content, "Read the full story at <a href=") {
					t.Errorf("entry %q lacks the credit: %q", it.Title, it.Content)
				}
			}
			if strings.Join(titles, "|") != strings.Join(tc.entries, "|") {
				t.Fatalf("entries %v, want %v", titles, tc.entries)
			}
			older := feed.Items[len(feed.Items)-1]
			if !strings.Contains(older.Content, "<p>Old news from the harbour &amp; the bay.</p>") ||
				!strings.Contains(older.Content, "<p>A second &lt;paragraph&gt;.</p>") {
				t.Errorf("content not escaped HTML paragraphs: %q", older.Content)
			}
			if !older.PublishedParsed.Equal(at) || len(older.Categories) != 1 || older.Categories[0] != "Harbour" {
				t.Errorf("older entry published %v, categories %v", older.PublishedParsed, older.Categories)
			}
		})
	}

	// The home and post pages point feed readers at the site's feed.
	_, body := get(t, srv, "/")
	if !strings.Contains(body, `<link rel="alternate" type="application/atom+xml" title="The Harbour Digest" href="/feed.xml">`) {
		t.Error("home page lacks feed autodiscovery")
	}
}

func TestEmptyFeed(t *testing.T) {
	srv, _ := serve(t)
	res, body := get(t, srv, "/feed.xml")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	feed, err := gofeed.NewParser().ParseString(body)
	if err != nil || len(feed.Items) != 0 || feed.Updated == "" {
		t.Fatalf("empty feed: %v, %+v", err, feed)
	}
}

func TestSitemap(t *testing.T) {
	srv, db := serve(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := tagPost(t, db, "Harbour story", "News.", "", at)
	publish(t, db, "Secret draft", "Draft.", time.Time{}, newsdesk.PostDraft)
	res, body := get(t, srv, "/sitemap.xml")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	var set struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.URLs) != 2 || set.URLs[0].Loc != publicURL+"/" || set.URLs[1].Loc != publicURL+"/posts/"+p.Slug || set.URLs[1].LastMod == "" {
		t.Fatalf("sitemap %+v", set.URLs)
	}
}

// A tag feed's title names its tag, however many tag feeds were asked
// for before it.
func TestTagFeedTitleStaysItsOwn(t *testing.T) {
	srv, db := serve(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tagPost(t, db, "Harbour story", "News.", "Harbour", at)
	tagPost(t, db, "School story", "News.", "Schools", at)
	for _, tc := range []struct{ path, title string }{
		{"/tag/harbour/feed.xml", "The Harbour Digest: Harbour"},
		{"/tag/schools/feed.xml", "The Harbour Digest: Schools"},
		{"/tag/harbour/feed.xml", "The Harbour Digest: Harbour"},
		{"/feed.xml", "The Harbour Digest"},
	} {
		_, body := get(t, srv, tc.path)
		feed, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatal(err)
		}
		if feed.Title != tc.title {
			t.Errorf("%s: title %q, want %q", tc.path, feed.Title, tc.title)
		}
	}
}

// Feeds and the sitemap link to the configured address whatever the
// request says it was sent to, so that a shared cache may keep them:
// they say for how long, and answer a reader's conditional request with
// 304 Not Modified.
func TestFeedsAndSitemapIgnoreTheRequestsHost(t *testing.T) {
	srv, db := serve(t)
	tagPost(t, db, "Harbour story", "News.", "Harbour", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	for _, path := range []string{"/feed.xml", "/tag/harbour/feed.xml", "/sitemap.xml"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("Forwarded", "host=evil.example;proto=https")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || strings.Contains(string(body), "evil.example") || !strings.Contains(string(body), publicURL+"/") {
				t.Fatalf("status %d, body:\n%s", res.StatusCode, body)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
				t.Errorf("Cache-Control %q", cc)
			}
			etag := res.Header.Get("ETag")
			req, _ = http.NewRequest("GET", srv.URL+path, nil)
			req.Header.Set("If-None-Match", etag)
			res, err = srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if etag == "" || res.StatusCode != http.StatusNotModified {
				t.Errorf("ETag %q; asked again with it: status %d, want 304", etag, res.StatusCode)
			}
		})
	}
}
