package desk_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/web/browsertest"
)

// TestBrowserPublish drives a real browser through the desk as an editor
// would: sign in, write a post from an item, publish it, and read it on
// the public site with its credit.
func TestBrowserPublish(t *testing.T) {
	e := newEnv(t)
	const feed = "https://ledger.example/feed.xml"
	e.feeds.feeds[feed] = fakeFeed{name: "Harbor City Ledger", items: 1}
	if _, err := e.feeds.AddFeed(t.Context(), feed); err != nil {
		t.Fatal(err)
	}
	item := testItem(feed, 0)

	b := browsertest.New(t)
	ctx := b.Context()
	do, read := b.Do, b.Read

	// Signed out, the desk sends the browser to sign in first.
	do("open the items page",
		chromedp.Navigate(e.srv.URL+"/desk/items"),
		chromedp.WaitVisible(chromedp.CSS("#email")))
	signInURL := read("sign-in page address", chromedp.Location())
	do("sign in",
		chromedp.SendKeys(chromedp.CSS("#email"), editorEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), editorPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#item-1")))
	afterSignIn := read("address after sign-in", chromedp.Location())

	do("write a post from the item",
		chromedp.Click(chromedp.Search(`//li[@id="item-1"]//a[normalize-space()="Write post"]`)),
		chromedp.WaitVisible(chromedp.CSS("#headline")))
	afterWritePost := read("compose page address", chromedp.Location())
	if got := read("prefilled headline", chromedp.Value(chromedp.CSS("#headline"))); got != item.Title {
		t.Errorf("compose form's headline %q, want the item's title %q", got, item.Title)
	}
	const headline = "Ledger: bridge repairs begin on Monday"
	do("edit the headline and publish",
		chromedp.Clear(chromedp.CSS("#headline")),
		chromedp.SendKeys(chromedp.CSS("#headline"), headline),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	flash := read("message after publishing", chromedp.Text(chromedp.CSS(".flash")))

	do("open the public home page",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".teaser")))
	homeHeadline := read("home page headline", chromedp.Text(chromedp.CSS(".teaser h2")))
	homeCredit := read("home page credit", chromedp.Text(chromedp.CSS(".teaser .credit")))

	do("open the post",
		chromedp.Click(chromedp.CSS(".teaser h2 a")),
		chromedp.WaitVisible(chromedp.CSS("article.post h1")))
	postHeadline := read("post headline", chromedp.Text(chromedp.CSS("article.post h1")))
	postCredit := read("post credit", chromedp.Text(chromedp.CSS("article.post .credit")))
	link, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("article.post .credit a")))
	if err != nil {
		t.Fatalf("credit link: %v", err)
	}
	href, rel := link["href"], link["rel"]

	if !strings.HasSuffix(signInURL, "/desk/signin?next=%2Fdesk%2Fitems") {
		t.Errorf("signed out, the items page led to %s", signInURL)
	}
	if !strings.HasSuffix(afterSignIn, "/desk/items") {
		t.Errorf("after signing in the browser is at %s, not back on the items page", afterSignIn)
	}
	if !strings.HasSuffix(afterWritePost, "/desk/posts/new?item=1") {
		t.Errorf("Write post led to %s", afterWritePost)
	}
	if want := "Published “" + headline + "”. View it on the site"; flash != want {
		t.Errorf("flash %q, want %q", flash, want)
	}
	if homeHeadline != headline {
		t.Errorf("home page headline %q, want %q", homeHeadline, headline)
	}
	const credit = "Read the full story at Harbor City Ledger"
	if homeCredit != credit {
		t.Errorf("home page credit %q, want %q", homeCredit, credit)
	}
	if postHeadline != headline {
		t.Errorf("post page headline %q, want %q", postHeadline, headline)
	}
	if postCredit != credit {
		t.Errorf("post page credit %q, want %q", postCredit, credit)
	}
	if href != item.URL || rel != "noopener" {
		t.Errorf("credit links to %q (rel %q), want %q (rel noopener)", href, rel, item.URL)
	}
}
