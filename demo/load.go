package demo

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
)

// Deps is what Load uses.
type Deps struct {
	Sources newsdesk.SourceService
	Items   newsdesk.ItemService
	Posts   *posts.Service
	Feeds   newsdesk.FeedService
	// Mover moves what an earlier run stored from the outlets to the
	// server's new port; *store.DB is one.
	Mover SourceMover
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SourceMover points a source and everything stored from it at a new
// address; *store.DB is one.
type SourceMover interface {
	// MoveSource makes every stored address of the source that starts
	// with from start with to instead: the feed's, its items' and their
	// articles', and the credit links of posts made from them.
	MoveSource(ctx context.Context, id int64, from, to string) error
}

// Load follows the demo outlets served by srv and publishes the seed
// posts, written by the member of staff acting in ctx (newsdesk.WithUser):
// the demo editor.
//
// It is idempotent. On a second run (a restart of `serve --demo`, with the
// fixture server on a new port) it moves the demo sources it followed
// before to srv's address, with their items, articles and the posts that
// credit them, so that no stored link points at the old port, and polls
// them, instead of following them again; it publishes no seed post twice:
// a post whose headline's slug exists already is left alone, whoever
// wrote it.
func Load(ctx context.Context, srv *Server, deps Deps) error {
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	existing, err := deps.Sources.FindSources(ctx)
	if err != nil {
		return fmt.Errorf("demo: list sources: %w", err)
	}
	followed := map[string]*newsdesk.Source{} // by outlet name
	for _, o := range srv.Outlets() {
		src, err := follow(ctx, deps, o, existing)
		if err != nil {
			return fmt.Errorf("demo: follow %s: %w", o.Name, err)
		}
		followed[o.Name] = src
	}
	for _, seed := range Posts() {
		if err := publish(ctx, deps, seed, followed[seed.Outlet], now()); err != nil {
			return fmt.Errorf("demo: post %q: %w", seed.Headline, err)
		}
	}
	return nil
}

// follow adds the outlet's feed as a source, or, if an earlier run added
// it, moves that source to this server and polls it.
func follow(ctx context.Context, deps Deps, o Outlet, existing []*newsdesk.Source) (*newsdesk.Source, error) {
	src := demoSource(existing, o)
	if src == nil {
		return deps.Feeds.AddFeed(ctx, o.FeedURL)
	}
	if src.FeedURL != o.FeedURL {
		if deps.Mover == nil {
			return nil, fmt.Errorf("%s moved from %s, and Deps has no Mover", o.Name, src.FeedURL)
		}
		// Items, articles and posts keep the links they were stored with:
		// move them all, not only the source.
		if err := deps.Mover.MoveSource(ctx, src.ID, origin(src.FeedURL), origin(o.FeedURL)); err != nil {
			return nil, err
		}
		src.FeedURL = o.FeedURL
	}
	if _, err := deps.Feeds.PollSource(ctx, src.ID); err != nil {
		return nil, err
	}
	return src, nil
}

// demoSource finds the source an earlier run made for the outlet: the one
// with its feed URL, or else one reading the same path from a loopback
// server, which is the demo server on the port it had then.
func demoSource(sources []*newsdesk.Source, o Outlet) *newsdesk.Source {
	want, err := url.Parse(o.FeedURL)
	if err != nil {
		return nil
	}
	var moved *newsdesk.Source
	for _, s := range sources {
		if s.FeedURL == o.FeedURL {
			return s
		}
		u, err := url.Parse(s.FeedURL)
		if err == nil && moved == nil && u.Path == want.Path && isLoopback(u.Hostname()) {
			moved = s
		}
	}
	return moved
}

// origin returns the scheme and host of an address, with a slash:
// http://127.0.0.1:41234/.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host + "/"
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// publish creates the seed post unless a post with its slug exists.
func publish(ctx context.Context, deps Deps, seed PostSeed, src *newsdesk.Source, now time.Time) error {
	if src == nil {
		return fmt.Errorf("no demo outlet named %q", seed.Outlet)
	}
	_, err := deps.Posts.FindBySlug(ctx, newsdesk.Slugify(seed.Headline))
	switch newsdesk.ErrorCode(err) {
	case "":
		return nil // published on an earlier run
	case newsdesk.ENOTFOUND:
	default:
		return err
	}
	item, err := findItem(ctx, deps.Items, src, seed.GUID)
	if err != nil {
		return err
	}
	published := now.Add(-seed.Age)
	_, err = deps.Posts.Create(ctx, posts.Draft{
		ItemID:      item.ID,
		Headline:    seed.Headline,
		Summary:     seed.Summary,
		Status:      newsdesk.PostPublished,
		Tags:        newsdesk.SplitTags(seed.Tags),
		PublishedAt: &published,
	})
	return err
}

// findItem returns the source's item with the GUID. A demo outlet has a
// dozen items at most, so one page of 500 holds them all.
func findItem(ctx context.Context, items newsdesk.ItemService, src *newsdesk.Source, guid string) (*newsdesk.Item, error) {
	list, err := items.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, it := range list {
		if it.GUID == guid {
			return it, nil
		}
	}
	return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "%s has no item %s.", src.Name, guid)
}
