package desk_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/web/browsertest"
)

// embedPage is an outlet's article with a YouTube and a Vimeo player in
// it, as extraction finds them.
const embedPage = `<!doctype html><html lang="en"><head><title>Regatta moves to the outer harbour</title></head><body>
<article><h1>Regatta moves to the outer harbour</h1>
<p>The harbour board voted on Tuesday to move this summer's regatta to the outer harbour, where the water is deeper and the dredging works will not reach.</p>
<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315"></iframe>
<p>Sailing clubs from three towns have entered, and the board expects more visitors than in any year since the regatta began, with ferries running late into the evening.</p>
<iframe src="https://player.vimeo.com/video/76979871" width="640" height="360"></iframe>
<p>The course will be marked on Friday morning, and the first race starts at ten on Saturday if the wind allows it.</p>
</article></body></html>`

// The item page shows the YouTube and Vimeo players that the sanitiser
// keeps, and the desk's Content-Security-Policy lets exactly those in:
// Chromium reports no violation for them (and still refuses a frame from
// anywhere else, which is how the test knows it has seen every report).
func TestBrowserItemPageAllowsEmbeds(t *testing.T) {
	e := newArticleEnv(t)
	ctx := context.Background()
	pageURL, _ := url.Parse("https://tide.example/regatta")
	a, err := extract.Extract([]byte(embedPage), "text/html; charset=utf-8", pageURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, player := range []string{`<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`, `<iframe src="https://player.vimeo.com/video/76979871?dnt=1"`} {
		if !strings.Contains(a.HTML, player) {
			t.Fatalf("the extracted article lacks %s:\n%s", player, a.HTML)
		}
	}
	src := &newsdesk.Source{Name: "The Tidewater Times", FeedURL: "https://tide.example/feed"}
	if err := e.db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveItems(ctx, src.ID, []*newsdesk.Item{{GUID: "1", URL: pageURL.String(), Title: a.Title}}); err != nil {
		t.Fatal(err)
	}
	items, err := e.db.FindItems(ctx, newsdesk.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveArticle(ctx, &newsdesk.Article{ItemID: items[0].ID, Title: a.Title, Text: a.Text, HTML: a.HTML}); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	csp := b.WatchCSP()
	b.Do("sign in",
		chromedp.Navigate(e.srv.URL+"/desk/signin"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), editorEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), editorPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#item-1")))
	b.Do("open the item page",
		chromedp.Navigate(fmt.Sprintf("%s/desk/items/%d", e.srv.URL, items[0].ID)),
		chromedp.WaitVisible(chromedp.CSS(".article-body")))
	if frames := b.LoadFrames(".article-body iframe"); len(frames) != 2 {
		t.Fatalf("the item page shows players %v, want the article's two", frames)
	}
	for _, v := range csp.Unexpected() {
		t.Errorf("Content-Security-Policy violation on the item page: %s", v)
	}
}
