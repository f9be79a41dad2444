package desk_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// headerBytes is how large a response's header is, roughly as sent.
func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// Following a feed titled with a megabyte of text, through the desk and
// newsdesk's own feed reader: the answer and the page after it stay small
// enough for a browser (Chromium refuses headers over 256 KB with
// ERR_RESPONSE_HEADERS_TOO_BIG; a cookie over 4 KB is dropped), and the
// page names the source by its title, cut.
func TestFollowFeedWithMegabyteTitle(t *testing.T) {
	title := strings.Repeat("Ledger é ", 1<<20/10)
	outlet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://ledger.example/</link>
<item><guid>a1</guid><link>https://ledger.example/a1</link><title>%s</title><description>Text.</description></item>
</channel></rss>`, title, title)
	}))
	t.Cleanup(outlet.Close)

	db := storetest.SQLite(t)
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	feeds := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})
	srv := httptest.NewServer(desk.New(desk.Config{Sources: db, Items: db, Posts: testPosts(db), Staff: testStaff(db), Feeds: feeds,
		Now: func() time.Time { return testNow }}))
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(context.Background(), &newsdesk.User{Email: editorEmail, Role: newsdesk.RoleEditor, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, srv: srv}
	c := e.signedIn(t)

	res, _ := e.post(t, c, "/desk/sources", url.Values{"url": {outlet.URL + "/feed.xml"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding the feed: status %d, want 303", res.StatusCode)
	}
	for _, cookie := range res.Header.Values("Set-Cookie") {
		t.Logf("Set-Cookie: %s (%d bytes)", cookie, len(cookie))
		if len(cookie) > 200 {
			t.Errorf("the answer sets a cookie of %d bytes: %.80s...", len(cookie), cookie)
		}
	}
	if n := headerBytes(res.Header); n > 4096 {
		t.Errorf("the answer's header is %d bytes", n)
	}

	res, body := e.follow(t, c, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the page after adding: status %d", res.StatusCode)
	}
	if n := headerBytes(res.Header); n > 4096 {
		t.Errorf("the page after adding has a header of %d bytes", n)
	}
	name := newsdesk.Truncate(title, newsdesk.MaxNameLength)
	if !strings.Contains(html.UnescapeString(body), "Following "+name+": 1 item") {
		t.Errorf("the page does not say %q", "Following "+name+": 1 item")
	}
	if len(body) > 64<<10 {
		t.Errorf("the sources page is %d bytes", len(body))
	}
}

// The flash cookie carries what the desk chose, never what an editor or
// an outlet wrote; and a visitor who is not signed in cannot set one to
// read the headline of a draft.
func TestFlashCookieCarriesNoText(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 1))
	c := e.signedIn(t)
	const headline = "Secret plans for the harbour"
	res, _ := e.post(t, c, "/desk/posts", url.Values{"item": {"1"}, "headline": {headline}, "summary": {"Hush."}, "status": {"draft"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving a draft: status %d", res.StatusCode)
	}
	var flash string
	for _, ck := range (&http.Response{Header: http.Header(res.Header)}).Cookies() {
		if ck.Name == "newsdesk_flash" {
			flash = ck.Value
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(flash)
	if flash == "" || err != nil {
		t.Fatalf("flash cookie %q: %v", flash, err)
	}
	if strings.Contains(string(raw), "Secret") || strings.Contains(string(raw), "Harbor") {
		t.Errorf("the flash cookie carries text: %s", raw)
	}
	if _, body := e.follow(t, c, res); !strings.Contains(html.UnescapeString(body), "Saved “"+headline+"” as a draft.") {
		t.Errorf("the page after saving does not name the draft:\n%s", body)
	}

	// The same cookie, set by someone who is not signed in, on the one
	// desk page such a visitor sees.
	stranger := e.browser(t)
	u, _ := url.Parse(e.srv.URL + "/desk/")
	stranger.Jar.SetCookies(u, []*http.Cookie{{Name: "newsdesk_flash", Value: flash, Path: "/desk/"}})
	_, body := e.get(t, stranger, "/desk/signin")
	if strings.Contains(body, "Secret") {
		t.Errorf("the sign-in page shows a draft's headline to a stranger:\n%s", body)
	}
	if !strings.Contains(body, "Saved the post as a draft.") {
		t.Errorf("the sign-in page does not show the message without the headline:\n%s", body)
	}
}
