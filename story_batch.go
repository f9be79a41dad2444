package newsdesk

import (
	"errors"
	"time"
)

// This file holds what the stories service (package story) and the store
// share: the items as clustering sees them, the log of changes to stories,
// and the batch, one transaction under the stories lock, in which the
// service reads the log and the items still to cluster and records where
// each goes. The store implements StoryBatch; the service keeps its
// in-memory clusterer in step with the database through it.

// ClusterItem is an item as clustering sees it: its title, its feed's
// summary and its extracted article's text, its outlet and its time.
type ClusterItem struct {
	ID       int64
	SourceID int64
	Source   string
	Title    string
	Summary  string
	// Article is the text of the item's extracted article; empty when it
	// has none (extraction is off, has not run, or failed).
	Article string
	// SeenAt is when the item was published, or when it was fetched if the
	// feed gave no time or one after that.
	SeenAt time.Time
	// Where the item is, for items already clustered.
	StoryID int64
	CopyOf  int64
}

// UnclusteredFilter says which of the items in no story yet
// StoryBatch.Unclustered returns.
type UnclusteredFilter struct {
	// Since leaves out the items fetched before it.
	Since time.Time
	// AwaitArticlesSince, when not zero, leaves out the items fetched at
	// or after it that link to a page and have no article yet: their
	// article is on its way, and they are to be clustered on its text.
	// Items fetched before it are returned with their feed's text: an
	// item waits for its article that long at most.
	AwaitArticlesSince time.Time
	// InOrderSince, when not zero (and later than AwaitArticlesSince),
	// also leaves out every item that arrived after one fetched at or
	// after it that still awaits its article, so that items are
	// clustered in the order they arrived unless a page takes longer
	// than that to come in.
	InOrderSince time.Time
	Limit        int
}

// Kinds of StoryChange.
const (
	StoryChangeAdd   = "add"   // an item joined a story (a new one if StoryID was unknown)
	StoryChangeMerge = "merge" // story OtherID was merged into StoryID
	StoryChangeSplit = "split" // Items moved from story StoryID to a new story OtherID
	// StoryChangeRemove: source OtherID was deleted, and its items with
	// it. StoryID is zero; the items are not listed, as a source may have
	// many.
	StoryChangeRemove = "remove"
)

// StoryChange is one entry of the log of changes to stories, in the order
// they were made: by clustering, by editors, by a source's removal.
type StoryChange struct {
	Seq     int64
	Kind    string
	StoryID int64
	OtherID int64
	ItemID  int64 // add
	CopyOf  int64 // add
	Items   []int64
}

// ErrStoryLogPruned is returned by StoryBatch.Changes when changes made
// after the one asked from were pruned from the log: the reader is too far
// behind to catch up by replaying, and must start again from the stored
// stories.
var ErrStoryLogPruned = errors.New("the story changes asked for were pruned from the log")

// StoryBatch is one transaction that holds the stories lock, so that no
// other process clusters, merges or splits meanwhile: a clustering batch.
// The stories it changed are brought up to date (counts, outlets, span,
// lead, rank) before it commits.
type StoryBatch interface {
	// Changes returns the changes to stories made after the one numbered
	// after, in order. It returns ErrStoryLogPruned if some of them are no
	// longer in the log.
	Changes(after int64) ([]StoryChange, error)
	// PruneChanges deletes from the log the changes made longer than keep
	// before this batch, except the newest change, and returns how many
	// it deleted.
	PruneChanges(keep time.Duration) (int64, error)
	// Unclustered returns the items that are in no story yet and are
	// ready to be (see UnclusteredFilter), oldest first.
	Unclustered(f UnclusteredFilter) ([]ClusterItem, error)
	// Items returns the items with the given IDs, where they are, by ID.
	// Items that no longer exist are left out.
	Items(ids []int64) (map[int64]ClusterItem, error)
	// Add records that the item is in the story (a new story if storyID
	// is zero), as a copy of the item copyOf if that is not zero, and
	// returns the story's ID and the change's number.
	Add(it ClusterItem, storyID, copyOf int64) (story, seq int64, err error)
	// Merge moves every item of story from into story into, and returns
	// the change's number.
	Merge(into, from int64) (int64, error)
}
