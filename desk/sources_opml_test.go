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
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// newIngestEnv is a desk over the real feed service, allowed to fetch
// from loopback, where each test serves its outlets.
func newIngestEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.SQLite(t)
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
	feeds := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f, Interval: 30 * time.Minute,
		Now: func() time.Time { return testNow }, Rand: func() float64 { return 0.5 }})
	srv := httptest.NewServer(desk.New(desk.Config{
		Sources: db, Items: db, Posts: db, Users: db, Feeds: feeds,
		Now: func() time.Time { return testNow },
	}))
	t.Cleanup(srv.Close)
	hash, err := newsdesk.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, srv: srv, editor: u}
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
func (e *env) upload(t *testing.T, c *http.Client, content []byte, check bool) (answer, string) {
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
	if check {
		mw.WriteField("check", "1")
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

func TestImportSources(t *testing.T) {
	site := outletSite(t)
	e := newIngestEnv(t)
	c := e.signedIn(t)
	if _, body := e.get(t, c, "/desk/sources"); !strings.Contains(body, `action="/desk/sources/import" enctype="multipart/form-data"`) ||
		!strings.Contains(body, `href="/desk/sources/export"`) {
		t.Fatalf("no import form or export link:\n%s", body)
	}
	opml := fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Local"><outline text="The Echo" xmlUrl="%[1]s/echo.rss"/><outline text="City Ledger" xmlUrl="%[1]s/ledger.atom"/></outline>
<outline text="Echo again" xmlUrl="%[1]s/echo.rss"/>
<outline text="Gone Gazette" xmlUrl="%[1]s/gone.rss"/>
</body></opml>`, site.URL)
	res, body := e.upload(t, c, []byte(opml), true)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d:\n%s", res.StatusCode, body)
	}
	if got := between(body, `<p class="summary" id="import-summary">`, `</p>`); got != "Added 2 of 4 feeds; 1 skipped; 1 failed." {
		t.Errorf("summary %q", got)
	}
	for _, want := range []string{
		`<h2 id="import-failed">Failed</h2>`,
		`<td>Gone Gazette</td><td class="url">` + site.URL + `/gone.rss</td><td class="last-error">` + strings.TrimPrefix(site.URL, "http://") + ` answered 404 Not Found.</td>`,
		`>The Echo</a></td><td class="url">` + site.URL + `/echo.rss</td><td><span class="badge badge-ok">ok</span>`,
		`>City Ledger</a>`,
		`<td>Echo again</td><td class="url">` + site.URL + `/echo.rss</td><td>Listed twice in the file.</td>`,
	} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("result page lacks %s:\n%s", want, body)
		}
	}

	// Again without checking: all skipped but the one that failed, now
	// followed unchecked and due at once.
	_, body = e.upload(t, c, []byte(opml), false)
	if got := between(body, `<p class="summary" id="import-summary">`, `</p>`); got != "Added 1 of 4 feeds; 3 skipped." {
		t.Errorf("second summary %q", got)
	}
	_, body = e.get(t, c, "/desk/sources")
	sources, _ := e.db.FindSources(context.Background())
	for _, src := range sources {
		row := element(t, body, "tr", "source-"+itoa(src.ID))
		want := []string{`<td class="interval">30 minutes</td>`, `>in 30 minutes</time>`}
		if src.Name == "Gone Gazette" {
			want = []string{`<td class="interval">not yet known</td>`, `>due now</time>`, `badge-new`}
		}
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("%s's row lacks %s:\n%s", src.Name, w, row)
			}
		}
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
	// Signed out, neither is reachable.
	if res, _ := e.get(t, e.browser(t), "/desk/sources/export"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("export signed out: status %d", res.StatusCode)
	}
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
			res, body := e.upload(t, c, tc.file, true)
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
