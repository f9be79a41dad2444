// Package postindex keeps an index of the published posts current inside
// a web process, so that each post page can list the posts most related to
// it.
//
// The ranking itself is package related's; this package feeds it. At start
// it reads every post, then every few seconds it reads the posts changed
// since it last looked. That works the same with one process on SQLite and
// with several web processes on one PostgreSQL database, each keeping its
// own index. Writes made through the process's own PostService (see Watch)
// reach its index at once, without waiting for the next poll.
package postindex

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/related"
)

// Source is where the index reads posts from; *store.DB is one.
type Source interface {
	// PostChanges returns posts of any status changed after the point
	// (since, afterID) in (updated_at, id) order, at most limit of them,
	// with their tags.
	PostChanges(ctx context.Context, since time.Time, afterID int64, limit int) ([]*newsdesk.Post, error)
	// CountPublishedPosts counts the published posts.
	CountPublishedPosts(ctx context.Context) (int, error)
	// PublishedPostIDs returns the IDs of every published post.
	PublishedPostIDs(ctx context.Context) ([]int64, error)
}

// Defaults of Config.
const (
	DefaultInterval = 3 * time.Second
	DefaultOverlap  = time.Minute
)

// pageSize is how many changed posts one query reads.
const pageSize = 1000

// Config is what an Index uses.
type Config struct {
	Posts Source
	// Interval is the time between two looks for changed posts.
	// DefaultInterval when zero.
	Interval time.Duration
	// Overlap is how far before the last change seen each look starts
	// reading again. Posts are stamped with the clock of the process that
	// wrote them, and a slow transaction commits after later ones, so a
	// change can appear a little behind the last one seen; changes already
	// indexed are recognised and skipped. DefaultOverlap when zero.
	Overlap time.Duration
	// Options tune the ranking; the zero value is related's defaults.
	Options related.Options
	// Logger receives the failures of background syncs; nil discards them.
	Logger *slog.Logger
}

// Index is the published posts, ranked by relatedness, kept current. It is
// safe for concurrent use.
type Index struct {
	cfg   Config
	index *related.Index

	mu      sync.Mutex          // serialises changes to the fields below and to index
	indexed map[int64]time.Time // published posts in the index → the updated_at indexed
	since   time.Time           // the latest updated_at seen
	synced  bool                // a whole sync has completed

	ready       atomic.Bool
	loggedReady bool // only Run reads and writes it
}

// New returns an empty Index; Sync or Run fills it.
func New(cfg Config) *Index {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = DefaultOverlap
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Index{
		cfg:     cfg,
		index:   related.New(cfg.Options),
		indexed: make(map[int64]time.Time),
	}
}

// Ready reports whether the index has read every post once.
func (x *Index) Ready() bool { return x.ready.Load() }

// Len returns how many published posts the index holds.
func (x *Index) Len() int { return x.index.Len() }

