package desk_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/newsdesk/newsdesk/internal/browsertest"
)

// In a real browser: choose an OPML file, import it, and read what became
// of each feed.
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
	ctx := b.Context()
	do := b.Do
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
	summary, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#import-summary")))
	if err != nil {
		t.Fatal(err)
	}
	failed, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.import-failed tbody")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(summary) != "Added 2 of 3 feeds; 1 failed." {
		t.Errorf("summary %q", summary)
	}
	if !strings.Contains(failed, "Gone Gazette") || !strings.Contains(failed, "answered 404 Not Found.") {
		t.Errorf("failed feeds %q", failed)
	}
}
