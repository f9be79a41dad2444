// Package story is newsdesk's stories service: it puts each new item in a
// story as items arrive, near-duplicates (wire copy) under the item they
// copy, keeps its in-memory clusterer in step with the stored stories, and
// passes editors' merges and splits to the store, whose log brings them to
// every process's clusterer. The desk and the clustering job call it; the
// clustering itself (text in, stories out) is package cluster's.
package story

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Store keeps the stories; *store.DB is one.
type Store interface {
	newsdesk.StoryService
	// ClusterStories runs fn in one transaction holding the stories lock
	// and commits what fn recorded if it returns nil.
	ClusterStories(ctx context.Context, fn func(b newsdesk.StoryBatch) error) error
	// StorySnapshot returns every item of the stories last seen within
	// window of the newest story, in the order they were clustered, each
	// with its story; and the number of the last change they reflect.
	StorySnapshot(ctx context.Context, window time.Duration) ([]newsdesk.ClusterItem, int64, error)
}

// Config is what a Service uses.
type Config struct {
	Store  Store
	Logger *slog.Logger     // nil for none
	Now    func() time.Time // nil for time.Now
}

// Service assigns each new item to a story as it arrives, near-duplicates
// to the story of the item they copy, and lets editors correct the
// stories. It implements newsdesk.StoryService.
//
// Its state lives in memory: a cluster.Clusterer and a cluster.Dedup,
// rebuilt from the stored stories of the recent window when it first
// clusters, and kept in step with the database by replaying the changes
// other processes and editors logged (see newsdesk.StoryChange) before
// each batch. Every batch runs under the stories lock, so however many
// processes share the database, items are clustered one at a time, once,
// in the order they arrived among those ready (an item may wait for its
// article: see RunOptions.ArticleWait).
//
// The same items in the same order, with the same editors' changes, give
// the same stories.
//
// One batch an hour also prunes the log of changes older than a week
// (see storyLogRetention), so that it does not grow forever.
//
// A Service that never clusters (in a process that only serves the desk)
// holds nothing in memory.
type Service struct {
	store  Store
	logger *slog.Logger
	now    func() time.Time

	mu     sync.Mutex
	st     *state    // nil until restored, and after a failure
	pruned time.Time // when this worker last pruned the story log
}

var _ newsdesk.StoryService = (*Service)(nil)

// NewService returns a Service over cfg.Store.
func NewService(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: cfg.Store, logger: cfg.Logger, now: cfg.Now}
}

// FindStoryByID returns the story with its items, or ENOTFOUND.
func (s *Service) FindStoryByID(ctx context.Context, id int64) (*newsdesk.Story, error) {
	return s.store.FindStoryByID(ctx, id)
}

// FindStories returns stories that stand alone, highest coverage first.
func (s *Service) FindStories(ctx context.Context, f newsdesk.StoryFilter) ([]*newsdesk.Story, error) {
	return s.store.FindStories(ctx, f)
}

// MergeStories moves every item of story from into story into. The change
// is logged, and every clustering process replays it before its next
// batch: later items like either story join the one that remains.
func (s *Service) MergeStories(ctx context.Context, into, from int64) error {
	return s.store.MergeStories(ctx, into, from)
}

// SplitStory moves the given items of a story into a new story and
// returns its ID. The change is logged, and every clustering process
// replays it before its next batch; the clusterer never merges the two
// stories back by itself.
func (s *Service) SplitStory(ctx context.Context, id int64, itemIDs []int64) (int64, error) {
	return s.store.SplitStory(ctx, id, itemIDs)
}