// Related returns the IDs of up to k published posts most related to the
// post, best first: by their text, and a little by shared tags and by
// being published close in time. It returns nothing for a post the index
// does not hold (a draft, or one published since the last sync).
//
// The index may lag the database by up to Interval; callers that must not
// show a post that has just been unpublished check the IDs against the
// database, which asking for a few more than they show makes cheap. Until
// the first sync has finished (seconds, with a hundred thousand posts) it
// returns nothing rather than make the caller wait.
func (x *Index) Related(postID int64, k int) []int64 {
	if !x.ready.Load() {
		return nil
	}
	res := x.index.Related(strconv.FormatInt(postID, 10), k)
	if len(res) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(res))
	for _, r := range res {
		if id, err := strconv.ParseInt(r.ID, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// Sync reads the posts changed since the last sync (all of them, the first
// time) into the index, and removes the posts deleted since.
func (x *Index) Sync(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var since time.Time
	if x.synced {
		since = x.since.Add(-x.cfg.Overlap)
	}
	// The next page is read while this one is indexed.
	readCtx, cancel := context.WithCancel(ctx)
	pages := make(chan changesPage, 1)
	go x.readChanges(readCtx, since, pages)
	defer func() {
		cancel()
		for range pages {
		}
	}()
	changed := false
	for pg := range pages {
		if pg.err != nil {
			return pg.err
		}
		if x.applyAll(pg.posts) {
			changed = true
		}
		for _, p := range pg.posts {
			if p.UpdatedAt.After(x.since) {
				x.since = p.UpdatedAt
			}
		}
	}

	// A deleted post leaves no change behind to read: when the index
	// holds more posts than are published, find which went.
	n, err := x.cfg.Posts.CountPublishedPosts(ctx)
	if err != nil {
		return err
	}
	if len(x.indexed) > n {
		ids, err := x.cfg.Posts.PublishedPostIDs(ctx)
		if err != nil {
			return err
		}
		live := make(map[int64]bool, len(ids))
		for _, id := range ids {
			live[id] = true
		}
		for id := range x.indexed {
			if !live[id] {
				x.remove(id)
				changed = true
			}
		}
	}
	x.synced = true
	if changed {
		// Computed now, so that the next page view does not pay for it.
		// A shutdown does not wait for it: the next query would do it.
		if err := x.index.Settle(ctx); err != nil {
			return err
		}
	}
	x.ready.Store(true)
	return nil
}

type changesPage struct {
	posts []*newsdesk.Post
	err   error
}

// readChanges sends the pages of posts changed after since to pages, and
// closes it after the last one or the first error.
func (x *Index) readChanges(ctx context.Context, since time.Time, pages chan<- changesPage) {
	defer close(pages)
	var after int64
	for {
		page, err := x.cfg.Posts.PostChanges(ctx, since, after, pageSize)
		select {
		case pages <- changesPage{page, err}:
		case <-ctx.Done():
			return
		}
		if err != nil || len(page) < pageSize {
			return
		}
		last := page[len(page)-1]
		since, after = last.UpdatedAt, last.ID
	}
}

// applyAll does what apply does for each post in turn, indexing runs of
// published posts together, and reports whether the index changed.
func (x *Index) applyAll(posts []*newsdesk.Post) bool {
	changed := false
	var docs []related.Doc
	flush := func() {
		if len(docs) > 0 {
			x.index.PutAll(docs)
			docs = docs[:0]
		}
	}
	for _, p := range posts {
		if p.Status != newsdesk.PostPublished {
			if _, ok := x.indexed[p.ID]; ok {
				flush()
				x.remove(p.ID)
				changed = true
			}
			continue
		}
		if at, ok := x.indexed[p.ID]; ok && at.Equal(p.UpdatedAt) {
			continue
		}
		docs = append(docs, postDoc(p))
		x.indexed[p.ID] = p.UpdatedAt
		changed = true
	}
	flush()
	return changed
}

// Apply brings the index up to date with a post just written: a published
// post is indexed (again, if it changed), any other is taken out. It never
// waits for a sync in progress (the first one takes seconds on a large
// site): the sync after it reads the change from the database anyway.
func (x *Index) Apply(p *newsdesk.Post) {
	if !x.mu.TryLock() {
		return
	}
	defer x.mu.Unlock()
	if x.apply(p) {
		x.index.Settle(context.Background())
	}
}

// apply indexes or removes p and reports whether the index changed.
func (x *Index) apply(p *newsdesk.Post) bool {
	if p.Status != newsdesk.PostPublished {
		if _, ok := x.indexed[p.ID]; ok {
			x.remove(p.ID)
			return true
		}
		return false
	}
	if at, ok := x.indexed[p.ID]; ok && at.Equal(p.UpdatedAt) {
		return false
	}
	x.index.Put(postDoc(p))
	x.indexed[p.ID] = p.UpdatedAt
	return true
}

// postDoc is what the index reads of a post.
func postDoc(p *newsdesk.Post) related.Doc {
	doc := related.Doc{ID: strconv.FormatInt(p.ID, 10), Title: p.Headline, Text: p.Summary}
	for _, t := range p.Tags {
		doc.Tags = append(doc.Tags, t.Slug)
	}
	if p.PublishedAt != nil {
		doc.Published = *p.PublishedAt
	}
	return doc
}

func (x *Index) remove(id int64) {
	x.index.Remove(strconv.FormatInt(id, 10))
	delete(x.indexed, id)
}

// Run syncs at once and then every Interval until ctx is done. Failures are logged, once per run of
// failures, and retried at the next interval.
func (x *Index) Run(ctx context.Context) {
	t := time.NewTicker(x.cfg.Interval)
	defer t.Stop()
	failing := false
	for {
		start := time.Now()
		err := x.Sync(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil && !failing:
			x.cfg.Logger.Error("related articles: read changed posts", "err", err)
			failing = true
		case err == nil && failing:
			x.cfg.Logger.Info("related articles: reading changed posts again")
			failing = false
		case err == nil && !x.loggedReady:
			x.loggedReady = true
			x.cfg.Logger.Info("related articles ready", "posts", x.Len(), "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Watch returns posts with its writes reported to the index as they
// happen, for the desk and the API of the same process.
func (x *Index) Watch(posts newsdesk.PostService) newsdesk.PostService {
	return watched{PostService: posts, index: x}
}

type watched struct {
	newsdesk.PostService
	index *Index
}

func (w watched) CreatePost(ctx context.Context, p *newsdesk.Post) error {
	if err := w.PostService.CreatePost(ctx, p); err != nil {
		return err
	}
	w.index.Apply(p)
	return nil
}

func (w watched) UpdatePost(ctx context.Context, p *newsdesk.Post) error {
	if err := w.PostService.UpdatePost(ctx, p); err != nil {
		return err
	}
	w.index.Apply(p)
	return nil
}
