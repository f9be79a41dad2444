package site_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/web/browsertest"
)

// The site shows no embedded players yet, but its Content-Security-Policy
// is ready for sanitised HTML in a post: the YouTube and Vimeo players the
// sanitiser writes, put into a post page, load with no violation in
// Chromium, and a frame from anywhere else is still refused.
func TestBrowserPostPageAllowsEmbeds(t *testing.T) {
	srv, db := serve(t)
	p := tagPost(t, db, "Regatta moves to the outer harbour", "The harbour board moved the regatta.", "Harbour", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	pageURL, _ := url.Parse("https://tide.example/regatta")
	a, err := extract.Extract([]byte(`<article><h1>Regatta</h1>
<p>The harbour board voted on Tuesday to move this summer's regatta to the outer harbour, where the water is deeper.</p>
<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>
<p>Sailing clubs from three towns have entered, and the board expects more visitors than in any year since it began.</p>
<iframe src="https://vimeo.com/76979871"></iframe>
<p>The course will be marked on Friday morning, and the first race starts at ten on Saturday if the wind allows.</p>
</article>`), "text/html", pageURL)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(a.HTML, "<iframe") != 2 {
		t.Fatalf("the sanitiser kept %d players, want 2:\n%s", strings.Count(a.HTML, "<iframe"), a.HTML)
	}

	b := browsertest.New(t)
	csp := b.WatchCSP()
	b.Do("open the post and put the sanitised players in it",
		chromedp.Navigate(srv.URL+"/posts/"+p.Slug),
		chromedp.WaitVisible(chromedp.CSS("article.post h1")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.querySelector("article.post").insertAdjacentHTML("beforeend", `+strconv.Quote(a.HTML)+`) ?? true`)(ctx, tg)
			return err
		}))
	if frames := b.LoadFrames("article.post iframe"); len(frames) != 2 {
		t.Fatalf("the post page shows players %v, want 2", frames)
	}
	for _, v := range csp.Unexpected() {
		t.Errorf("Content-Security-Policy violation on a post page: %s", v)
	}
}
