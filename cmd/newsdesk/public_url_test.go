package main

import (
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/extract"
)

// hostile sends every request as a client that lies about the site's
// address would: a Host header and every forwarding header proxies use,
// all naming another site.
type hostile struct{ next http.RoundTripper }

const evilHost = "evil.example"

func (h hostile) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = evilHost
	r.Header.Set("X-Forwarded-Host", evilHost)
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Server", evilHost)
	r.Header.Set("X-Forwarded-Port", "443")
	r.Header.Set("X-Host", evilHost)
	r.Header.Set("Forwarded", "for=203.0.113.7;host="+evilHost+";proto=https")
	return h.next.RoundTrip(r)
}

// The site's address is the configured one, never the request's: a
// crawl of every page, feed, sitemap, desk page and API answer reachable
// from the home page, the desk and the API, each requested with a Host
// and forwarding headers naming evil.example, finds that name nowhere,
// in bodies or headers. Feeds and the sitemap say --public-url, or
// http://localhost:<port> when it is not set, which serve warns about.
func TestServeLinksNeverNameTheRequestsHost(t *testing.T) {
	for _, tc := range []struct {
		name      string
		publicURL string // "" for none
	}{
		{"default", ""},
		{"public-url", "https://news.example.org/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--database", filepath.Join(t.TempDir(), "newsdesk.db"), "--demo", "--extract=false"}
			if tc.publicURL != "" {
				args = append(args, "--public-url", tc.publicURL)
			}
			var log lockedBuffer
			base := serveLogging(t, &log, args...)
			u, _ := url.Parse(base)
			want := "https://news.example.org"
			warning := "public URL not set; absolute links will say http://localhost:" + u.Port() + "; set --public-url"
			if tc.publicURL == "" {
				want = "http://localhost:" + u.Port()
				if !strings.Contains(log.String(), warning) {
					t.Errorf("serve did not warn %q; its log:\n%s", warning, log.String())
				}
			} else if strings.Contains(log.String(), "public URL not set") {
				t.Errorf("serve warns although --public-url is set:\n%s", log.String())
			}

			jar, _ := cookiejar.New(nil)
			c := &http.Client{
				Jar: jar, Timeout: 10 * time.Second,
				Transport:     hostile{http.DefaultTransport},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			res, err := c.PostForm(base+"/desk/signin", url.Values{"email": {demoEmail}, "password": {demoPassword}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in: %d", res.StatusCode)
			}

			// Wait for the clustering job's first stories, so that the
			// crawl reaches their pages too.
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				if _, body := fetch(t, c, base+"/desk/stories"); strings.Contains(body, `href="/desk/stories/`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the desk shows no story within 30s")
				}
			}

			pages := crawl(t, c, base, want, []string{
				"/", "/feed.xml", "/sitemap.xml", "/search?q=harbor", "/no-such-page", "/robots.txt",
				"/desk/", "/desk/items", "/desk/sources", "/desk/sources/import", "/desk/sources/export",
				"/desk/posts", "/desk/search?q=harbor", "/desk/signin",
				"/api/posts", "/api/posts/1", "/api/sources", "/api/sources/1", "/api/items", "/api/search?q=harbor",
				"/websub/1/token", "/healthz",
			})
			t.Logf("crawled %d addresses", len(pages))
			for _, kind := range []string{"/posts/", "/tag/", "/feed.xml", "/sitemap.xml", "/desk/items/", "/desk/stories/", "/desk/posts/", "/static/", "/api/"} {
				var n int
				for p := range pages {
					if strings.Contains(p, kind) {
						n++
					}
				}
				if n == 0 {
					t.Errorf("the crawl reached no %s address", kind)
				}
			}
			if t.Failed() {
				return
			}

			// The feeds and the sitemap link to the configured address,
			// and say how long they may be kept.
			for _, path := range []string{"/feed.xml", "/sitemap.xml"} {
				res, body := fetch(t, c, base+path)
				if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
					t.Errorf("%s: Cache-Control %q, want a max-age", path, cc)
				}
				var doc struct {
					Links []struct {
						Rel  string `xml:"rel,attr"`
						Href string `xml:"href,attr"`
					} `xml:"link"`
					Locs []string `xml:"url>loc"`
				}
				if err := xml.Unmarshal([]byte(body), &doc); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				var links []string
				for _, l := range doc.Links {
					links = append(links, l.Href)
				}
				links = append(links, doc.Locs...)
				if len(links) == 0 {
					t.Errorf("%s has no links", path)
				}
				for _, l := range links {
					if !strings.HasPrefix(l, want+"/") {
						t.Errorf("%s links to %s, want an address under %s/", path, l, want)
					}
				}
			}
		})
	}
}

