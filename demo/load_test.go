package demo

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// feedService is a small newsdesk.FeedService for these tests, so that they
// depend on the store but not on the ingest package: gofeed reads the feed,
// the store keeps the source and its items.
type feedService struct {
	db *store.DB

	mu           sync.Mutex
	added, polls []string // feed URLs, in call order
}

var _ newsdesk.FeedService = (*feedService)(nil)

func (f *feedService) read(ctx context.Context, url string) (*gofeed.Feed, []*newsdesk.Item, error) {
	feed, err := gofeed.NewParser().ParseURLWithContext(url, ctx)
	if err != nil {
		return nil, nil, newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Cannot read %s.", url)
	}
	var items []*newsdesk.Item
	for _, fi := range feed.Items {
		it := &newsdesk.Item{GUID: fi.GUID, URL: fi.Link, Title: fi.Title, Summary: fi.Description,
			Content: fi.Content, PublishedAt: fi.PublishedParsed}
		if len(fi.Authors) > 0 {
			it.Author = fi.Authors[0].Name
		}
		items = append(items, it)
	}
	return feed, items, nil
}

func (f *feedService) AddFeed(ctx context.Context, url string) (*newsdesk.Source, error) {
	f.mu.Lock()
	f.added = append(f.added, url)
	f.mu.Unlock()
	feed, items, err := f.read(ctx, url)
	if err != nil {
		return nil, err
	}
	src := &newsdesk.Source{Name: feed.Title, FeedURL: url, SiteURL: feed.Link, Status: newsdesk.SourceOK}
	if err := f.db.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	_, err = f.db.SaveItems(ctx, src.ID, items)
	return src, err
}

func (f *feedService) PollSource(ctx context.Context, id int64) (int, error) {
	src, err := f.db.FindSourceByID(ctx, id)
	if err != nil {
		return 0, err
	}
	f.mu.Lock()
	f.polls = append(f.polls, src.FeedURL)
	f.mu.Unlock()
	feed, items, err := f.read(ctx, src.FeedURL)
	now := time.Now()
	if err != nil {
		f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: now, Err: err, NextAt: now.Add(time.Hour)})
		return 0, err
	}
	n, err := f.db.SaveItems(ctx, id, items)
	if err != nil {
		return 0, err
	}
	return n, f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: now, Name: feed.Title, SiteURL: feed.Link, NextAt: now.Add(time.Hour)})
}

