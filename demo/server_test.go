package demo

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// testNow is the clock the server tests start from: whole minutes, so the
// dates in the feeds are exactly testNow minus each article's age.
var testNow = time.Date(2031, 5, 14, 9, 30, 0, 0, time.UTC)

func startTest(t *testing.T) *Server {
	t.Helper()
	s, err := start("127.0.0.1:0", testNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func testOutlets(t *testing.T) map[string]*outlet {
	t.Helper()
	list, err := loadOutlets()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*outlet{}
	for _, o := range list {
		out[o.Name] = o
	}
	return out
}

// get fetches url and fails the test unless the answer has the status
// and, for 200, the Content-Type given.
func get(t *testing.T, url string, status int, contentType string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", url, resp.StatusCode, status)
	}
	if status == http.StatusOK && resp.Header.Get("Content-Type") != contentType {
		t.Fatalf("GET %s: Content-Type %q, want %q", url, resp.Header.Get("Content-Type"), contentType)
	}
	return resp, body
}

func TestFeedsParse(t *testing.T) {
	srv := startTest(t)
	outlets := testOutlets(t)
	tests := []struct {
		outlet      string
		contentType string
		feedType    string
		version     string
		fullText    bool // the feed carries each article's text
		enclosures  bool
	}{
		{"Harbor City Ledger", "application/rss+xml; charset=utf-8", "rss", "2.0", true, false},
		{"Tamsin Valley Courier", "application/atom+xml; charset=utf-8", "atom", "1.0", true, false},
		{"Northern Wire Service", "application/feed+json; charset=utf-8", "json", "https://jsonfeed.org/version/1.1", true, false},
		{"The Civic Review", "application/rss+xml; charset=utf-8", "rss", "2.0", false, true},
	}
	if got := len(srv.Outlets()); got != len(tests) {
		t.Fatalf("%d outlets, want %d", got, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.outlet, func(t *testing.T) {
			o := outlets[tt.outlet]
			if o == nil {
				t.Fatalf("no outlet %q in content", tt.outlet)
			}
			var served *Outlet
			for _, so := range srv.Outlets() {
				if so.Name == tt.outlet {
					served = &so
				}
			}
			if served == nil || !strings.HasPrefix(served.FeedURL, srv.URL+"/") || !strings.HasPrefix(served.SiteURL, srv.URL+"/") {
				t.Fatalf("Outlets() = %+v, want absolute URLs on %s", served, srv.URL)
			}
			_, body := get(t, served.FeedURL, 200, tt.contentType)
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("parse feed: %v", err)
			}
			if feed.FeedType != tt.feedType || feed.FeedVersion != tt.version {
				t.Errorf("feed is %s %s, want %s %s", feed.FeedType, feed.FeedVersion, tt.feedType, tt.version)
			}
			if feed.Title != o.Name || feed.Link != served.SiteURL {
				t.Errorf("feed title %q link %q, want %q %q", feed.Title, feed.Link, o.Name, served.SiteURL)
			}
			if n := len(feed.Items); n != len(o.Articles) || n < 8 || n > 12 {
				t.Fatalf("%d items, want %d (8 to 12)", n, len(o.Articles))
			}
			_, front := get(t, served.SiteURL, 200, "text/html; charset=utf-8")
			var prev time.Time
			for i, it := range feed.Items {
				a := articleByGUID(o, it.GUID)
				if a == nil {
					t.Fatalf("item %d: unknown GUID %q", i, it.GUID)
				}
				wantDate := testNow.Add(-a.Age)
				switch {
				case it.Title != a.Title:
					t.Errorf("%s: title %q, want %q", a.Slug, it.Title, a.Title)
				case it.Link != srv.URL+articlePath(o, a):
					t.Errorf("%s: link %q, want %q", a.Slug, it.Link, srv.URL+articlePath(o, a))
				case it.PublishedParsed == nil || !it.PublishedParsed.Equal(wantDate):
					t.Errorf("%s: published %v, want %v", a.Slug, it.PublishedParsed, wantDate)
				case len(it.Authors) == 0 || it.Authors[0].Name != a.Author:
					t.Errorf("%s: authors %+v, want %q", a.Slug, it.Authors, a.Author)
				case it.Description != a.Summary:
					t.Errorf("%s: description %q, want %q", a.Slug, it.Description, a.Summary)
				}
				if i > 0 && it.PublishedParsed.After(prev) {
					t.Errorf("%s: items are not newest first", a.Slug)
				}
				prev = wantDate
				if tt.fullText != (it.Content != "") {
					t.Errorf("%s: content %.40q, want full text %v", a.Slug, it.Content, tt.fullText)
				}
				if tt.fullText {
					if got := paragraphs(t, it.Content, ""); !equalStrings(got, a.Body) {
						t.Errorf("%s: feed content paragraphs\n%q\nwant\n%q", a.Slug, got, a.Body)
					}
				}
				if tt.enclosures {
					if len(it.Enclosures) != 1 || it.Enclosures[0].Type != "image/png" {
						t.Fatalf("%s: enclosures %+v, want one image/png", a.Slug, it.Enclosures)
					}
					_, img := get(t, it.Enclosures[0].URL, 200, "image/png")
					if fmt.Sprint(len(img)) != it.Enclosures[0].Length {
						t.Errorf("%s: enclosure length %s, image has %d bytes", a.Slug, it.Enclosures[0].Length, len(img))
					}
				}
				// The article page carries the full text inside <article>,
				// among boilerplate that extraction must leave out.
				_, page := get(t, it.Link, 200, "text/html; charset=utf-8")
				if got := paragraphs(t, string(page), "article-body"); !equalStrings(got, a.Body) {
					t.Errorf("%s: page paragraphs\n%q\nwant\n%q", a.Slug, got, a.Body)
				}
				for _, boiler := range []string{"<header class=\"masthead\">", "<footer", "<nav", "More from " + o.Name} {
					if !strings.Contains(string(page), boiler) {
						t.Errorf("%s: page lacks boilerplate %q", a.Slug, boiler)
					}
				}
				if !bytes.Contains(front, []byte(`href="`+it.Link+`"`)) {
					t.Errorf("%s: the outlet's front page does not link to it", a.Slug)
				}
			}
		})
	}
}

