package desk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/web/browsertest"
)

// newSearchEnv is newEnv with search on the desk and the site, two
// outlets' items and a published post and a draft.
func newSearchEnv(t *testing.T) (*env, *newsdesk.Source, *newsdesk.Source) {
	t.Helper()
	db := storetest.SQLite(t)
	mux := http.NewServeMux()
	mux.Handle("/", site.New(site.Config{Posts: testPosts(db), Search: db, Title: "The Harbour Digest"}))
	mux.Handle("/desk/", desk.New(desk.Config{
		Sources: db, Items: db, Posts: testPosts(db), Staff: testStaff(db), Search: db,
		Now: func() time.Time { return testNow },
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, srv: srv, editor: u}

	march := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	april := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	ledger := e.source(t, "Harbor City Ledger",
		&newsdesk.Item{GUID: "1", URL: "https://ledger.example/bridge", Title: "Harbor bridge reopens",
			Summary: "Engineers finished the <repairs> early & traffic flows.", PublishedAt: &march},
		&newsdesk.Item{GUID: "2", URL: "https://ledger.example/bridge-2", Title: "Bridge tolls debated",
			Summary: "The council argued about tolls.", PublishedAt: &april})
	wire := e.source(t, "Valley Wire",
		&newsdesk.Item{GUID: "1", URL: "https://wire.example/bridge", Title: "Valley bridge inspected",
			Summary: "Inspectors found the bridge sound.", PublishedAt: &april})
	for _, p := range []*newsdesk.Post{
		{Headline: "Harbor bridge open again", Summary: "The Ledger says repairs finished early.", Status: newsdesk.PostPublished,
			SourceName: "Harbor City Ledger", OriginalURL: "https://ledger.example/bridge"},
		{Headline: "Bridge tolls: a draft", Summary: "Still writing this one about the bridge.", Status: newsdesk.PostDraft,
			SourceName: "Harbor City Ledger", OriginalURL: "https://ledger.example/bridge-2"},
	} {
		if err := db.CreatePost(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return e, ledger, wire
}

func TestDeskSearch(t *testing.T) {
	e, ledger, wire := newSearchEnv(t)
	c := e.signedIn(t)
	search := func(v url.Values) (answer, string) {
		t.Helper()
		return e.get(t, c, "/desk/search?"+v.Encode())
	}

	a, body := search(url.Values{"q": {"repairs"}})
	if a.StatusCode != http.StatusOK {
		t.Fatalf("status %d", a.StatusCode)
	}
	for _, want := range []string{
		`<a href="https://ledger.example/bridge" rel="noopener noreferrer">Harbor bridge reopens</a>`,
		`finished the &lt;<mark>repairs</mark>&gt; early &amp; traffic`,
		`href="/desk/posts/new?item=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("results lack %s", want)
		}
	}

	count := func(body string) int { return strings.Count(body, `<article class="item">`) }
	for _, c := range []struct {
		name string
		v    url.Values
		want int
	}{
		{"all articles", url.Values{"q": {"bridge"}}, 3},
		{"one source", url.Values{"q": {"bridge"}, "source": {itoa(wire.ID)}}, 1},
		{"other source", url.Values{"q": {"bridge"}, "source": {itoa(ledger.ID)}}, 2},
		{"from a date", url.Values{"q": {"bridge"}, "from": {"2026-04-01"}}, 2},
		{"to a date, that day included", url.Values{"q": {"bridge"}, "to": {"2026-03-10"}}, 1},
		{"posts, drafts included", url.Values{"q": {"bridge"}, "kind": {"posts"}}, 2},
		{"both", url.Values{"q": {"bridge"}, "kind": {"all"}}, 5},
	} {
		a, body := search(c.v)
		if a.StatusCode != http.StatusOK || count(body) != c.want {
			t.Errorf("%s: status %d, %d results, want %d", c.name, a.StatusCode, count(body), c.want)
		}
	}
	if _, body := search(url.Values{"q": {"tolls"}, "kind": {"posts"}}); !strings.Contains(body, "Post (draft)") {
		t.Error("a draft is not marked as one")
	}

	for name, v := range map[string]url.Values{
		"a bad date":   {"q": {"bridge"}, "from": {"March"}},
		"a bad source": {"q": {"bridge"}, "source": {"x"}},
		"a bad kind":   {"q": {"bridge"}, "kind": {"stories"}},
		"stop words":   {"q": {"the of"}},
		"too long":     {"q": {strings.Repeat("bridge ", 100)}},
	} {
		a, body := search(v)
		if a.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="problem"`) {
			t.Errorf("%s: status %d, want 400 with the reason on the search page", name, a.StatusCode)
		}
	}
	if a, body := search(url.Values{}); a.StatusCode != http.StatusOK || !strings.Contains(body, `<form method="get" action="/desk/search"`) {
		t.Errorf("empty search page: status %d", a.StatusCode)
	}
	if a, body := search(url.Values{"q": {"\u200B\u00A0"}}); a.StatusCode != http.StatusOK || strings.Contains(body, `class="problem"`) {
		t.Errorf("search for what shows nothing: status %d, want the empty search page", a.StatusCode)
	}

	// Signed out, search is not shown.
	if a, _ := e.get(t, e.browser(t), "/desk/search?q=bridge"); a.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: status %d, want a redirect to sign in", a.StatusCode)
	}
}

// TestBrowserSearch searches in a real browser: an editor on the desk,
// with a source filter, and a reader from the public site's search box.
func TestBrowserSearch(t *testing.T) {
	e, _, wire := newSearchEnv(t)

	b := browsertest.New(t)
	do, read := b.Do, b.Read
	do("sign in",
		chromedp.Navigate(e.srv.URL+"/desk/search"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), editorEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), editorPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#search-q")))
	do("search one source's articles",
		chromedp.SendKeys(chromedp.CSS("#search-q"), "bridge"),
		chromedp.SetValue(chromedp.CSS("#search-source"), itoa(wire.ID)),
		chromedp.Click(chromedp.CSS(`.search-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".search-results")))
	deskTitles := read("desk results", chromedp.Text(chromedp.CSS(".search-results")))
	deskMark := read("desk highlight", chromedp.Text(chromedp.CSS(".search-results mark")))
	deskURL := read("desk address", chromedp.Location())

	do("search from the site's search box",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".masthead-search input")),
		chromedp.SendKeys(chromedp.CSS(".masthead-search input"), "repairs\n"),
		chromedp.WaitVisible(chromedp.CSS(".search-results")))
	siteResults := read("site results", chromedp.Text(chromedp.CSS(".search-results")))
	siteMark := read("site highlight", chromedp.Text(chromedp.CSS(".search-results .snippet mark")))
	siteURL := read("site address", chromedp.Location())

	if !strings.Contains(deskTitles, "Valley bridge inspected") || strings.Contains(deskTitles, "Harbor bridge reopens") {
		t.Errorf("desk results for one source: %q", deskTitles)
	}
	if !strings.EqualFold(deskMark, "bridge") {
		t.Errorf("desk highlight %q, want the word searched for", deskMark)
	}
	if !strings.Contains(deskURL, "source="+itoa(wire.ID)) {
		t.Errorf("desk search address %s lacks the source filter", deskURL)
	}
	if !strings.Contains(siteResults, "Harbor bridge open again") || strings.Contains(siteResults, "draft") {
		t.Errorf("site results: %q", siteResults)
	}
	if siteMark != "repairs" {
		t.Errorf("site highlight %q, want \"repairs\"", siteMark)
	}
	if !strings.HasSuffix(siteURL, "/search?q=repairs") {
		t.Errorf("site search address %s", siteURL)
	}
}
