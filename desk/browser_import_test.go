package desk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/web/browsertest"
)

// In a real browser: choose an OPML file, import it, land on the import's
// page at once, and watch it reload itself as the new sources are polled,
// until it says what became of each feed.
func TestBrowserImportSources(t *testing.T) {
	site := outletSite(t)
	e := newIngestEnv(t)
	file := filepath.Join(t.TempDir(), "subscriptions.opml")
	opml := fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="The Echo" xmlUrl="%[1]s/echo.rss"/><outline text="City Ledger" xmlUrl="%[1]s/ledger.atom"/>
<outline text="Gone Gazette" xmlUrl="%[1]s/gone.rss"/></body></opml>`, site.URL)
	if err := os.WriteFile(file, []byte(opml), 0o600); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	do, read := b.Do, b.Read
	do("sign in",
		chromedp.Navigate(e.srv.URL+"/desk/sources"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), editorEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), editorPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#opml-file")))
	do("import the file",
		chromedp.SetUploadFiles(chromedp.CSS("#opml-file"), []string{file}),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Import"]`)),
		chromedp.WaitVisible(chromedp.CSS("#import-summary")))
	summary := read("summary", chromedp.Text(chromedp.CSS("#import-summary")))
	before := read("progress before the polls", chromedp.Text(chromedp.CSS("#import-checked")))

	// The scheduler's polls, as the workers would run them: the page
	// reloads itself and shows them.
	sources, err := e.db.FindSources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	feeds := loopbackFeeds(e.db)
	for _, src := range sources {
		feeds.PollSource(context.Background(), src.ID)
	}
	do("wait for the page to reload",
		chromedp.WaitVisible(chromedp.CSS("table.import-failed")))
	after := read("progress after the polls", chromedp.Text(chromedp.CSS("#import-checked")))
	failed := read("failed feeds", chromedp.Text(chromedp.CSS("table.import-failed tbody")))

	if summary != "Added 3 of 3 feeds." {
		t.Errorf("summary %q", summary)
	}
	if before != "Checked 0 of 3: 0 read, 0 failed, 3 waiting." {
		t.Errorf("progress before the polls %q", before)
	}
	if after != "Every new feed has been checked: 2 read, 1 failed." {
		t.Errorf("progress after the polls %q", after)
	}
	if !strings.Contains(failed, "Gone Gazette") || !strings.Contains(failed, "answered 404 Not Found.") {
		t.Errorf("failed feeds %q", failed)
	}
}
