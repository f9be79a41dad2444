package desk_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

func TestAddSource(t *testing.T) {
	const feed = "https://ledger.example/feed.xml"
	tests := []struct {
		name    string
		url     string
		err     error // what the feed service answers
		status  int
		message string
	}{
		{"malformed URL", "not a url", newsdesk.Errorf(newsdesk.EINVALID, `"not a url" is not a web address.`), 400, `"not a url" is not a web address.`},
		{"unreachable", feed, newsdesk.Errorf(newsdesk.EUNAVAILABLE, "ledger.example could not be reached."), 502, "ledger.example could not be reached."},
		{"not a feed", feed, newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "That address serves a web page, not a feed."), 422, "That address serves a web page, not a feed."},
		{"huge", feed, newsdesk.Errorf(newsdesk.ETOOLARGE, "The feed is larger than 10 MB."), 413, "The feed is larger than 10 MB."},
		{"already followed", feed, newsdesk.Errorf(newsdesk.ECONFLICT, "You already follow %s.", feed), 409, "You already follow " + feed + "."},
		{"internal", feed, context.DeadlineExceeded, 500, "Internal error."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.feeds.addErr[tt.url] = tt.err
			c := e.signedIn(t)
			res, body := e.post(t, c, "/desk/sources", url.Values{"url": {"  " + tt.url + " "}})
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			got := html.UnescapeString(between(body, `<p id="add-error" class="error" role="alert">`, `</p>`))
			if got != tt.message {
				t.Errorf("message %q, want %q", got, tt.message)
			}
			if value := html.UnescapeString(between(body, `name="url" type="text" inputmode="url" placeholder="https://example.com/feed.xml" required value="`, `"`)); value != tt.url {
				t.Errorf("the form keeps %q, want %q", value, tt.url)
			}
			if srcs, _ := e.db.FindSources(context.Background()); len(srcs) != 0 {
				t.Errorf("%d sources stored after a failure", len(srcs))
			}
		})
	}

	t.Run("followed", func(t *testing.T) {
		e := newEnv(t)
		e.feeds.feeds[feed] = fakeFeed{name: "Harbor City Ledger", items: 12}
		c := e.signedIn(t)
		res, _ := e.post(t, c, "/desk/sources", url.Values{"url": {feed}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/sources" {
			t.Fatalf("status %d to %q, want 303 to /desk/sources", res.StatusCode, res.Header.Get("Location"))
		}
		_, body := e.follow(t, c, res)
		if !strings.Contains(body, "Following Harbor City Ledger: 12 items") {
			t.Errorf("no flash message saying what was followed:\n%s", body)
		}
		if !strings.Contains(body, feed) {
			t.Error("the new source is not listed")
		}
		// A flash is shown once.
		if _, body := e.get(t, c, "/desk/sources"); strings.Contains(body, "Following Harbor City Ledger") {
			t.Error("the flash message shows again on reload")
		}
	})
}

