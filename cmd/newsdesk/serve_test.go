package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/demo"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// serveForTest runs "newsdesk serve" in-process on port 0 with args, and
// returns its base URL once /healthz answers. The server stops when the
// test ends, and the test checks it stopped cleanly.
func serveForTest(t *testing.T, args ...string) string {
	t.Helper()
	return serveLogging(t, io.Discard, args...)
}

// serveLogging is serveForTest with serve's log, and what it prints,
// written to stderr.
func serveLogging(t *testing.T, stderr io.Writer, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...),
			func(string) string { return "" }, nil, pw, stderr)
		pw.CloseWithError(fmt.Errorf("serve returned: %v", err))
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve stopped with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s")
		}
	})

	listening := regexp.MustCompile(`newsdesk listening on (http://\S+)`)
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintln(stderr, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
				break
			}
		}
		io.Copy(stderr, pr)
	}()
	var base string
	select {
	case base = <-urlc:
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within 60s")
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered 200: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The thin path end to end, in the binary's own wiring, on both databases:
// the demo loads, an editor signs in, picks an item, publishes a post
// crediting the original, and the public site shows it first at a URL of
// its own.
func TestServeDemoThinPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "newsdesk.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := serveForTest(t, "--database", tc.dsn(t), "--demo")
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second}

			// The demo's posts are on the home page, newest first (the
			// first page shows the newest 20).
			seeds := demo.Posts()
			sort.Slice(seeds, func(i, j int) bool { return seeds[i].Age < seeds[j].Age })
			seeds = seeds[:min(len(seeds), 20)]
			status, home := get(t, c, base+"/")
			if status != 200 {
				t.Fatalf("home: %d", status)
			}
			last := -1
			for _, s := range seeds {
				i := strings.Index(home, htmlEscape(s.Headline))
				if i < 0 || i < last {
					t.Fatalf("home page: %q missing or out of order", s.Headline)
				}
				last = i
			}

			// Each post page lists Related Articles once the web process
			// has indexed the posts, a moment after start.
			newest := base + "/posts/" + newsdesk.Slugify(seeds[0].Headline)
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				_, page := get(t, c, newest)
				if strings.Contains(page, `<h2 id="related-heading" class="section-title">Related Articles</h2>`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: no Related Articles", newest)
				}
			}

			// Sign in; the desk lists the demo outlets' items.
			resp, err := c.PostForm(base+"/desk/signin", url.Values{"email": {demoEmail}, "password": {demoPassword}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			status, items := get(t, c, base+"/desk/items")
			if status != 200 || !strings.Contains(items, "Write post") {
				t.Fatalf("desk items: %d\n%s", status, items)
			}
			m := regexp.MustCompile(`/desk/posts/new\?item=(\d+)`).FindStringSubmatch(items)
			if m == nil {
				t.Fatal("no item to write a post from")
			}
			status, form := get(t, c, base+"/desk/posts/new?item="+m[1])
			if status != 200 {
				t.Fatalf("compose form: %d", status)
			}
			outlet := regexp.MustCompile(`(Harbor City Ledger|Tamsin Valley Courier|Northern Wire Service|The Civic Review)`).FindString(form)
			if outlet == "" {
				t.Fatalf("compose form does not name the outlet:\n%s", form)
			}

			resp, err = c.PostForm(base+"/desk/posts", url.Values{
				"item": {m[1]}, "headline": {"Editors pick: the thin path works"},
				"summary": {"First paragraph of our summary.\n\nSecond paragraph."}, "status": {"published"},
			})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("publish: %d", resp.StatusCode)
			}

			// The new post leads the home page and has its own page with the credit.
			_, home = get(t, c, base+"/")
			if i := strings.Index(home, "Editors pick: the thin path works"); i < 0 || i > strings.Index(home, htmlEscape(seeds[0].Headline)) {
				t.Fatal("the new post is not first on the home page")
			}
			status, page := get(t, c, base+"/posts/editors-pick-the-thin-path-works")
			if status != 200 {
				t.Fatalf("post page: %d", status)
			}
			credit := regexp.MustCompile(`Read the full story at\s*<a href="(http://127\.0\.0\.1:\d+/[^"]+)"[^>]*>` + regexp.QuoteMeta(htmlEscape(outlet)) + `</a>`).FindStringSubmatch(page)
			if credit == nil {
				t.Fatalf("post page has no credit line for %s:\n%s", outlet, page)
			}
			// The credited link is the original article, and it answers.
			if status, _ := get(t, c, credit[1]); status != 200 {
				t.Fatalf("original article %s: %d", credit[1], status)
			}
			if !strings.Contains(page, "<p>Second paragraph.</p>") {
				t.Fatal("post page does not show the summary's paragraphs")
			}

			// The API serves the same posts.
			status, apiPosts := get(t, &http.Client{}, base+"/api/posts")
			if status != 200 || !strings.Contains(apiPosts, "Editors pick: the thin path works") {
				t.Fatalf("api posts: %d %s", status, apiPosts)
			}
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}
