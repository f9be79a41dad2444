package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/story"
)

// newStoriesEnv is newEnv with the stories service, as newsdesk serves the
// desk.
func newStoriesEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.SQLite(t)
	db.Now = func() time.Time { return testNow }
	feeds := newFakeFeeds(db)
	mux := http.NewServeMux()
	mux.Handle("/", site.New(site.Config{Posts: testPosts(db), Title: "The Harbour Digest"}))
	mux.Handle("/desk/", desk.New(desk.Config{
		Sources: db, Items: db, Posts: testPosts(db), Staff: testStaff(db), Feeds: feeds, Stories: story.NewService(story.Config{Store: db}),
		Now: func() time.Time { return testNow },
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, feeds: feeds, srv: srv, editor: u}
}

// storyNews is what the stories tests cluster: the bridge story from
// three outlets (the Wire's copy carried by the Courier too), and the
// ferry story from one.
type storyNews struct {
	bridge, ferry int64
	items         map[string]*newsdesk.Item // by GUID
}

func seedStories(t *testing.T, e *env) storyNews {
	t.Helper()
	ctx := context.Background()
	at := func(h int) *time.Time { t := testNow.Add(-time.Duration(h) * time.Hour); return &t }
	item := func(guid, title string, h int) *newsdesk.Item {
		return &newsdesk.Item{GUID: guid, URL: "https://news.example/" + guid, Title: title, Summary: "About " + title + ".", PublishedAt: at(h)}
	}
	e.source(t, "Harbor City Ledger", item("ledger-bridge", "Calder bridge closes for repairs", 6))
	e.source(t, "Northern Wire", item("wire-bridge", "Bridge repairs to take a year", 5), item("wire-ferry", "Ferries return to the Skerries", 2))
	e.source(t, "Eastmere Courier", item("courier-bridge", "Bridge repairs to take a year", 4))
	list, err := e.db.FindItems(ctx, newsdesk.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := storyNews{items: map[string]*newsdesk.Item{}}
	for _, it := range list {
		n.items[it.GUID] = it
	}
	err = e.db.ClusterStories(ctx, func(b newsdesk.StoryBatch) error {
		todo, err := b.Unclustered(newsdesk.UnclusteredFilter{Limit: 100})
		if err != nil {
			return err
		}
		byID := map[int64]newsdesk.ClusterItem{}
		for _, it := range todo {
			byID[it.ID] = it
		}
		add := func(guid string, story, copyOf int64) int64 {
			id, _, err := b.Add(byID[n.items[guid].ID], story, copyOf)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		n.bridge = add("ledger-bridge", 0, 0)
		add("wire-bridge", n.bridge, 0)
		add("courier-bridge", n.bridge, n.items["wire-bridge"].ID)
		n.ferry = add("wire-ferry", 0, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStoriesPages(t *testing.T) {
	e := newStoriesEnv(t)
	n := seedStories(t, e)
	c := e.signedIn(t)

	res, _ := e.get(t, c, "/desk/")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/desk/stories" {
		t.Fatalf("the desk's front page answers %d to %q, want a redirect to the stories", res.StatusCode, loc)
	}
	res, body := e.get(t, c, "/desk/stories?outlets=1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stories page: status %d", res.StatusCode)
	}
	bridge := element(t, body, "li", fmt.Sprint("story-", n.bridge))
	for _, want := range []string{"Calder bridge closes for repairs", "Eastmere Courier, Harbor City Ledger, Northern Wire", "3 articles (1 copy)", "6 hours ago", "4 hours ago"} {
		if !strings.Contains(bridge, want) {
			t.Errorf("the bridge story's entry lacks %q:\n%s", want, bridge)
		}
	}
	if b, f := strings.Index(body, fmt.Sprint("story-", n.bridge)), strings.Index(body, fmt.Sprint("story-", n.ferry)); b < 0 || f < 0 || b > f {
		t.Errorf("the bridge story (3 outlets) is not listed before the ferry story (1)")
	}
	if _, body := e.get(t, c, "/desk/stories"); strings.Contains(body, "Ferries return") || !strings.Contains(body, "Calder bridge closes") {
		t.Errorf("by default the stories page lists the ferry story, covered by one outlet, or not the bridge story:\n%s", body)
	}

	_, body = e.get(t, c, fmt.Sprint("/desk/stories/", n.bridge))
	lead := n.items["ledger-bridge"]
	if !strings.Contains(body, fmt.Sprintf(`href="/desk/posts/new?item=%d">Write a post</a>`, lead.ID)) {
		t.Errorf("the story page has no Write a post from its lead:\n%s", body)
	}
	wire := element(t, body, "li", fmt.Sprint("item-", n.items["wire-bridge"].ID))
	if !strings.Contains(wire, "1 copy of this article") || !strings.Contains(wire, "Eastmere Courier") {
		t.Errorf("the wire article does not fold its copy at the Courier:\n%s", wire)
	}
	for _, outlet := range []string{"Harbor City Ledger", "Northern Wire"} {
		if !strings.Contains(body, "<h3>"+outlet+"</h3>") {
			t.Errorf("no section for %s on the story page", outlet)
		}
	}
	if strings.Contains(body, "<h3>Eastmere Courier</h3>") {
		t.Errorf("the Courier's copy is listed as an article of its own, not as a copy")
	}

	// The lead's Write a post opens the post form filled from the lead.
	_, body = e.get(t, c, fmt.Sprint("/desk/posts/new?item=", lead.ID))
	if !strings.Contains(body, `value="Calder bridge closes for repairs"`) || !strings.Contains(body, "Harbor City Ledger") {
		t.Errorf("the post form is not filled from the lead:\n%s", body)
	}

	if res, _ := e.get(t, c, "/desk/stories/999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing story: status %d, want 404", res.StatusCode)
	}
	if res, _ := e.get(t, e.browser(t), "/desk/stories"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/desk/signin") {
		t.Errorf("signed out, the stories page answers %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestStoriesMergeAndSplit(t *testing.T) {
	e := newStoriesEnv(t)
	n := seedStories(t, e)
	c := e.signedIn(t)
	bridge, ferry := strconv.FormatInt(n.bridge, 10), strconv.FormatInt(n.ferry, 10)

	// A form from another site is refused before anything changes.
	res, _ := e.do(t, c, http.MethodPost, "/desk/stories/merge", url.Values{"story": {bridge, ferry}},
		http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site merge: status %d, want 403", res.StatusCode)
	}
	if res, _ := e.post(t, c, "/desk/stories/merge", url.Values{"story": {bridge}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("merging one story: status %d, want 400", res.StatusCode)
	}

	res, _ = e.post(t, c, "/desk/stories/merge", url.Values{"story": {bridge, ferry}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/desk/stories/"+bridge {
		t.Fatalf("merge: status %d to %q", res.StatusCode, loc)
	}
	_, body := e.follow(t, c, res)
	if !strings.Contains(body, "Merged 1 story into this one.") || !strings.Contains(body, "Ferries return to the Skerries") || !strings.Contains(body, "4 articles") {
		t.Errorf("after the merge, the story page:\n%s", body)
	}
	res, _ = e.get(t, c, "/desk/stories/"+ferry)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/stories/"+bridge {
		t.Errorf("the merged-away story answers %d to %q, want a redirect to the story it joined", res.StatusCode, res.Header.Get("Location"))
	}

	ferryItem := strconv.FormatInt(n.items["wire-ferry"].ID, 10)
	res, _ = e.post(t, c, "/desk/stories/"+bridge+"/split", url.Values{"item": {ferryItem}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/desk/stories/") {
		t.Fatalf("split: status %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	newStory := strings.TrimPrefix(res.Header.Get("Location"), "/desk/stories/")
	_, body = e.follow(t, c, res)
	if !strings.Contains(body, "Moved 1 article to this new story.") || !strings.Contains(body, "<h1>Ferries return to the Skerries</h1>") || !strings.Contains(body, "1 article from 1 outlet") {
		t.Errorf("after the split, the new story's page:\n%s", body)
	}
	if _, body := e.get(t, c, "/desk/stories/"+bridge); strings.Contains(body, "Ferries return") || !strings.Contains(body, "3 articles") {
		t.Errorf("the ferry article is still in the bridge story:\n%s", body)
	}
	if res, _ := e.post(t, c, "/desk/stories/"+newStory+"/split", url.Values{"item": {ferryItem}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("splitting a story's only article off: status %d, want 400", res.StatusCode)
	}
	if res, _ := e.post(t, c, "/desk/stories/"+bridge+"/split", url.Values{"item": {"x"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("splitting with a bad item: status %d, want 400", res.StatusCode)
	}
}
