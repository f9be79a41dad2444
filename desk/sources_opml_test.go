package desk_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// newIngestEnv is a desk over the real feed service, allowed to fetch
// from loopback, where each test serves its outlets.
func newIngestEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.SQLite(t)
	feeds := loopbackFeeds(db)
	srv := httptest.NewServer(desk.New(desk.Config{
		Sources: db, Items: db, Posts: testPosts(db), Staff: testStaff(db), Feeds: feeds,
		Now: func() time.Time { return testNow },
	}))
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, srv: srv, editor: u}
}

// loopbackFeeds is the real feed service over db, allowed to fetch from
// loopback, on the desk's clock.
func loopbackFeeds(db *store.DB) *ingest.Service {
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	return ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f, Interval: 30 * time.Minute,
		Now: func() time.Time { return testNow }, Rand: func() float64 { return 0.5 }})
}

// outletSite serves outlets' pages and feeds on loopback.
func outletSite(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/echo.rss"></head><body>The Echo</body></html>`)
		case "/echo.rss":
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Millbrook Echo</title>
<item><guid>m1</guid><title>Weir repairs finish</title><link>https://echo.example/1</link>
<media:thumbnail url="https://img.echo.example/weir.jpg"/></item></channel></rss>`)
		case "/ledger.atom":
			fmt.Fprint(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>
<entry><id>l1</id><title>Tram line opens</title><link href="https://ledger.example/1"/><updated>2026-03-01T10:00:00Z</updated></entry></feed>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// upload posts a file as the import form does.
func (e *env) upload(t *testing.T, c *http.Client, content []byte) (answer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if content != nil {
		fw, err := mw.CreateFormFile("file", "subscriptions.opml")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/desk/sources/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{StatusCode: res.StatusCode, Header: res.Header}, string(b)
}

func TestAddSourceFindsTheFeedOfAHomePage(t *testing.T) {
	site := outletSite(t)
	e := newIngestEnv(t)
	c := e.signedIn(t)
	res, _ := e.post(t, c, "/desk/sources", url.Values{"url": {site.URL + "/"}})
	_, body := e.follow(t, c, res)
	if !strings.Contains(body, "Following Millbrook Echo: 1 item") || !strings.Contains(body, site.URL+"/echo.rss") {
		t.Fatalf("the home page's feed was not followed:\n%s", body)
	}
	// Its item shows with its lead image.
	_, body = e.get(t, c, "/desk/items")
	if !strings.Contains(body, `<img class="lead" src="https://img.echo.example/weir.jpg" alt="" loading="lazy" referrerpolicy="no-referrer"`) {
		t.Errorf("no lead image in the items list:\n%s", body)
	}
}

// An import follows the file's feeds at once, without fetching any, and
// its page shows each new source as its first poll checks it: the feed a
// home page names is found, a feed that fails says why and can be
// dropped, and entries that are not web addresses are listed as not
// followed.
func TestImportSources(t *testing.T) {
	site := outletSite(t)
	e := newIngestEnv(t)
	c := e.signedIn(t)
	if _, body := e.get(t, c, "/desk/sources"); !strings.Contains(body, `action="/desk/sources/import" enctype="multipart/form-data"`) ||
		!strings.Contains(body, `href="/desk/sources/export"`) {
		t.Fatalf("no import form or export link:\n%s", body)
	}
	opml := fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Local"><outline text="The Echo" xmlUrl="%[1]s/"/><outline text="City Ledger" xmlUrl="%[1]s/ledger.atom"/></outline>
<outline text="Ledger again" xmlUrl="%[1]s/ledger.atom"/>
<outline text="Gone Gazette" xmlUrl="%[1]s/gone.rss"/>
<outline text="Not an address" xmlUrl="ftp://files.example/feed"/>
</body></opml>`, site.URL)
	res, body := e.upload(t, c, []byte(opml))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d:\n%s", res.StatusCode, body)
	}
	// An entry that could not be followed: the answer is the import's
	// page itself, which keeps the list in view rather than reloading.
	if got := elementText(t, body, "import-summary"); got != "Added 3 of 5 feeds; 1 skipped; 1 not followed." {
		t.Errorf("summary %q", got)
	}
	if got := elementText(t, body, "import-checked"); got != "Checked 0 of 3: 0 read, 0 failed, 3 waiting." {
		t.Errorf("progress %q", got)
	}
	for _, want := range []string{
		`<td>Not an address</td><td class="url">ftp://files.example/feed</td><td class="last-error">`,
		`<td>Ledger again</td><td class="url">` + site.URL + `/ledger.atom</td><td>Listed twice in the file.</td>`,
		`<td>The Echo</td><td class="url">` + site.URL + `/</td><td><span class="badge badge-new">new</span>`,
	} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, `http-equiv="refresh"`) {
		t.Error("the page that lists the entries not followed reloads itself")
	}
	status := html.UnescapeString(regexp.MustCompile(`<a href="([^"]+)">Follow the checks</a>`).FindStringSubmatch(body)[1])

	// The import's own page reloads itself while feeds wait for a poll.
	_, body = e.get(t, c, status)
	if !strings.Contains(body, `<meta http-equiv="refresh" content="3">`) || elementText(t, body, "import-checked") != "Checked 0 of 3: 0 read, 0 failed, 3 waiting." {
		t.Errorf("the import's page before any poll:\n%s", body)
	}

	// The scheduler polls each new source; here, the editor does.
	sources, err := e.db.FindSources(context.Background())
	if err != nil || len(sources) != 3 {
		t.Fatalf("%d sources, %v", len(sources), err)
	}
	for _, src := range sources {
		e.post(t, c, "/desk/sources/"+itoa(src.ID)+"/poll", url.Values{})
	}
	_, body = e.get(t, c, status)
	if got := elementText(t, body, "import-checked"); got != "Every new feed has been checked: 2 read, 1 failed." {
		t.Errorf("progress after the polls %q", got)
	}
	if strings.Contains(body, `http-equiv="refresh"`) {
		t.Error("the page reloads itself when every feed has been checked")
	}
	for _, want := range []string{
		`>The Echo</a></td><td class="url">` + site.URL + `/echo.rss</td><td><span class="badge badge-ok">ok</span>`,
		`>City Ledger</a></td><td class="url">` + site.URL + `/ledger.atom</td>`,
		`<td>Gone Gazette</td><td class="url">` + site.URL + `/gone.rss</td><td class="last-error">` + strings.TrimPrefix(site.URL, "http://") + ` answered 404 Not Found.</td>`,
	} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}

	// The feeds that failed can be dropped in one go.
	form := url.Values{}
	for _, k := range []string{"from", "to", "skipped", "rejected"} {
		m := regexp.MustCompile(`name="` + k + `" value="(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the form to drop failed feeds has no %s:\n%s", k, body)
		}
		form.Set(k, m[1])
	}
	res, _ = e.post(t, c, "/desk/sources/import/delete-failed", form)
	if loc := res.Header.Get("Location"); loc != status {
		t.Errorf("dropping the failed feeds leads to %s, want %s", loc, status)
	}
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, "Stopped following 1 feed that could not be read.") || strings.Contains(body, "Gone Gazette") {
		t.Errorf("after dropping the failed feeds:\n%s", body)
	}
	if sources, _ := e.db.FindSources(context.Background()); len(sources) != 2 {
		t.Errorf("%d sources left, want 2", len(sources))
	}

	// A file whose feeds can all be followed leads straight to the
	// import's page.
	res, _ = e.upload(t, c, []byte(fmt.Sprintf(`<opml><body><outline text="Gone Gazette" xmlUrl="%s/gone.rss"/>
<outline text="Echo" xmlUrl="%s/echo.rss"/></body></opml>`, site.URL, site.URL)))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/desk/sources/import?from=") {
		t.Fatalf("second import: status %d, to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = e.follow(t, c, res)
	if got := elementText(t, body, "import-summary"); got != "Added 1 of 2 feeds; 1 skipped." {
		t.Errorf("second summary %q", got)
	}

	// Export: a download of every source, which reads back as the same list.
	res, body = e.get(t, c, "/desk/sources/export")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Disposition") != `attachment; filename="newsdesk-sources.opml"` ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/x-opml") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	outlines, err := ingest.ParseOPML(strings.NewReader(body))
	if err != nil || len(outlines) != 3 {
		t.Fatalf("export reads back as %v, %v:\n%s", outlines, err, body)
	}
	// Signed out, none of it is reachable; a malformed import address is
	// not found.
	for _, path := range []string{"/desk/sources/export", status} {
		if res, _ := e.get(t, e.browser(t), path); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s signed out: status %d", path, res.StatusCode)
		}
	}
	for _, q := range []string{"", "?from=2", "?from=3&to=2", "?from=x&to=2", "?from=1&to=2&skipped=-1"} {
		if res, _ := e.get(t, c, "/desk/sources/import"+q); res.StatusCode != http.StatusNotFound {
			t.Errorf("import page %q: status %d, want 404", q, res.StatusCode)
		}
	}
}

// elementText returns the text of the element with the given id, tags
// removed and entities decoded.
func elementText(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<(\w+) [^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</(\w+)>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no element with id %q in the page:\n%s", id, body)
	}
	return html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[2], "")))
}

func TestImportSourcesBadFiles(t *testing.T) {
	e := newIngestEnv(t)
	c := e.signedIn(t)
	huge := append([]byte(`<opml><body><outline text="`), bytes.Repeat([]byte("x"), 2<<20)...)
	for _, tc := range []struct {
		name    string
		file    []byte
		status  int
		message string
	}{
		{"no file", nil, 400, "Choose an OPML file to import."},
		{"not OPML", []byte(`<!doctype html><html><body>hello</body></html>`), 422, "The file is not an OPML subscription list."},
		{"no feeds", []byte(`<opml><body><outline text="A folder"/></body></opml>`), 422, "The OPML file lists no feeds (no outline has an xmlUrl)."},
		{"billion laughs", []byte(`<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><opml><body><outline text="&c;" xmlUrl="https://x.example/&c;"/></body></opml>`),
			422, "The OPML file is malformed"},
		{"too large", huge, 413, "The file is larger than the desk accepts (1 MB). Split it, or import it with newsdesk sources import FILE, which takes up to 10 MB."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.upload(t, c, tc.file)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if got := html.UnescapeString(between(body, `<p id="import-error" class="error" role="alert">`, `</p>`)); !strings.HasPrefix(got, tc.message) {
				t.Errorf("message %q, want %q", got, tc.message)
			}
		})
	}
	if sources, _ := e.db.FindSources(context.Background()); len(sources) != 0 {
		t.Errorf("%d sources stored", len(sources))
	}
}

// A feed service that does not do OPML: the desk offers neither import
// nor export.
func TestSourcesWithoutOPML(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn(t)
	if _, body := e.get(t, c, "/desk/sources"); strings.Contains(body, "/desk/sources/import") {
		t.Error("the import form is offered")
	}
	if res, _ := e.get(t, c, "/desk/sources/export"); res.StatusCode != http.StatusNotFound {
		t.Errorf("export: status %d, want 404", res.StatusCode)
	}
}
