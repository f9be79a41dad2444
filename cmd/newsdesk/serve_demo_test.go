package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// demoOutlets is the line serve prints with the demo outlets' address.
var demoOutlets = regexp.MustCompile(`demo outlets on (http://127\.0\.0\.1:(\d+))/`)

// outletsURL waits for serve's log to name the demo outlets' address.
func outletsURL(t *testing.T, log *lockedBuffer) (base, port string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := demoOutlets.FindStringSubmatch(log.String()); m != nil {
			return m[1], m[2]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve --demo does not say where the demo outlets are; it printed:\n%s", log.String())
		}
	}
}

// `serve --demo --addr 127.0.0.1:18080` starts: the demo's outlets, which
// always listened on that port, take a free one and say which.
func TestServeDemoOnTheOutletsFormerPort(t *testing.T) {
	const addr = "127.0.0.1:18080"
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("%s is taken by another program, so the test cannot ask serve to listen there: %v", addr, err)
	}
	ln.Close()
	var log lockedBuffer
	base := serveLogging(t, &log, "--database", filepath.Join(t.TempDir(), "newsdesk.db"), "--demo", "--extract=false", "--addr", addr)
	if base != "http://"+addr {
		t.Fatalf("serve listens on %s, want %s", base, addr)
	}
	outlets, port := outletsURL(t, &log)
	if port == "18080" {
		t.Fatalf("the demo outlets say they are on %s, serve's own port", outlets)
	}
	if status, _ := get(t, http.DefaultClient, outlets+"/"); status != http.StatusOK {
		t.Errorf("demo outlets at %s: %d", outlets, status)
	}
	assertDemoLinksAnswer(t, base)
}

// A second `serve --demo` on the same database gets its outlets a new
// port, and every link stored the first time (sources, items, the seed
// posts' credit lines) now leads to the new port and answers, even though
// another program took the old one.
func TestServeDemoRestartKeepsItsLinks(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "newsdesk.db")
	var first string
	t.Run("first start", func(t *testing.T) {
		var log lockedBuffer
		base := serveLogging(t, &log, "--database", dsn, "--demo")
		first, _ = outletsURL(t, &log)
		assertDemoLinksAnswer(t, base)
	})
	if t.Failed() {
		return
	}
	// Another program takes the outlets' former port and answers 404 to
	// everything, as a link to it would find.
	u, _ := url.Parse(first)
	if ln, err := net.Listen("tcp", u.Host); err == nil {
		squatter := httptest.NewUnstartedServer(http.NotFoundHandler())
		squatter.Listener.Close()
		squatter.Listener = ln
		squatter.Start()
		defer squatter.Close()
	}
	t.Run("second start", func(t *testing.T) {
		var log lockedBuffer
		base := serveLogging(t, &log, "--database", dsn, "--demo")
		second, _ := outletsURL(t, &log)
		if second == first {
			t.Fatalf("the outlets are on %s again", first)
		}
		assertDemoLinksAnswer(t, base)
	})
}

// assertDemoLinksAnswer checks that every source, item and post of the
// demo links to the outlets where they are now, which answer 200.
func assertDemoLinksAnswer(t *testing.T, base string) {
	t.Helper()
	var links []string
	var sources struct {
		Sources []struct {
			FeedURL string `json:"feed_url"`
			SiteURL string `json:"site_url"`
		}
	}
	var items struct{ Items []struct{ URL string } }
	var posts struct {
		Posts []struct {
			OriginalURL string `json:"original_url"`
		}
	}
	for path, v := range map[string]any{"/api/sources": &sources, "/api/items?limit=500": &items, "/api/posts?limit=100": &posts} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.SetBasicAuth(demoEmail, demoPassword)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(v)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
		}
	}
	for _, s := range sources.Sources {
		links = append(links, s.FeedURL, s.SiteURL)
	}
	for _, it := range items.Items {
		links = append(links, it.URL)
	}
	for _, p := range posts.Posts {
		links = append(links, p.OriginalURL)
	}
	if len(sources.Sources) < 4 || len(items.Items) < 20 || len(posts.Posts) < 10 {
		t.Fatalf("%d sources, %d items, %d posts: the demo did not load", len(sources.Sources), len(items.Items), len(posts.Posts))
	}
	c := &http.Client{Timeout: 5 * time.Second}
	var dead []string
	for _, l := range links {
		res, err := c.Get(l)
		if err != nil {
			dead = append(dead, l+": "+err.Error())
			continue
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			dead = append(dead, l+": "+res.Status)
		}
	}
	if len(dead) > 0 {
		t.Errorf("%d of %d demo links do not answer, such as:\n%s", len(dead), len(links), strings.Join(dead[:min(5, len(dead))], "\n"))
	}
}
