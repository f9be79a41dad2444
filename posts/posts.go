// Package posts holds the rules of the posts editors write, above their
// storage: a post written from an item credits the item's outlet and
// original article as stored, never what a form or a request says; a new
// post is a draft unless it says otherwise; headlines and summaries are
// stored without the spaces around them; tags are made from their names;
// only a member of staff writes, and is credited as the author; the
// public sees published posts only. The desk, the API and the demo call
// its Service, so that each rule holds the same through every one.
//
// Who acts is read from the context (newsdesk.WithUser): a surface puts
// the signed-in user there, and the demo its editor.
package posts

import (
	"context"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Items finds the item a post is written from; *store.DB is one.
type Items interface {
	// FindItemByID returns ENOTFOUND if the item does not exist.
	FindItemByID(ctx context.Context, id int64) (*newsdesk.Item, error)
}

// Config is what a Service uses.
type Config struct {
	// Posts stores the posts; *store.DB is one.
	Posts newsdesk.PostService
	// Items finds the items posts are written from and credit.
	Items Items
}

// Service holds the rules of posts. Its methods are safe to call from
// many goroutines.
type Service struct {
	posts newsdesk.PostService
	items Items
}

// New returns a Service.
func New(cfg Config) *Service {
	return &Service{posts: cfg.Posts, items: cfg.Items}
}

// Draft is what an editor writes of a new post.
type Draft struct {
	// ItemID is the item the post is written from: the post credits its
	// outlet and links its original article.
	ItemID   int64
	Headline string
	Summary  string
	Status   newsdesk.PostStatus // PostDraft when empty
	Tags     []string            // names, as the editor writes them
	// PublishedAt is when a post published at once says it was; nil
	// for now. The demo's sample posts are dated in the past.
	PublishedAt *time.Time
}

// Changes are what an edit changes of a post; nil leaves a part as it is.
type Changes struct {
	Headline *string
	Summary  *string
	Status   *newsdesk.PostStatus
	Tags     *[]string // names; an empty list removes every tag
}

// Compose returns the post an editor starts from when writing about the
// item, unsaved: the item's title and summary, as a draft, with the
// item's credit. It returns ENOTFOUND if the item does not exist.
func (s *Service) Compose(ctx context.Context, itemID int64) (*newsdesk.Post, error) {
	it, err := s.items.FindItemByID(ctx, itemID)
	if err != nil {
		return nil, err
	}
	p := &newsdesk.Post{Headline: it.Title, Summary: it.Summary, Status: newsdesk.PostDraft}
	credit(p, it)
	return p, nil
}

// Create stores a new post written from the item d.ItemID names, by the
// member of staff acting in ctx, who is its author, and returns it with
// its ID and slug. It returns EUNAUTHORIZED when nobody acts in ctx,
// ENOTFOUND when the item does not exist, and EINVALID when the post is
// incomplete or a tag cannot be one.
func (s *Service) Create(ctx context.Context, d Draft) (*newsdesk.Post, error) {
	author, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.items.FindItemByID(ctx, d.ItemID)
	if err != nil {
		return nil, err
	}
	tags, err := newsdesk.MakeTags(d.Tags)
	if err != nil {
		return nil, err
	}
	if d.Status == "" {
		d.Status = newsdesk.PostDraft
	}
	p := &newsdesk.Post{
		Headline:    strings.TrimSpace(d.Headline),
		Summary:     strings.TrimSpace(d.Summary),
		Status:      d.Status,
		Tags:        tags,
		AuthorID:    author.ID,
		PublishedAt: d.PublishedAt,
	}
	credit(p, it)
	if err := s.posts.CreatePost(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// credit makes p credit the item: its outlet's name and its original
// article's address, as stored. Nothing else sets a post's credit, so a
// form or a request cannot credit another outlet or link elsewhere.
func credit(p *newsdesk.Post, it *newsdesk.Item) {
	p.ItemID = &it.ID
	p.SourceName = it.SourceName
	p.OriginalURL = it.URL
}

// Update changes the post with the ID as ch says, by the member of staff
// acting in ctx, and returns it. Publishing a draft stamps its
// publication time once; the slug and the credit never change. It
// returns EUNAUTHORIZED when nobody acts in ctx, ENOTFOUND when the post
// does not exist, and EINVALID when the post would be incomplete or a
// tag cannot be one.
func (s *Service) Update(ctx context.Context, id int64, ch Changes) (*newsdesk.Post, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	p, err := s.posts.FindPostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if ch.Headline != nil {
		p.Headline = strings.TrimSpace(*ch.Headline)
	}
	if ch.Summary != nil {
		p.Summary = strings.TrimSpace(*ch.Summary)
	}
	if ch.Status != nil {
		p.Status = *ch.Status
	}
	if ch.Tags != nil {
		if p.Tags, err = newsdesk.MakeTags(*ch.Tags); err != nil {
			return nil, err
		}
	}
	if err := s.posts.UpdatePost(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Find returns the post with the ID, or ENOTFOUND. Only staff (someone
// acting in ctx) see drafts: to the public a draft is not found, like a
// post that does not exist.
func (s *Service) Find(ctx context.Context, id int64) (*newsdesk.Post, error) {
	p, err := s.posts.FindPostByID(ctx, id)
	return visible(ctx, id, p, err)
}

// FindBySlug returns the post with the slug, or ENOTFOUND; to the public
// a draft is not found.
func (s *Service) FindBySlug(ctx context.Context, slug string) (*newsdesk.Post, error) {
	p, err := s.posts.FindPostBySlug(ctx, slug)
	return visible(ctx, slug, p, err)
}

// visible passes on a post found by key, unless it is a draft and nobody
// acts in ctx.
func visible(ctx context.Context, key any, p *newsdesk.Post, err error) (*newsdesk.Post, error) {
	if err == nil && p.Status != newsdesk.PostPublished && newsdesk.UserFrom(ctx) == nil {
		return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "Post %v not found.", key)
	}
	return p, err
}

// List returns the posts f names, published ones newest first, then
// drafts; to the public, published ones only.
func (s *Service) List(ctx context.Context, f newsdesk.PostFilter) ([]*newsdesk.Post, error) {
	if newsdesk.UserFrom(ctx) == nil {
		f.Status = newsdesk.PostPublished
	}
	return s.posts.FindPosts(ctx, f)
}

// actor returns the member of staff acting in ctx, or EUNAUTHORIZED.
func actor(ctx context.Context) (*newsdesk.User, error) {
	if u := newsdesk.UserFrom(ctx); u != nil {
		return u, nil
	}
	return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Sign in to write posts.")
}
