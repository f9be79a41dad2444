package main

import (
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/demo"
	"github.com/newsdesk/newsdesk/web/browsertest"
)

// TestBrowserDemo walks through `serve --demo` in a real browser as a
// newcomer does: the home page's posts, a post with its Related Articles,
// a tag page, a search, the feeds, and then the desk, whose stories must
// look alive: the best covered first, with coverage that is not 0.0 and
// differs from story to story. Demo dates left weeks in the past give
// every story coverage 0.0, and this test fails.
func TestBrowserDemo(t *testing.T) {
	b := browsertest.New(t) // skips without Chromium, before the server starts
	base := serveForTest(t, "--database", filepath.Join(t.TempDir(), "newsdesk.db"), "--demo")
	do, read := b.Do, b.Read
	ctx := b.Context()

	seeds := demo.Posts()
	sort.Slice(seeds, func(i, j int) bool { return seeds[i].Age < seeds[j].Age })
	do("open the home page",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("ol.stream .teaser")))
	teasers, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.stream .teaser").length`))
	if err != nil {
		t.Fatal(err)
	}
	if first := read("first teaser", chromedp.Text(chromedp.CSS("ol.stream .teaser h2"))); first != seeds[0].Headline || teasers < 10 {
		t.Errorf("the home page shows %d posts, the first %q; want at least 10, the newest %q first", teasers, first, seeds[0].Headline)
	}

	// The web process indexes the posts for Related Articles a moment
	// after it starts.
	link, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("ol.stream .teaser h2 a")))
	if err != nil {
		t.Fatal(err)
	}
	post := base + link["href"]
	for deadline := time.Now().Add(15 * time.Second); ; {
		do("open the newest post", chromedp.Navigate(post), chromedp.WaitVisible(chromedp.CSS("article.post h1")))
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("section.related li").length`))
		if err != nil {
			t.Fatal(err)
		}
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s lists %d Related Articles, want at least 3", post, n)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := read("credit", chromedp.Text(chromedp.CSS("article.post .credit"))); got != "Read the full story at "+seeds[0].Outlet {
		t.Errorf("the post's credit reads %q", got)
	}
	related := read("first related article", chromedp.Text(chromedp.CSS("section.related li p")))
	if !strings.HasSuffix(related, "...") {
		t.Errorf("related excerpt %q does not end in ...", related)
	}

	tag := read("the post's first tag", chromedp.Text(chromedp.CSS("article.post .tags a")))
	do("open the tag page",
		chromedp.Click(chromedp.CSS("article.post .tags a")),
		chromedp.WaitVisible(chromedp.CSS("h1 .tag-name")))
	// The page shows tag names in capitals.
	if got := read("tag page heading", chromedp.Text(chromedp.CSS("h1 .tag-name"))); !strings.EqualFold(got, tag) {
		t.Errorf("the tag page is headed %q, want %q", got, tag)
	}
	if got := read("tag page's first post", chromedp.Text(chromedp.CSS("ol.stream .teaser h2"))); got == "" {
		t.Error("the tag page lists no post")
	}

	do("search for the storm",
		chromedp.SendKeys(chromedp.CSS(".masthead-search input"), "storm\n"),
		chromedp.WaitVisible(chromedp.CSS("ol.search-results .teaser")))
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.search-results .teaser").length`))
	if err != nil {
		t.Fatal(err)
	}
	if hits < 3 {
		t.Errorf("searching for storm finds %d posts, want at least 3", hits)
	}

	for _, feed := range []string{"/feed.xml", "/tag/storm/feed.xml"} {
		status, body := get(t, &http.Client{Timeout: 10 * time.Second}, base+feed)
		if status != 200 || !strings.Contains(body, "<entry>") {
			t.Errorf("%s: status %d, no entries:\n%.300s", feed, status, body)
		}
	}

	do("sign in to the desk",
		chromedp.Navigate(base+"/desk/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), demoEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demoPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/desk/signout"]`)))
	// Items are clustered once their pages' articles are in, and the
	// demo's pages come from one loopback host, half a second apart (its
	// politeness delay): reload until the stories are there.
	var coverage []string
	for deadline := time.Now().Add(60 * time.Second); ; {
		do("open the stories", chromedp.Navigate(base+"/desk/stories"), chromedp.WaitVisible(chromedp.CSS("h1")))
		if coverage, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("ol.stories .coverage"), e => e.textContent)`)); err != nil {
			t.Fatal(err)
		}
		if len(coverage) >= 6 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(coverage) < 6 {
		t.Fatalf("the desk shows %d stories covered by two outlets or more, want at least 6", len(coverage))
	}
	top := read("the top story", chromedp.Text(chromedp.CSS("ol.stories > li:first-child .meta")))
	var values []float64
	for _, c := range coverage {
		v, err := strconv.ParseFloat(strings.TrimPrefix(c, "coverage "), 64)
		if err != nil {
			t.Fatalf("coverage %q: %v", c, err)
		}
		values = append(values, v)
	}
	t.Logf("coverage of the desk's stories: %v", values)
	for i, v := range values {
		if v <= 0 {
			t.Errorf("story %d shows coverage %v: the demo looks dead", i+1, v)
		}
		if i < 3 && v < 1 {
			t.Errorf("story %d shows coverage %v, want the top stories at 1.0 or more", i+1, v)
		}
	}
	if values[0] == values[len(values)-1] {
		t.Errorf("every story shows coverage %v; want it to vary with how widely and recently each is covered", values[0])
	}
	if !strings.Contains(top, "Harbor City Ledger, Northern Wire Service, Tamsin Valley Courier, The Civic Review") {
		t.Errorf("the top story reads %q; want the storm, covered by all four outlets", top)
	}
}