func TestSourcesShowEachSourcesLastError(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	healthy := e.source(t, "Civic Gazette")
	failing := e.source(t, "Eastmere Wire")
	polled := testNow.Add(-5 * time.Minute)
	if err := e.db.RecordPoll(ctx, healthy.ID, newsdesk.PollResult{At: polled, NextAt: testNow.Add(25 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := e.db.RecordPoll(ctx, failing.ID, newsdesk.PollResult{
			At: polled, NextAt: testNow.Add(2 * time.Hour),
			Err: newsdesk.Errorf(newsdesk.EUNAVAILABLE, "wire.example answered 503 Service Unavailable."),
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := e.get(t, e.signedIn(t), "/desk/sources")

	row := element(t, body, "tr", "source-"+itoa(failing.ID))
	for _, want := range []string{
		`class="status-error"`,
		`<span class="badge badge-error">error</span>`,
		`<p class="last-error">wire.example answered 503 Service Unavailable.`,
		`3 failures in a row`,
		`>5 minutes ago</time>`,
		`>in 2 hours</time>`,
		`action="/desk/sources/` + itoa(failing.ID) + `/poll"`,
		`href="/desk/sources/` + itoa(failing.ID) + `/delete"`,
	} {
		if !strings.Contains(row, want) {
			t.Errorf("failing source's row lacks %s:\n%s", want, row)
		}
	}
	row = element(t, body, "tr", "source-"+itoa(healthy.ID))
	if strings.Contains(row, "last-error") || strings.Contains(row, "503") {
		t.Errorf("healthy source's row shows an error:\n%s", row)
	}
	for _, want := range []string{`<span class="badge badge-ok">ok</span>`, `>in 25 minutes</time>`, `>5 minutes ago</time>`} {
		if !strings.Contains(row, want) {
			t.Errorf("healthy source's row lacks %s:\n%s", want, row)
		}
	}
}

func TestPollNow(t *testing.T) {
	e := newEnv(t)
	ok := e.source(t, "Civic Gazette")
	bad := e.source(t, "Eastmere Wire")
	e.feeds.pollErr[bad.ID] = newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The feed is not well-formed XML.")
	c := e.signedIn(t)

	res, _ := e.post(t, c, "/desk/sources/"+itoa(ok.ID)+"/poll", url.Values{})
	_, body := e.follow(t, c, res)
	if !strings.Contains(body, "Polled Civic Gazette: 3 new items") {
		t.Errorf("no result of the poll:\n%s", body)
	}
	if n, _ := e.db.CountItems(context.Background(), ok.ID); n != 3 {
		t.Errorf("%d items stored, want 3", n)
	}

	res, _ = e.post(t, c, "/desk/sources/"+itoa(bad.ID)+"/poll", url.Values{})
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, `<div class="flash flash-error" role="alert">Polling Eastmere Wire failed: The feed is not well-formed XML.`) {
		t.Errorf("no error from the failed poll:\n%s", body)
	}
	if row := element(t, body, "tr", "source-"+itoa(bad.ID)); !strings.Contains(row, "The feed is not well-formed XML.") {
		t.Errorf("the failed source's row does not show the error:\n%s", row)
	}

	if res, _ := e.post(t, c, "/desk/sources/999/poll", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("polling a missing source: status %d, want 404", res.StatusCode)
	}
}

func TestDeleteSource(t *testing.T) {
	e := newEnv(t)
	src := e.source(t, "Civic Gazette", testItem("civic", 1), testItem("civic", 2))
	c := e.signedIn(t)

	_, body := e.get(t, c, "/desk/sources/"+itoa(src.ID)+"/delete")
	if !strings.Contains(body, "Stop following Civic Gazette?") || !strings.Contains(body, "2 stored items") {
		t.Errorf("confirmation page does not say what goes:\n%s", body)
	}
	if _, err := e.db.FindSourceByID(context.Background(), src.ID); err != nil {
		t.Fatal("asking for confirmation deleted the source")
	}
	res, _ := e.post(t, c, "/desk/sources/"+itoa(src.ID)+"/delete", url.Values{})
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, "Stopped following the source and deleted its 2 items.") {
		t.Error("no message after deleting")
	}
	if _, err := e.db.FindSourceByID(context.Background(), src.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("source still there: %v", err)
	}
}

func TestItems(t *testing.T) {
	e := newEnv(t)
	var civic, wire []*newsdesk.Item
	for i := range 20 {
		civic = append(civic, testItem("civic", i))
		wire = append(wire, testItem("wire", 100+i))
	}
	civic[0].Summary = strings.Repeat("Long summary words ", 60)
	gazette := e.source(t, "Civic Gazette", civic...)
	e.source(t, "Eastmere Wire", wire...)
	c := e.signedIn(t)

	_, body := e.get(t, c, "/desk/items")
	if n := strings.Count(body, `class="item"`); n != 30 {
		t.Errorf("%d items on the first page, want 30", n)
	}
	// The newest item (the last stored) comes first, with all it needs.
	first := element(t, body, "li", "item-40")
	for _, want := range []string{
		`<a href="https://news.example/stories/119" rel="noopener noreferrer">Story 119 from the wire</a>`,
		`<span class="outlet">Eastmere Wire</span>`,
		`>5 days ago</time>`,
		`<p class="summary">Summary of story 119. It has two sentences.</p>`,
		`<a class="button primary" href="/desk/posts/new?item=40">Write post</a>`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("item lacks %s:\n%s", want, first)
		}
	}
	older := between(body, `<a rel="next" href="`, `"`)
	if older != "/desk/items?before=11" {
		t.Fatalf("older link %q", older)
	}
	_, body = e.get(t, c, html.UnescapeString(older))
	if n := strings.Count(body, `class="item"`); n != 10 || strings.Contains(body, `rel="next"`) {
		t.Errorf("second page: %d items, want the last 10 and no further link", n)
	}
	if !strings.Contains(element(t, body, "li", "item-1"), "…</p>") {
		t.Error("a long summary is not shortened")
	}

	_, body = e.get(t, c, "/desk/items?source="+itoa(gazette.ID))
	if n := strings.Count(body, `class="item"`); n != 20 || strings.Contains(body, "Eastmere Wire</span>") {
		t.Errorf("filtered page: %d items, or items of another source", n)
	}
	if !strings.Contains(body, `<option value="`+itoa(gazette.ID)+`" selected>Civic Gazette</option>`) {
		t.Error("the filter does not show its choice")
	}

	if res, _ := e.get(t, c, "/desk/items?before=soon"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad before: status %d, want 400", res.StatusCode)
	}
}
