package newsdesk

import (
	"context"
	"math"
	"time"
)

// Story is a cluster of items about one event, as outlets covered it. The
// clustering worker makes stories as items arrive; editors merge and split
// them on the desk.
type Story struct {
	ID int64
	// LeadItemID is the item that leads the story: the earliest one that
	// is not a copy of another, and of equally early ones the longest (see
	// LeadCandidate.Leads). Headline is its title.
	LeadItemID int64
	Headline   string
	// Articles counts the story's items, copies included; Copies counts
	// the copies alone (items that are near-duplicates of another item of
	// the story, such as syndicated wire copy).
	Articles int
	Copies   int
	// Outlets names the distinct sources of the story's items, sorted.
	Outlets []string
	// FirstSeen and LastSeen span the times of the story's items (an
	// item's time is when it was published, or when it was fetched if its
	// feed gave no time or one in the future).
	FirstSeen, LastSeen time.Time
	// Rank orders stories by coverage at any moment; see Coverage.
	Rank float64
	// MergedInto is the story this one was merged into, zero while it
	// stands alone. A merged story has no items left.
	MergedInto int64

	// Items lists the story's items, oldest first; only FindStoryByID
	// fills it in.
	Items []*StoryItem
}

// LeadCandidate is an item of a story as the choice of the story's lead
// weighs it. The store chooses the lead of each stored story, and a
// cluster.Clusterer reports one for each story it holds: both ask Leads.
type LeadCandidate struct {
	// Copy says the item is a near-duplicate of another item of the same
	// story. (A copy whose original was split off into another story
	// stands for itself.)
	Copy bool
	// Seen is the item's time in the story (see Story.FirstSeen); zero
	// when it is not known.
	Seen time.Time
	// Length is the length of the item's text (its article's, else its
	// feed summary's), in characters.
	Length int
	// Order is the item's place in the order items arrived (its ID), which
	// settles what the rest leaves equal.
	Order int64
}

// Leads reports whether a should lead a story rather than b. The lead is
// the earliest item that is not a copy, and of equally early ones the
// longest: an outlet's own report rather than wire copy, the report that
// broke the story, and the fullest account of it. Items whose time is not
// known come after those whose time is; what is still equal goes to the
// item that arrived first.
func (a LeadCandidate) Leads(b LeadCandidate) bool {
	switch {
	case a.Copy != b.Copy:
		return !a.Copy
	case a.Seen.IsZero() != b.Seen.IsZero():
		return !a.Seen.IsZero()
	case !a.Seen.Equal(b.Seen):
		return a.Seen.Before(b.Seen)
	case a.Length != b.Length:
		return a.Length > b.Length
	}
	return a.Order < b.Order
}

// StoryItem is one item of a story.
type StoryItem struct {
	Item *Item
	// CopyOf is the item this one is a near-duplicate of (the first of
	// them to be clustered), zero if it is not a copy.
	CopyOf int64
	// SeenAt is the item's time in the story (see Story.FirstSeen).
	SeenAt time.Time
}

// CoverageHalfLife is how long it takes an outlet's article to count half
// as much towards a story's coverage.
const CoverageHalfLife = 24 * time.Hour

// coverageEpoch is the origin of Rank's time scale.
var coverageEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Coverage is how widely and how recently the story is covered at now:
//
//	coverage(now) = Σ over the story's outlets o of 2^(−(now − t_o) / H)
//
// where t_o is the time of outlet o's latest item in the story and H is
// CoverageHalfLife. Each outlet counts 1 when its article has just
// appeared, ½ a day later, ¼ two days later: a story four outlets covered
// this morning outranks one six outlets covered three days ago.
//
// The sum factors as 2^(−(now − epoch)/H) × Σ 2^((t_o − epoch)/H), and the
// first factor is the same for every story, so the order of stories by
// coverage never changes as time passes until a story gains an item. Rank
// stores log2 of the second factor, so that the database can keep stories
// in coverage order with an index, and Coverage computes the value from it.
func (s *Story) Coverage(now time.Time) float64 {
	return math.Exp2(s.Rank - now.Sub(coverageEpoch).Hours()/CoverageHalfLife.Hours())
}

// CoverageRank returns Story.Rank for a story whose outlets' latest items
// appeared at the given times, one time per outlet.
func CoverageRank(latest []time.Time) float64 {
	if len(latest) == 0 {
		return math.Inf(-1)
	}
	// log2 Σ 2^x, computed around the largest x so that nothing overflows.
	xs := make([]float64, len(latest))
	top := math.Inf(-1)
	for i, t := range latest {
		xs[i] = t.Sub(coverageEpoch).Hours() / CoverageHalfLife.Hours()
		top = max(top, xs[i])
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Exp2(x - top)
	}
	return top + math.Log2(sum)
}

// StoryFilter narrows FindStories.
type StoryFilter struct {
	// MinOutlets, when above 1, keeps only stories covered by at least
	// that many outlets.
	MinOutlets int
	Limit      int // zero for a default page
	Offset     int
}

// StoryService finds stories and lets editors correct them.
type StoryService interface {
	// FindStoryByID returns the story with its items. A story that was
	// merged into another is returned with MergedInto set and no items.
	// It returns ENOTFOUND if there never was such a story.
	FindStoryByID(ctx context.Context, id int64) (*Story, error)
	// FindStories returns stories that stand alone, highest coverage
	// first, with their outlets but not their items.
	FindStories(ctx context.Context, f StoryFilter) ([]*Story, error)
	// MergeStories moves every item of story from into story into, as an
	// editor does who sees one event in two stories. It returns ENOTFOUND
	// if either story does not exist, and EINVALID if they are the same
	// or one was merged away already.
	MergeStories(ctx context.Context, into, from int64) error
	// SplitStory moves the given items of a story into a new story, as an
	// editor does who sees two events in one, and returns the new story's
	// ID. It returns ENOTFOUND if the story does not exist, and EINVALID
	// if an item is not in it, no item is given, or every item is.
	SplitStory(ctx context.Context, id int64, itemIDs []int64) (int64, error)
}
