// Package browsertest drives a headless Chromium for the tests of pages:
// the desk and the public site are tested as a reader's browser sees them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// CSPWatch collects the Content-Security-Policy violations that Chromium
// reports in a tab's console ("Framing '...' violates the following
// Content Security Policy directive: ...").
type CSPWatch struct {
	b    *Browser
	mu   sync.Mutex
	msgs []string
}

// WatchCSP starts collecting the tab's Content-Security-Policy violations,
// from every page it opens from now on until the test ends.
func (b *Browser) WatchCSP() *CSPWatch {
	b.t.Helper()
	// Start the browser on the tab's own context first: the browser lives
	// as long as the context that starts it, and the watch's is shorter.
	b.Do("start the browser")
	ctx, cancel := context.WithCancel(b.ctx)
	b.t.Cleanup(cancel)
	w := &CSPWatch{b: b}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "Content Security Policy") {
				w.mu.Lock()
				w.msgs = append(w.msgs, m.Text)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// canary is a frame that no page's policy allows.
const canary = "https://csp-canary.example/frame"

// Unexpected returns the violations the open page has reported, after
// making sure all have been: it adds a frame from an origin that every
// policy refuses and waits until Chromium reports that one, which it does
// after any that came before. It fails the test if that report never
// comes, as then the watch sees nothing.
func (w *CSPWatch) Unexpected() []string {
	w.b.t.Helper()
	w.b.Do("add a frame the policy must refuse", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => {
			const f = document.createElement("iframe");
			f.src = "`+canary+`";
			document.body.append(f);
			return true;
		})()`)(ctx, t)
		return err
	}))
	host := strings.TrimPrefix(canary, "https://")
	host = host[:strings.IndexByte(host, '/')]
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		w.mu.Lock()
		msgs := slices.Clone(w.msgs)
		w.mu.Unlock()
		var others []string
		seen := false
		for _, m := range msgs {
			if strings.Contains(m, host) {
				seen = true
			} else {
				others = append(others, m)
			}
		}
		if seen {
			return others
		}
		if time.Now().After(deadline) {
			w.b.t.Fatalf("Chromium reported no Content-Security-Policy violation for a frame from %s within 5s, so the watch cannot see any; it reported %q", host, msgs)
		}
	}
}

// LoadFrames scrolls to each iframe that sel matches, in turn, and waits
// until it has loaded or failed or been refused (at most 3 seconds each:
// a refused frame may never say), so that lazy frames are fetched too.
// It returns their src addresses.
func (b *Browser) LoadFrames(sel string) []string {
	b.t.Helper()
	srcs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(async () => {
		const frames = [...document.querySelectorAll(`+strconv.Quote(sel)+`)];
		for (const f of frames) {
			f.scrollIntoView();
			await new Promise(done => { f.addEventListener("load", done); setTimeout(done, 3000); });
		}
		return frames.map(f => f.src);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("load the frames %s: %v", sel, err)
	}
	return srcs
}
