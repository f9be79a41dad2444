package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The demo shows extraction at work: serve fetches the demo outlets'
// article pages in the background, and the desk's item page shows the
// article's text. With --extract=false no page is fetched.
func TestServeExtractsDemoArticles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		extract bool
	}{
		{"on by default", nil, true},
		{"off", []string{"--extract=false"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := serveForTest(t, append([]string{"--database", filepath.Join(t.TempDir(), "newsdesk.db"), "--demo"}, tc.args...)...)
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			resp, err := c.PostForm(base+"/desk/signin", url.Values{"email": {demoEmail}, "password": {demoPassword}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			status, items := get(t, c, base+"/desk/items")
			link := regexp.MustCompile(`href="(/desk/items/\d+)"`).FindStringSubmatch(items)
			if status != 200 || link == nil {
				t.Fatalf("desk items: %d, no link to an item's page\n%s", status, items)
			}

			// The newest item's page is fetched first.
			var page string
			deadline := time.Now().Add(30 * time.Second)
			if !tc.extract {
				deadline = time.Now().Add(3 * time.Second)
			}
			for time.Now().Before(deadline) {
				_, page = get(t, c, base+link[1])
				if strings.Contains(page, `class="article-body"`) || strings.Contains(page, "could not extract") {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			extracted := strings.Contains(page, `class="article-body"`)
			if extracted != tc.extract {
				t.Fatalf("item page shows an extracted article: %v, want %v\n%s", extracted, tc.extract, page)
			}
			if tc.extract && strings.Count(page, "<p>") < 3 {
				t.Fatalf("the article has fewer than three paragraphs:\n%s", page)
			}
			if !tc.extract && !strings.Contains(page, "has not fetched this item") {
				t.Fatalf("item page without an article does not say so:\n%s", page)
			}
		})
	}
}
