package desk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// In a real browser: choose an OPML file, import it, and read what became
// of each feed.
func TestBrowserImportSources(t *testing.T) {
	chromium := findChromium(t)
	site := outletSite(t)
	e := newIngestEnv(t)
	file := filepath.Join(t.TempDir(), "subscriptions.opml")
	opml := fmt.Sprintf(`<?xml version="1.0"?><opml version="2.0"><body>
<outline text="The Echo" xmlUrl="%[1]s/echo.rss"/><outline text="City Ledger" xmlUrl="%[1]s/ledger.atom"/>
<outline text="Gone Gazette" xmlUrl="%[1]s/gone.rss"/></body></opml>`, site.URL)
	if err := os.WriteFile(file, []byte(opml), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	defer cancel()
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

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
