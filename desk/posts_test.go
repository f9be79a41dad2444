package desk_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

func TestPublishFromItem(t *testing.T) {
	e := newEnv(t)
	it := testItem("ledger", 7)
	it.Title = "Harbour bridge to close for repairs"
	it.Summary = "The bridge closes on Monday.\n\nFerries will run every twenty minutes."
	e.source(t, "Harbor City Ledger", it)
	c := e.signedIn(t)

	_, body := e.get(t, c, "/desk/items")
	compose := html.UnescapeString(between(element(t, body, "li", "item-1"), `<a class="button primary" href="`, `"`))
	if compose != "/desk/posts/new?item=1" {
		t.Fatalf("Write post links to %q", compose)
	}
	_, body = e.get(t, c, compose)
	for _, want := range []string{
		`value="Harbour bridge to close for repairs"`,
		">The bridge closes on Monday.\n\nFerries will run every twenty minutes.</textarea>",
		`Read the full story at <a href="https://news.example/stories/7" rel="noopener noreferrer">Harbor City Ledger</a>`,
		`<button type="submit" name="status" value="published" class="primary">Publish</button>`,
		`<button type="submit" name="status" value="draft">Save draft</button>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("compose form lacks %s", want)
		}
	}

	// The form's credit cannot be changed: extra fields are ignored.
	res, _ := e.post(t, c, "/desk/posts", url.Values{
		"item":         {"1"},
		"headline":     {"Bridge closes; ferries step in"},
		"summary":      {"The bridge closes on Monday.\r\n\r\nFerries will run every twenty minutes."},
		"status":       {"published"},
		"source_name":  {"Somebody Else"},
		"original_url": {"https://evil.example/"},
	})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/posts" {
		t.Fatalf("publish: status %d to %q, want 303 to /desk/posts", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, `Published “Bridge closes; ferries step in”. <a href="/posts/bridge-closes-ferries-step-in">View it on the site</a>`) {
		t.Errorf("posts page does not link the published post:\n%s", body)
	}

	p, err := e.db.FindPostBySlug(context.Background(), "bridge-closes-ferries-step-in")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != newsdesk.PostPublished || p.PublishedAt == nil {
		t.Errorf("status %q, published at %v", p.Status, p.PublishedAt)
	}
	if p.SourceName != "Harbor City Ledger" || p.OriginalURL != "https://news.example/stories/7" {
		t.Errorf("credit %q %q, want the item's", p.SourceName, p.OriginalURL)
	}
	if p.ItemID == nil || *p.ItemID != 1 || p.AuthorID != e.editor.ID {
		t.Errorf("item %v, author %d; want item 1 by %d", p.ItemID, p.AuthorID, e.editor.ID)
	}
	if got := p.Paragraphs(); len(got) != 2 {
		t.Errorf("summary paragraphs %q", got)
	}

	res, body = e.get(t, c, "/posts/bridge-closes-ferries-step-in")
	if res.StatusCode != http.StatusOK || !strings.Contains(body,
		`Read the full story at <a href="https://news.example/stories/7" rel="noopener">Harbor City Ledger</a>`) {
		t.Errorf("public page: status %d, or no credit", res.StatusCode)
	}
}

func TestComposeProblems(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 1))
	c := e.signedIn(t)
	full := url.Values{"item": {"1"}, "headline": {"A headline"}, "summary": {"A summary."}, "status": {"published"}}
	with := func(key, value string) url.Values {
		v := url.Values{}
		for k, vs := range full {
			v[k] = vs
		}
		v.Set(key, value)
		return v
	}
	tests := []struct {
		name    string
		form    url.Values
		status  int
		message string
	}{
		{"no headline", with("headline", "   "), 400, "A post needs a headline."},
		{"no summary", with("summary", ""), 400, "A post needs a summary."},
		{"headline too long", with("headline", strings.Repeat("x", 301)), 400, "A headline must be at most 300 characters."},
		// Characters that show nothing are no headline: it would be
		// published as an invisible link on the site.
		{"zero-width headline", with("headline", "\u200B"), 400, "A post needs a headline: this one shows nothing, only spaces or invisible characters such as zero-width spaces."},
		{"invisible headline", with("headline", "\u00A0\u200B\u2060\uFEFF\u202E\u3000\u00AD"), 400, "A post needs a headline: this one shows nothing"},
		{"zero-width summary", with("summary", "\u200B\n\n\u200C"), 400, "A post needs a summary: this one shows nothing"},
		{"unknown status", with("status", "scheduled"), 400, `Unknown post status "scheduled".`},
		{"no item", with("item", ""), 400, "Choose an item on the items page to write about."},
		{"missing item", with("item", "999"), 404, "Item 999 not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := e.post(t, c, "/desk/posts", tt.form)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if !strings.Contains(html.UnescapeString(body), tt.message) {
				t.Errorf("page does not say %q", tt.message)
			}
			if tt.status == 400 && tt.form.Get("item") != "" {
				// The form comes back with what the editor typed.
				if !strings.Contains(body, `value="`+html.EscapeString(strings.TrimSpace(tt.form.Get("headline")))+`"`) ||
					!strings.Contains(body, ">"+html.EscapeString(tt.form.Get("summary"))+"</textarea>") {
					t.Error("the editor's input is lost")
				}
			}
		})
	}
	if posts, _ := e.db.FindPosts(context.Background(), newsdesk.PostFilter{}); len(posts) != 0 {
		t.Errorf("%d posts stored from invalid forms", len(posts))
	}
	if res, _ := e.get(t, c, "/desk/posts/new?item=999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("composing from a missing item: status %d, want 404", res.StatusCode)
	}
}

func TestDraftAndEdit(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 1))
	c := e.signedIn(t)
	res, _ := e.post(t, c, "/desk/posts", url.Values{"item": {"1"}, "headline": {"Work in progress"}, "summary": {"First draft."}, "status": {"draft"}})
	_, body := e.follow(t, c, res)
	if !strings.Contains(body, "Saved “Work in progress” as a draft.") {
		t.Error("no message after saving a draft")
	}
	row := element(t, body, "tr", "post-1")
	if !strings.Contains(row, `<span class="badge badge-draft">draft</span>`) || strings.Contains(row, `/posts/work-in-progress`) {
		t.Errorf("draft row wrong (a draft has no public link):\n%s", row)
	}
	if res, _ := e.get(t, c, "/posts/work-in-progress"); res.StatusCode != http.StatusNotFound {
		t.Errorf("draft is public: status %d", res.StatusCode)
	}

	_, body = e.get(t, c, "/desk/posts/1")
	if !strings.Contains(body, `value="Work in progress"`) || !strings.Contains(body, `<option value="draft" selected>`) {
		t.Errorf("edit form not filled in:\n%s", body)
	}
	res, body = e.post(t, c, "/desk/posts/1", url.Values{"headline": {""}, "summary": {"Second draft."}, "status": {"published"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "A post needs a headline.") || !strings.Contains(body, ">Second draft.</textarea>") {
		t.Errorf("invalid edit: status %d, or message or input lost", res.StatusCode)
	}
	res, _ = e.post(t, c, "/desk/posts/1", url.Values{"headline": {"Finished story"}, "summary": {"Final text."}, "status": {"published"}})
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, `<a href="/posts/work-in-progress">View it on the site</a>`) {
		t.Errorf("no link to the published post (its slug stays):\n%s", body)
	}
	p, err := e.db.FindPostByID(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Headline != "Finished story" || p.Summary != "Final text." || p.Status != newsdesk.PostPublished {
		t.Errorf("post not updated: %+v", p)
	}
	if res, body := e.get(t, c, "/posts/work-in-progress"); res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Finished story</h1>") {
		t.Errorf("published post: status %d", res.StatusCode)
	}
	if res, _ := e.get(t, c, "/desk/posts/999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("editing a missing post: status %d, want 404", res.StatusCode)
	}
}