func articleByGUID(o *outlet, guid string) *article {
	for _, a := range o.Articles {
		if o.guid(a) == guid {
			return a
		}
	}
	return nil
}

// paragraphs returns the text of the <p> elements in doc; with class set,
// only those inside the element with that class.
func paragraphs(t *testing.T, doc, class string) []string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node, inside bool)
	walk = func(n *html.Node, inside bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "class" && a.Val == class {
					inside = true
				}
			}
			if n.Data == "p" && inside {
				out = append(out, text(n))
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inside)
		}
	}
	walk(root, class == "")
	return out
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

func TestConditionalGet(t *testing.T) {
	srv := startTest(t)
	tests := []struct {
		path        string
		contentType string
	}{
		{"/ledger/feed.xml", "application/rss+xml; charset=utf-8"},
		{"/courier/atom.xml", "application/atom+xml; charset=utf-8"},
		{"/wire/feed.json", "application/feed+json; charset=utf-8"},
		{"/civic/rss.xml", "application/rss+xml; charset=utf-8"},
		{"/ledger/articles/strand-bridge-reopens", "text/html; charset=utf-8"},
		{"/civic/images/strand-bridge-cost.png", "image/png"},
		{"/courier/", "text/html; charset=utf-8"},
		{"/", "text/html; charset=utf-8"},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			url := srv.URL + tt.path
			resp, body := get(t, url, 200, tt.contentType)
			etag := resp.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag %q, want a strong entity tag", etag)
			}
			if other, ok := etags[etag]; ok {
				t.Errorf("ETag %s also names %s", etag, other)
			}
			etags[etag] = tt.path

			resp, body304 := get(t, url, http.StatusNotModified, "", "If-None-Match", etag)
			if len(body304) != 0 || resp.Header.Get("ETag") != etag {
				t.Errorf("304 with %d bytes of body and ETag %q", len(body304), resp.Header.Get("ETag"))
			}
			get(t, url, http.StatusNotModified, "", "If-None-Match", `"nope", W/`+etag)
			_, again := get(t, url, 200, tt.contentType, "If-None-Match", `"something-else"`)
			if !bytes.Equal(again, body) {
				t.Error("a changed ETag got a different body")
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	srv := startTest(t)
	get(t, srv.URL+"/ledger/articles/no-such-story", http.StatusNotFound, "")
	resp, err := http.Post(srv.URL+"/ledger/feed.xml", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(srv.URL + "/"); err == nil {
		t.Error("the server still answers after Close")
	}
}

// TestConcurrentRequests asks for everything from many goroutines at once;
// run with -race it shows the server shares nothing mutable.
func TestConcurrentRequests(t *testing.T) {
	srv := startTest(t)
	var paths []string
	for p := range srv.files {
		paths = append(paths, p)
	}
	want := map[string][32]byte{}
	for p, f := range srv.files {
		want[p] = sha256.Sum256(f.body)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range paths {
				p := paths[(i+g*7)%len(paths)]
				resp, err := http.Get(srv.URL + p)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || sha256.Sum256(body) != want[p] {
					errs <- fmt.Errorf("GET %s: %d, %v, body changed: %v", p, resp.StatusCode, err, sha256.Sum256(body) != want[p])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDatesFollowStart(t *testing.T) {
	// Two runs a day apart show the same items a day later: the demo is
	// always fresh.
	a, err := start("127.0.0.1:0", testNow)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := start("127.0.0.1:0", testNow.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	parse := func(s *Server) *gofeed.Feed {
		_, body := get(t, s.URL+"/wire/feed.json", 200, "application/feed+json; charset=utf-8")
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	fa, fb := parse(a), parse(b)
	for i := range fa.Items {
		if fa.Items[i].GUID != fb.Items[i].GUID {
			t.Fatalf("item %d: GUID %q then %q: GUIDs must not depend on the server", i, fa.Items[i].GUID, fb.Items[i].GUID)
		}
		if d := fb.Items[i].PublishedParsed.Sub(*fa.Items[i].PublishedParsed); d != 24*time.Hour {
			t.Errorf("item %d moved by %v, want 24h", i, d)
		}
	}
}
