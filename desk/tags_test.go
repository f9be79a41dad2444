package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPostTags(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Harbor City Ledger", testItem("ledger", 7))
	c := e.signedIn(t)

	_, body := e.get(t, c, "/desk/posts/new?item=1")
	if !strings.Contains(body, `<input id="tags" name="tags" type="text"`) {
		t.Fatal("compose form has no tags field")
	}
	res, _ := e.post(t, c, "/desk/posts", url.Values{"item": {"1"}, "headline": {"Bridge closes"},
		"summary": {"Ferries step in."}, "status": {"published"}, "tags": {" Transport , Harbor City,transport "}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish with tags: status %d", res.StatusCode)
	}
	if _, body := e.get(t, c, "/desk/posts"); !strings.Contains(body, `<span class="small">Harbor City, Transport</span>`) {
		t.Errorf("posts list does not show the tags")
	}
	p, err := e.db.FindPostBySlug(context.Background(), "bridge-closes")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tags) != 2 || p.Tags[0].Name != "Harbor City" || p.Tags[1].Name != "Transport" {
		t.Fatalf("stored tags %+v", p.Tags)
	}

	// The public page links each tag to its page, which lists the post.
	_, body = e.get(t, c, "/posts/bridge-closes")
	if !strings.Contains(body, `<a rel="tag" href="/tag/harbor-city">Harbor City</a>`) {
		t.Errorf("post page does not link its tag:\n%s", body)
	}
	if res, body := e.get(t, c, "/tag/harbor-city"); res.StatusCode != http.StatusOK || !strings.Contains(body, `<a href="/posts/bridge-closes">Bridge closes</a>`) {
		t.Errorf("tag page: status %d", res.StatusCode)
	}

	// The edit form shows the tags as typed back; editing replaces them.
	_, body = e.get(t, c, "/desk/posts/1")
	if !strings.Contains(body, `value="Harbor City, Transport"`) {
		t.Errorf("edit form lacks the tags")
	}
	e.post(t, c, "/desk/posts/1", url.Values{"headline": {"Bridge closes"}, "summary": {"Ferries step in."},
		"status": {"published"}, "tags": {"Bridges"}})
	p, _ = e.db.FindPostByID(context.Background(), p.ID)
	if len(p.Tags) != 1 || p.Tags[0].Slug != "bridges" {
		t.Fatalf("tags after edit %+v", p.Tags)
	}

	// A tag without letters is refused with a message; what was typed stays.
	res, body = e.post(t, c, "/desk/posts/1", url.Values{"headline": {"Bridge closes"}, "summary": {"Ferries step in."},
		"status": {"published"}, "tags": {"Bridges, ???"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "needs at least one letter or digit") || !strings.Contains(body, `value="Bridges, ???"`) {
		t.Errorf("invalid tag: status %d", res.StatusCode)
	}
	if p, _ = e.db.FindPostByID(context.Background(), p.ID); len(p.Tags) != 1 {
		t.Errorf("invalid tags changed the post: %+v", p.Tags)
	}
}
