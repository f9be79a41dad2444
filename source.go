package newsdesk

import (
	"context"
	"time"
)

// SourceStatus says whether a source's last poll worked.
type SourceStatus string

// Source statuses.
const (
	SourceNew   SourceStatus = "new"   // added, not yet polled
	SourceOK    SourceStatus = "ok"    // the last poll succeeded
	SourceError SourceStatus = "error" // the last poll failed; see LastError
)

// Source is an outlet and how to read it.
type Source struct {
	ID        int64
	Name      string // the outlet's name, as credited on posts
	FeedURL   string
	SiteURL   string // the outlet's home page, from the feed
	Status    SourceStatus
	LastError string // the last poll's error, for users; empty after a success
	// ErrorCount counts consecutive failed polls.
	ErrorCount   int
	LastPolledAt *time.Time
	NextPollAt   time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate reports whether the source can be stored.
func (s *Source) Validate() error {
	if s.FeedURL == "" {
		return Errorf(EINVALID, "A source needs a feed URL.")
	}
	if s.Name == "" {
		return Errorf(EINVALID, "A source needs a name.")
	}
	return nil
}

// PollResult is what one poll of a source did, recorded on the source.
type PollResult struct {
	At      time.Time
	Err     error     // nil on success
	Name    string    // the feed's title, used if the source has no name yet
	SiteURL string    // the feed's link
	NextAt  time.Time // when to poll next
}

// SourceService manages sources.
type SourceService interface {
	// FindSourceByID returns ENOTFOUND if the source does not exist.
	FindSourceByID(ctx context.Context, id int64) (*Source, error)
	// FindSources returns every source, by name.
	FindSources(ctx context.Context) ([]*Source, error)
	// CreateSource stores a new source. It returns EINVALID if the source is
	// incomplete and ECONFLICT if its feed URL is already followed.
	CreateSource(ctx context.Context, s *Source) error
	// UpdateSource stores a source's name, feed URL and site URL. It
	// returns ENOTFOUND, EINVALID, or ECONFLICT if another source has the
	// feed URL.
	UpdateSource(ctx context.Context, s *Source) error
	// DeleteSource removes a source and its items; posts made from them keep
	// their attribution. It returns ENOTFOUND if the source does not exist.
	DeleteSource(ctx context.Context, id int64) error
	// RecordPoll records the outcome of a poll on the source without
	// touching its items. It returns ENOTFOUND if the source does not exist.
	RecordPoll(ctx context.Context, id int64, r PollResult) error
	// DueSources returns the sources whose next poll is at or before now.
	DueSources(ctx context.Context, now time.Time, limit int) ([]*Source, error)
}
