package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/story"
)

// TestDeskStoriesAreFresh loads the demo as `serve --demo` does and
// clusters its items with the desk's own clustering, then reads the
// stories page's list: the events the outlets covered in the last two
// days lead it with a coverage worth the name, ranked by how many outlets
// covered them, and a few older stories follow with less. Demo dates a
// week or more in the past would leave every story at coverage 0.0. The
// stories are the same whether the items are clustered on what the feeds
// say or, as serve does, after their pages' articles are extracted.
func TestDeskStoriesAreFresh(t *testing.T) {
	for _, extracted := range []bool{false, true} {
		name := "feeds only"
		if extracted {
			name = "articles extracted"
		}
		t.Run(name, func(t *testing.T) { testDeskStories(t, extracted) })
	}
}

func testDeskStories(t *testing.T, extracted bool) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	editor := &newsdesk.User{Email: "demo@example.com", Name: "Demo Editor", Role: newsdesk.RoleEditor, PasswordHash: "x"}
	if err := db.CreateUser(ctx, editor); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	srv, err := start("127.0.0.1:0", now)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := Load(newsdesk.WithUser(ctx, editor), srv, Deps{Sources: db, Items: db, Posts: posts.New(posts.Config{Posts: db, Items: db}),
		Feeds: &feedService{db: db}, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	opts := story.RunOptions{MaxBatches: 10}
	if extracted {
		f := ingest.NewFetcher()
		f.Allow = ingest.MustAllow(strings.TrimPrefix(srv.URL, "http://"))
		f.Hosts = ingest.NewHostLimiter(ingest.DefaultPerHost, 0)
		articles := ingest.NewArticles(ingest.ArticlesConfig{Items: db, Articles: db, Fetcher: f})
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if a, err := articles.ExtractItem(ctx, it.ID, true); err != nil || a.Text == "" {
				t.Fatalf("item %s: no article (%v)", it.GUID, err)
			}
		}
		opts.ArticleWait = time.Hour
	}
	if _, more, err := story.NewService(story.Config{Store: db}).Run(ctx, opts); err != nil || more {
		t.Fatalf("clustering: more %v, %v", more, err)
	}
	stories, err := db.FindStories(ctx, newsdesk.StoryFilter{MinOutlets: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(stories) < 6 {
		t.Fatalf("%d stories covered by two outlets or more, want at least 6", len(stories))
	}
	// The item that leads each story, by the GUID's slug.
	leads := map[int64]string{}
	for _, s := range stories {
		full, err := db.FindStoryByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range full.Items {
			if it.Item.ID == s.LeadItemID {
				leads[s.ID] = it.Item.GUID[strings.LastIndex(it.Item.GUID, ":")+1:]
			}
		}
	}
	var older int
	for i, s := range stories {
		c := s.Coverage(now)
		t.Logf("%d. %.2f %d outlets %s", i+1, c, len(s.Outlets), s.Headline)
		if i < 4 && c < 1 {
			t.Errorf("story %d, %q, has coverage %.2f: the stories at the top should be fresh (at least 1.0)", i+1, s.Headline, c)
		}
		if c < 0.05 {
			t.Errorf("story %d, %q, has coverage %.2f: it would show as 0.0", i+1, s.Headline, c)
		}
		if c < 0.5 {
			older++
		}
	}
	if older == 0 || older > len(stories)/2 {
		t.Errorf("%d of %d stories are more than a day or two old, want a few", older, len(stories))
	}
	// The storm, which all four outlets covered, leads; the three-outlet
	// stories come next.
	if top := stories[0]; len(top.Outlets) != 4 || leads[top.ID] != "storm-power-cuts" {
		t.Errorf("the top story is %q, led by %s, covered by %v; want the storm, covered by all four outlets", top.Headline, leads[top.ID], top.Outlets)
	}
	for _, s := range stories[1:3] {
		if len(s.Outlets) != 3 {
			t.Errorf("%q, second or third, is covered by %v; want one of the three-outlet stories", s.Headline, s.Outlets)
		}
	}
}