// crawl requests every path in seeds and every address of the site
// that the answers link to, as client c, up to 800 of them, and fails
// the test for each answer that names evilHost or fails inside. It
// returns the paths it requested. Absolute links under the site's own
// base or its configured address (public) are followed too.
func crawl(t *testing.T, c *http.Client, base, public string, seeds []string) map[string]bool {
	t.Helper()
	links := regexp.MustCompile(`(?:href|src|action)="([^"]*)"|<loc>([^<]*)</loc>|"(/api/[^"]*)"`)
	seen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	for len(queue) > 0 && len(seen) < 800 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		res, body := fetch(t, c, base+p)
		for name, values := range res.Header {
			for _, v := range values {
				if strings.Contains(strings.ToLower(v), evilHost) {
					t.Errorf("GET %s: header %s: %s", p, name, v)
				}
			}
		}
		if i := strings.Index(strings.ToLower(body), evilHost); i >= 0 {
			t.Errorf("GET %s names %s: ...%s...", p, evilHost, body[max(0, i-80):min(len(body), i+80)])
		}
		// Every page may frame the players the sanitiser embeds, and
		// nothing else (browser tests in desk and site check this in
		// Chromium).
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && !strings.HasPrefix(p, "/api/") {
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none';") ||
				!strings.Contains(csp, "; frame-src "+extract.EmbedOrigins+";") {
				t.Errorf("GET %s: Content-Security-Policy %q", p, csp)
			}
		}
		if res.StatusCode >= 500 {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
		found := []string{res.Header.Get("Location")}
		for _, m := range links.FindAllStringSubmatch(body, -1) {
			found = append(found, html.UnescapeString(m[1]+m[2]+m[3]))
		}
		for _, l := range found {
			for _, prefix := range []string{base, public} {
				l = strings.TrimPrefix(l, prefix)
			}
			if i := strings.IndexByte(l, '#'); i >= 0 {
				l = l[:i]
			}
			if strings.HasPrefix(l, "/") && !strings.HasPrefix(l, "//") && !seen[l] {
				queue = append(queue, l)
			}
		}
	}
	return seen
}

// fetch GETs u with c and returns the answer and its body.
func fetch(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// serve refuses a --public-url that could not start every absolute link,
// saying why, before it touches the database.
func TestServeRefusesABadPublicURL(t *testing.T) {
	for _, tc := range []struct{ name, value, why string }{
		{"no scheme", "news.example.org", "does not start with http:// or https://"},
		{"other scheme", "ftp://news.example.org", "does not start with http:// or https://"},
		{"no host", "https://", "names no host"},
		{"only a port", "https://:8080", "names no host"},
		{"user", "https://editor:secret@news.example.org", "has a user name or password"},
		{"path", "https://example.org/news", "has a path"},
		{"query", "https://news.example.org/?utm=1", "has a query or a fragment"},
		{"empty query", "https://news.example.org?", "has a query or a fragment"},
		{"fragment", "https://news.example.org#top", "has a query or a fragment"},
		{"port 0", "https://news.example.org:0", "has a port that is not a number"},
		{"port too big", "https://news.example.org:70000", "has a port that is not a number"},
		{"opaque", "https:news.example.org", "is not a web address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "newsdesk.db")
			_, _, msg := cli(t, "", "serve", "--database", dsn, "--addr", "127.0.0.1:0", "--public-url", tc.value)
			if !strings.Contains(msg, "--public-url") || !strings.Contains(msg, tc.why) {
				t.Errorf("serve --public-url %s: %q, want it to say it %s", tc.value, msg, tc.why)
			}
		})
	}
	for _, tc := range []struct{ value, want string }{
		{"https://news.example.org", "https://news.example.org"},
		{"https://News.Example.ORG/", "https://news.example.org"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://[::1]:8080/", "http://[::1]:8080"},
	} {
		u, err := parsePublicURL(tc.value)
		if err != nil || u.String() != tc.want {
			t.Errorf("parsePublicURL(%q) = %v, %v; want %s", tc.value, u, err, tc.want)
		}
	}
}
