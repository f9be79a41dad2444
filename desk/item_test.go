package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
)

// newArticleEnv is newEnv with the items' articles shown.
func newArticleEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	srv := httptest.NewServer(desk.New(desk.Config{
		Sources: e.db, Items: e.db, Posts: testPosts(e.db), Staff: testStaff(e.db), Feeds: e.feeds, Articles: e.db,
		Now: func() time.Time { return testNow },
	}))
	t.Cleanup(srv.Close)
	e.srv = srv
	return e
}

// The item page shows the article extracted from the item's page, why
// there is none, or that its page has not been fetched yet.
func TestItemPageShowsArticle(t *testing.T) {
	e := newArticleEnv(t)
	ctx := context.Background()
	src := &newsdesk.Source{Name: "The Tidewater Times", FeedURL: "https://tide.example/feed"}
	if err := e.db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveItems(ctx, src.ID, []*newsdesk.Item{
		{GUID: "1", URL: "https://tide.example/dredging", Title: "Harbour dredging starts"},
		{GUID: "2", URL: "https://tide.example/gone", Title: "Gone"},
		{GUID: "3", URL: "https://tide.example/new", Title: "Lighthouse open day", Summary: "The lighthouse opens its doors."},
	}); err != nil {
		t.Fatal(err)
	}
	items, _ := e.db.FindItems(ctx, newsdesk.ItemFilter{})
	id := map[string]int64{}
	for _, it := range items {
		id[it.GUID] = it.ID
	}
	published := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	for _, a := range []*newsdesk.Article{
		{ItemID: id["1"], Title: "Harbour dredging starts", Byline: "Ana Ruiz", SiteName: "The Tidewater Times",
			Language: "en", PublishedAt: &published, Text: "The board met.\n\nWork starts in spring.",
			HTML: `<p>The board met.</p><p>Work starts <a href="https://tide.example/spring">in spring</a>.</p>`},
		{ItemID: id["2"], Error: "The page answered 404 Not Found."},
	} {
		if err := e.db.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signedIn(t)

	tests := []struct {
		name, guid string
		want       []string
	}{
		{"extracted", "1", []string{
			"<h1>Harbour dredging starts</h1>",
			`<p>The board met.</p><p>Work starts <a href="https://tide.example/spring">in spring</a>.</p>`,
			"Ana Ruiz", "1 May 2026 09:30 UTC", `href="https://tide.example/dredging"`,
			fmt.Sprintf(`href="/desk/posts/new?item=%d"`, id["1"]),
		}},
		{"failed", "2", []string{"newsdesk could not extract the article: The page answered 404 Not Found."}},
		{"not yet", "3", []string{"has not fetched this item's page yet", "The lighthouse opens its doors."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := e.get(t, c, fmt.Sprintf("/desk/items/%d", id[tt.guid]))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
		})
	}

	// The items list links to each item's page.
	if _, body := e.get(t, c, "/desk/items"); !strings.Contains(body, fmt.Sprintf(`href="/desk/items/%d"`, id["1"])) {
		t.Error("the items list does not link to the item's page")
	}
	if res, _ := e.get(t, c, "/desk/items/999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing item: status %d, want 404", res.StatusCode)
	}
	if res, _ := e.get(t, c, "/desk/items/nope"); res.StatusCode != http.StatusNotFound {
		t.Errorf("malformed item ID: status %d, want 404", res.StatusCode)
	}
	if res, _ := e.get(t, e.browser(t), fmt.Sprintf("/desk/items/%d", id["1"])); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: status %d, want a redirect to sign in", res.StatusCode)
	}
}
