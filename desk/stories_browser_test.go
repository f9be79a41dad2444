package desk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/web/browsertest"
)

// TestBrowserStories drives a real browser as an editor does on arrival:
// sign in, land on the stories, open the best-covered one, see its
// articles by outlet with the copy folded, and start a post from its lead.
func TestBrowserStories(t *testing.T) {
	e := newStoriesEnv(t)
	n := seedStories(t, e)

	b := browsertest.New(t)
	do, read := b.Do, b.Read
	do("open the desk and sign in",
		chromedp.Navigate(e.srv.URL+"/desk/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), editorEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), editorPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.stories")))
	landing := read("address after sign-in", chromedp.Location())
	first := read("first story's headline", chromedp.Text(chromedp.CSS("ol.stories > li:first-child h2 a")))
	meta := read("first story's details", chromedp.Text(chromedp.CSS("ol.stories > li:first-child .meta")))
	current := read("current menu entry", chromedp.Text(chromedp.CSS(`nav a[aria-current="page"]`)))

	do("open the story",
		chromedp.Click(chromedp.CSS("ol.stories > li:first-child h2 a")),
		chromedp.WaitVisible(chromedp.CSS(".outlet-group")))
	heading := read("story heading", chromedp.Text(chromedp.CSS("main h1")))
	outlets := read("outlet sections", chromedp.Text(chromedp.CSS("form[action$='/split']")))
	copies := read("folded copies", chromedp.Text(chromedp.CSS(fmt.Sprintf("#item-%d details summary", n.items["wire-bridge"].ID))))

	do("write a post from the lead",
		chromedp.Click(chromedp.Search(`//div[contains(@class,"lead")]//a[normalize-space()="Write a post"]`)),
		chromedp.WaitVisible(chromedp.CSS("#headline")))
	headline := read("prefilled headline", chromedp.Value(chromedp.CSS("#headline")))

	if !strings.HasSuffix(landing, "/desk/stories") {
		t.Errorf("after signing in the browser is at %s, not on the stories page", landing)
	}
	if current != "Stories" {
		t.Errorf("the menu marks %q as the current page, want Stories", current)
	}
	if first != "Calder bridge closes for repairs" {
		t.Errorf("the first story is %q, want the bridge story, covered by three outlets", first)
	}
	if !strings.Contains(meta, "Eastmere Courier, Harbor City Ledger, Northern Wire") || !strings.Contains(meta, "3 articles (1 copy)") {
		t.Errorf("the first story's details read %q", meta)
	}
	if heading != first {
		t.Errorf("the story page is headed %q, want %q", heading, first)
	}
	if !strings.Contains(outlets, "Harbor City Ledger") || !strings.Contains(outlets, "Northern Wire") {
		t.Errorf("the story page's articles by outlet read %q", outlets)
	}
	if copies != "1 copy of this article" {
		t.Errorf("the wire article's copies read %q, want %q", copies, "1 copy of this article")
	}
	if headline != first {
		t.Errorf("the post form's headline is %q, want the lead's title %q", headline, first)
	}
}
