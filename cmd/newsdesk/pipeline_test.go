package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
)

// pipelineItem is an outlet's item: what its feed says, and its page.
type pipelineItem struct{ guid, title, summary, page string }

// The bridge story, and three items whose feeds say nothing of what they
// are about; their pages are about the bridge.
var (
	bridgeItem = pipelineItem{"bridge", "Calder bridge closes for a year of repairs",
		"The Calder bridge closes on Monday for a year of repairs to its corroded steel cables and cracked deck.",
		"The Calder bridge will close to all traffic on Monday for a year of repairs, the city's engineer said. Inspectors found corroded steel cables and a cracked deck on the bridge, which carries 30,000 vehicles a day across the Calder estuary."}
	ferryItem = pipelineItem{"ferry", "Skerry ferries return after the storm",
		"Ferries to the Skerry Islands sail again after three days in port, on a reduced timetable.",
		"Ferries to the Skerry Islands sailed again on Thursday after three days in port. The operator runs a reduced timetable until the storm-damaged pier is repaired."}
)

func teaserItem(guid string) pipelineItem {
	return pipelineItem{guid, "Read the latest from our reporter", "Our reporter has the details.",
		"Repairs to the Calder bridge will take a year, and the bridge closes to all traffic on Monday, the city's engineer told reporters. The steel cables are corroded and the deck is cracked; the 30,000 vehicles that cross the Calder estuary each day will be diverted."}
}

// pipelineOutlet serves a feed of the items the test sets and their pages.
type pipelineOutlet struct {
	*httptest.Server
	mu    sync.Mutex
	items []pipelineItem
}

func newPipelineOutlet(t *testing.T, items ...pipelineItem) *pipelineOutlet {
	o := &pipelineOutlet{items: items}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		items := append([]pipelineItem(nil), o.items...)
		o.mu.Unlock()
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case r.URL.Path == "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, o.feed(items...))
		case strings.HasPrefix(r.URL.Path, "/news/"):
			guid := strings.TrimPrefix(r.URL.Path, "/news/")
			for _, it := range append(items, teaserItem(guid)) {
				if it.guid == guid {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>%s</title></head><body><article><h1>%[1]s</h1><p>%s</p></article></body></html>`,
						html.EscapeString(it.title), html.EscapeString(it.page))
					return
				}
			}
			http.NotFound(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *pipelineOutlet) feed(items ...pipelineItem) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor City Ledger</title>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>%s/news/%[1]s</link><description>%s</description></item>",
			it.guid, html.EscapeString(it.title), o.URL, html.EscapeString(it.summary))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func (o *pipelineOutlet) add(it pipelineItem) {
	o.mu.Lock()
	o.items = append(o.items, it)
	o.mu.Unlock()
}

// `newsdesk serve` extracts and clusters new items however they arrive, at
// once: pushed by a WebSub hub, polled with the desk's "Poll now", polled
// with `newsdesk sources poll` from another process. Its tick is an hour,
// so its sweeps cannot be what does it. Each item is clustered on its
// page's text, which puts it in the bridge story; its feed's text would
// not.
func TestServePipelineEntryPoints(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "newsdesk.db")
	o := newPipelineOutlet(t, bridgeItem, ferryItem)
	allow := strings.TrimPrefix(o.URL, "http://")
	if _, _, msg := cli(t, "", "sources", "add", "--no-check", "--database", dsn, o.URL+"/feed.xml"); msg != "" {
		t.Fatal(msg)
	}
	if _, _, msg := cli(t, "a long secret for the desk\n", "users", "add", "--database", dsn, "--role", "editor", "editor@example.org"); msg != "" {
		t.Fatal(msg)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A lease a hub granted earlier, so that it may push at once.
	expires := time.Now().Add(24 * time.Hour)
	if err := db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: 1, Hub: "https://hub.example/", Topic: o.URL + "/feed.xml",
		Token: "token", Secret: "secret", State: newsdesk.LeaseActive, Lease: 24 * time.Hour, ExpiresAt: &expires}, time.Time{}); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := serveForTest(t, "--database", dsn, "--addr", addr, "--public-url", "http://"+addr,
		"--allow-private", allow, "--tick", "1h")

	storyOf := func(guid string) int64 {
		list, _ := db.FindStories(ctx, newsdesk.StoryFilter{Limit: 100})
		for _, s := range list {
			full, _ := db.FindStoryByID(ctx, s.ID)
			for _, it := range full.Items {
				if it.Item.GUID == guid {
					return s.ID
				}
			}
		}
		return 0
	}
	inBridgeStory := func(guid string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for storyOf(guid) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s was not clustered within 30s", guid)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if storyOf(guid) != storyOf(bridgeItem.guid) {
			t.Errorf("%s is not in the bridge story: clustered on its feed's text, not its page's", guid)
		}
	}
	// The first poll, at start.
	inBridgeStory(bridgeItem.guid)

	// A WebSub hub pushes an item.
	body := o.feed(teaserItem("pushed"))
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(body))
	req, _ := http.NewRequest(http.MethodPost, base+"/websub/1/token", strings.NewReader(body))
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("push: %s", resp.Status)
	}
	inBridgeStory("pushed")

	// An editor polls the source from the desk.
	o.add(teaserItem("desk"))
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	for _, step := range []struct{ path, form string }{
		{"/desk/signin", "email=editor%40example.org&password=a+long+secret+for+the+desk"},
		{"/desk/sources/1/poll", ""},
	} {
		resp, err := c.PostForm(base+step.path, mustQuery(step.form))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", step.path, resp.Status)
		}
	}
	inBridgeStory("desk")

	// Someone polls it from the command line, which runs no workers: the
	// server's do the rest.
	o.add(teaserItem("cli"))
	out, _, msg := cli(t, "", "sources", "poll", "--database", dsn, "--allow-private", allow, "1")
	if msg != "" || !strings.Contains(out, "queued for extraction") {
		t.Fatalf("sources poll: %q %s", out, msg)
	}
	inBridgeStory("cli")
}

func mustQuery(s string) url.Values {
	v, err := url.ParseQuery(s)
	if err != nil {
		panic(err)
	}
	return v
}