// TestLoadTwice runs Load as two starts of `serve --demo` would: the second
// time with the fixture server on another port.
func TestLoadTwice(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	editor := &newsdesk.User{Email: "demo@example.com", Name: "Demo Editor", Role: newsdesk.RoleEditor, PasswordHash: "x"}
	if err := db.CreateUser(ctx, editor); err != nil {
		t.Fatal(err)
	}
	// Sources the demo must leave alone: a real outlet, and a feed on
	// loopback that is not one of the demo's.
	mine := []*newsdesk.Source{
		{Name: "A real outlet", FeedURL: "https://news.example.com/feed.xml"},
		{Name: "A local feed", FeedURL: "http://127.0.0.1:9/planet/feed.xml"},
	}
	for _, s := range mine {
		if err := db.CreateSource(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	feeds := &feedService{db: db}
	now := time.Date(2031, 5, 14, 9, 30, 0, 0, time.UTC)
	deps := Deps{Sources: db, Items: db, Posts: posts.New(posts.Config{Posts: db, Items: db}), Feeds: feeds, Mover: db,
		Now: func() time.Time { return now }}
	ctx = newsdesk.WithUser(ctx, editor)

	first, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, first, deps); err != nil {
		t.Fatalf("first Load: %v", err)
	}
	if len(feeds.added) != 4 || len(feeds.polls) != 0 {
		t.Fatalf("first Load added %v and polled %v, want the 4 outlets added", feeds.added, feeds.polls)
	}
	firstItems := itemURLs(t, db)
	first.Close()

	second, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if second.URL == first.URL {
		t.Fatalf("both servers on %s; the test needs two addresses", first.URL)
	}
	now = now.Add(3 * time.Hour) // the restart comes later
	if err := Load(ctx, second, deps); err != nil {
		t.Fatalf("second Load: %v", err)
	}
	if len(feeds.added) != 4 || len(feeds.polls) != 4 {
		t.Errorf("second Load added %v and polled %v, want the 4 outlets polled and none added", feeds.added[4:], feeds.polls)
	}
	for _, p := range feeds.polls {
		if !strings.HasPrefix(p, second.URL+"/") {
			t.Errorf("polled %s, want the second server %s", p, second.URL)
		}
	}

	// Each outlet is one source, pointing at the second server, healthy.
	sources, err := db.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != len(mine)+4 {
		t.Errorf("%d sources, want %d", len(sources), len(mine)+4)
	}
	byName := map[string]*newsdesk.Source{}
	for _, s := range sources {
		if byName[s.Name] != nil {
			t.Errorf("two sources named %q", s.Name)
		}
		byName[s.Name] = s
	}
	for _, s := range mine {
		if got := byName[s.Name]; got == nil || got.FeedURL != s.FeedURL {
			t.Errorf("the demo changed %q: %+v", s.Name, got)
		}
	}
	outlets := testOutlets(t)
	for _, o := range second.Outlets() {
		src := byName[o.Name]
		if src == nil {
			t.Errorf("no source for %s", o.Name)
			continue
		}
		if src.FeedURL != o.FeedURL || src.SiteURL != o.SiteURL {
			t.Errorf("%s reads %s (site %s), want %s (site %s)", o.Name, src.FeedURL, src.SiteURL, o.FeedURL, o.SiteURL)
		}
		if src.Status != newsdesk.SourceOK || src.LastError != "" {
			t.Errorf("%s: status %s %q after polling the second server", o.Name, src.Status, src.LastError)
		}
		n, err := db.CountItems(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(outlets[o.Name].Articles); n != want {
			t.Errorf("%s has %d items, want %d", o.Name, n, want)
		}
	}

	// Each seed post exists once, published, credited to its outlet's item.
	posts, err := db.FindPosts(ctx, newsdesk.PostFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seeds := Posts()
	if len(posts) != len(seeds) {
		t.Errorf("%d posts after two runs, want %d", len(posts), len(seeds))
	}
	firstRun := now.Add(-3 * time.Hour)
	for _, seed := range seeds {
		slug := newsdesk.Slugify(seed.Headline)
		p, err := db.FindPostBySlug(ctx, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		if _, err := db.FindPostBySlug(ctx, slug+"-2"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			t.Errorf("%s was published twice", slug)
		}
		if p.Status != newsdesk.PostPublished || p.Headline != seed.Headline || p.Summary != seed.Summary {
			t.Errorf("%s: status %s, headline %q", slug, p.Status, p.Headline)
		}
		if p.SourceName != seed.Outlet || p.AuthorID != editor.ID {
			t.Errorf("%s: credits %q, author %d; want %q, %d", slug, p.SourceName, p.AuthorID, seed.Outlet, editor.ID)
		}
		if p.PublishedAt == nil || p.PublishedAt.Sub(firstRun.Add(-seed.Age)).Abs() > time.Second {
			t.Errorf("%s: published %v, want %v", slug, p.PublishedAt, firstRun.Add(-seed.Age))
		}
		if p.ItemID == nil {
			t.Errorf("%s: no item", slug)
			continue
		}
		it, err := db.FindItemByID(ctx, *p.ItemID)
		if err != nil {
			t.Fatal(err)
		}
		if it.GUID != seed.GUID || it.SourceName != seed.Outlet {
			t.Errorf("%s: credits item %s of %s, want %s of %s", slug, it.GUID, it.SourceName, seed.GUID, seed.Outlet)
		}
		// The item and the post link to the outlet where it is now.
		want := second.URL + strings.TrimPrefix(firstItems[seed.GUID], first.URL)
		if p.OriginalURL != it.URL || it.URL != want {
			t.Errorf("%s: links to %s, its item to %s; want %s", slug, p.OriginalURL, it.URL, want)
		}
	}
}

// itemURLs maps every stored item's GUID to its URL.
func itemURLs(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	items, err := db.FindItems(context.Background(), newsdesk.ItemFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range items {
		out[it.GUID] = it.URL
	}
	return out
}

// TestLoadFailsLoudly checks that a demo that cannot follow its outlets
// says so, rather than starting with an empty site.
func TestLoadFailsLoudly(t *testing.T) {
	db := storetest.SQLite(t)
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	srv.Close() // nothing answers at the outlets' addresses
	err = Load(context.Background(), srv, Deps{Sources: db, Items: db, Posts: posts.New(posts.Config{Posts: db, Items: db}), Feeds: &feedService{db: db}})
	if err == nil {
		t.Fatal("Load succeeded with the fixture server closed")
	}
	posts, _ := db.FindPosts(context.Background(), newsdesk.PostFilter{})
	if len(posts) != 0 {
		t.Errorf("%d posts published without their items", len(posts))
	}
}
