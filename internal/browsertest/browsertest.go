// Package browsertest drives a headless Chromium for the tests of pages:
// the desk and the public site are tested as a reader's browser sees them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with one tab, stopped when its test
// ends. Its steps fail the test at once, saying which step it was.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// New starts a browser for t, or skips t when there is no Chromium:
// $CHROME_PATH, else Debian's chromium. A whole test gets a minute.
func New(t testing.TB) *Browser {
	t.Helper()
	path := find(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
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
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel)
	return &Browser{t: t, ctx: ctx}
}

func find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CHROME_PATH: %v", err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("browser test skipped: no chromium found; install it with `apt-get install -y chromium` or set CHROME_PATH")
	return ""
}

// Context is the browser's tab, for chromedp calls the helpers below do
// not cover.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs steps in the tab and fails the test if one fails.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// Read runs a query in the tab and returns its answer, trimmed.
func (b *Browser) Read(what string, a chromedp.Action[string]) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return strings.TrimSpace(v)
}
