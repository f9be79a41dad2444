package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/ingest"
)

// outlets serves two small feeds and a home page that names one of them,
// on loopback, and counts the requests.
func outlets(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/echo.rss"></head><body>Home</body></html>`)
		case "/echo.rss":
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Millbrook Echo</title>
<item><guid>m1</guid><title>Weir repairs finish</title><link>https://echo.example/1</link></item></channel></rss>`)
		case "/ledger.atom":
			fmt.Fprint(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>
<entry><id>l1</id><title>Tram line opens</title><link href="https://ledger.example/1"/><updated>2026-03-01T10:00:00Z</updated></entry></feed>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

func TestSourcesAddFindsTheFeedOfAHomePage(t *testing.T) {
	srv, _ := outlets(t)
	db := filepath.Join(t.TempDir(), "n.db")
	out, _, msg := cli(t, "", "sources", "add", "--database", db, "--allow-private", "127.0.0.1", srv.URL)
	if msg != "" || !strings.Contains(out, "Following Millbrook Echo (source 1): 1 items.") {
		t.Fatalf("add home page: %q %q", out, msg)
	}
	out, _, _ = cli(t, "", "sources", "list", "--database", db)
	if !strings.Contains(out, srv.URL+"/echo.rss") {
		t.Fatalf("the source does not follow the feed the page names:\n%s", out)
	}
}

func TestSourcesImportAndExport(t *testing.T) {
	srv, requests := outlets(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	file := filepath.Join(dir, "subs.opml")
	opml := fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Local"><outline text="The Echo" xmlUrl="%[1]s/echo.rss"/><outline text="City Ledger" xmlUrl="%[1]s/ledger.atom" htmlUrl="https://ledger.example/"/></outline>
<outline text="Echo again" xmlUrl="%[1]s/echo.rss"/>
<outline text="Gone Gazette" xmlUrl="%[1]s/gone.rss"/>
</body></opml>`, srv.URL)
	if err := os.WriteFile(file, []byte(opml), 0o600); err != nil {
		t.Fatal(err)
	}

	out, stderr, msg := cli(t, "", "sources", "import", "--database", db, "--allow-private", "127.0.0.1", file)
	for _, want := range []string{
		"added    The Echo      " + srv.URL + "/echo.rss",
		"added    City Ledger   " + srv.URL + "/ledger.atom",
		"skipped  Echo again    " + srv.URL + "/echo.rss     Listed twice in the file.",
		"failed   Gone Gazette  " + srv.URL + "/gone.rss     " + strings.TrimPrefix(srv.URL, "http://") + " answered 404 Not Found.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// Not a terminal: no bar, just the summary.
	if stderr != "Added 2 of 4 feeds (1 skipped, 1 failed).\n" {
		t.Errorf("stderr %q", stderr)
	}
	if msg != "1 feed could not be followed; the list above says why." {
		t.Errorf("error %q", msg)
	}

	// Again, from standard input, without fetching: everything is
	// followed already but the feed that failed, which is now followed
	// without a check.
	before := requests.Load()
	out, stderr, msg = cli(t, opml, "sources", "import", "--database", db, "--no-check", "-")
	if msg != "" || stderr != "Added 1 of 4 feeds (3 skipped).\n" || !strings.Contains(out, "skipped  The Echo") {
		t.Errorf("second import: %q %q %q", out, stderr, msg)
	}
	if requests.Load() != before {
		t.Errorf("--no-check fetched %d times", requests.Load()-before)
	}

	list, _, _ := cli(t, "", "sources", "list", "--database", db)
	// The feeds checked are next due in about their interval of 30
	// minutes (give or take the jitter); the one followed unchecked is due
	// at once.
	for _, want := range []string{"The Echo", "City Ledger", "Gone Gazette", "due now", "30m"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if !regexp.MustCompile(`30m +just now +in (2[7-9]|3[0-3])m `).MatchString(list) {
		t.Errorf("list does not say when the checked feeds are due:\n%s", list)
	}

	exported, _, msg := cli(t, "", "sources", "export", "--database", db)
	if msg != "" {
		t.Fatal(msg)
	}
	feeds, err := ingest.ParseOPML(strings.NewReader(exported))
	if err != nil {
		t.Fatalf("%v:\n%s", err, exported)
	}
	got := fmt.Sprint(feeds)
	for _, want := range []string{"{City Ledger " + srv.URL + "/ledger.atom https://ledger.example/}", "{Gone Gazette " + srv.URL + "/gone.rss }", "{The Echo " + srv.URL + "/echo.rss }"} {
		if !strings.Contains(got, want) {
			t.Errorf("export lacks %s: %s", want, got)
		}
	}
}

func TestSourcesImportBadFiles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	for _, tc := range []struct{ name, stdin, want string }{
		{"not OPML", `<?xml version="1.0"?><rss version="2.0"></rss>`, "The file is not an OPML subscription list."},
		{"no feeds", `<opml><body><outline text="folder"/></body></opml>`, "The OPML file lists no feeds"},
		{"entities", `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><opml><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>`, "The OPML file is malformed"},
	} {
		_, _, msg := cli(t, tc.stdin, "sources", "import", "--database", db, "-")
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, msg, tc.want)
		}
	}
	if _, _, msg := cli(t, "", "sources", "import", "--database", db, filepath.Join(t.TempDir(), "missing.opml")); !strings.Contains(msg, "Cannot open") {
		t.Errorf("missing file: %q", msg)
	}
	for _, args := range [][]string{{"sources", "import", "--help"}, {"sources", "export", "--help"}} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &errb)
		if !errors.Is(err, errHelp) || !strings.Contains(out.String(), "Usage: newsdesk "+args[0]+" "+args[1]) {
			t.Errorf("%v: %v\n%s", args, err, out.String())
		}
	}
}

// On a terminal the bar redraws in place and ends with a new line.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := &progressBar{w: &b, tty: true}
	for i := 1; i <= 4; i++ {
		bar.update(i, 4)
		bar.drawn = time.Time{} // as if time had passed
	}
	bar.finish()
	want := "\r[#######.......................] 1/4 feeds\r[###############...............] 2/4 feeds" +
		"\r[######################........] 3/4 feeds\r[##############################] 4/4 feeds\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	plain := newProgressBar(&b)
	plain.update(1, 2)
	plain.finish()
	if b.Len() != 0 {
		t.Errorf("a bar drawn to a buffer: %q", b.String())
	}
}
