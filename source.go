package newsdesk

import (
	"context"
	"io"
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
	ErrorCount int
	// Note says something a user should know about a poll that worked,
	// such as items left out because the feed lists too many; empty if
	// there is nothing to say.
	Note string
	// ETag and LastModified are the validators the feed last answered
	// with, sent back on the next poll so an unchanged feed costs a 304.
	ETag         string
	LastModified string
	// PollInterval is the time between polls of this source while it is
	// healthy, adapted to how often it posts; zero until first polled.
	PollInterval time.Duration
	LastPolledAt *time.Time
	NextPollAt   time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate reports whether the source can be stored. A name longer than
// MaxNameLength is not refused: it is most often a feed's title, and the
// store cuts it (see Truncate).
func (s *Source) Validate() error {
	switch {
	case s.FeedURL == "":
		return Errorf(EINVALID, "A source needs a feed URL.")
	case len(s.FeedURL) > MaxFeedURLLength:
		return Errorf(EINVALID, "A feed URL must be at most %d characters.", MaxFeedURLLength)
	case s.Name == "":
		return Errorf(EINVALID, "A source needs a name.")
	case IsBlank(s.Name):
		return Errorf(EINVALID, "A source needs a name: this one shows nothing, only spaces or invisible characters such as zero-width spaces.")
	}
	return nil
}

// PollResult is what one poll of a source did, recorded on the source.
// A failed poll records only At, Err and NextAt; the source keeps its
// validators, interval and note.
type PollResult struct {
	At      time.Time
	Err     error     // nil on success
	Name    string    // the feed's title, used if the source has no name yet
	SiteURL string    // the feed's link; empty keeps the stored one
	NextAt  time.Time // when to poll next

	// On success: the feed's validators (replacing the stored ones), the
	// source's interval, and a note for users ("" clears it).
	ETag         string
	LastModified string
	Interval     time.Duration
	Note         string
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

// ImportStatus says what became of one feed of an imported list.
type ImportStatus string

// Import statuses.
const (
	ImportAdded   ImportStatus = "added"   // followed as a new source
	ImportSkipped ImportStatus = "skipped" // already followed, or listed twice
	ImportFailed  ImportStatus = "failed"  // could not be followed; see Message
)

// ImportOptions say how to import a list of feeds.
type ImportOptions struct {
	// NoCheck follows each feed without fetching it first; the scheduler
	// polls it soon and its status shows how that went.
	NoCheck bool
	// Progress, if set, is called after each feed with how many are done
	// out of how many in all. Calls never overlap.
	Progress func(done, total int)
}

// ImportResult is what became of one feed of an imported list.
type ImportResult struct {
	Title   string // as the list names it
	FeedURL string // as the list gives it
	Status  ImportStatus
	Source  *Source // the new source, when Status is ImportAdded
	Message string  // why it was skipped or failed, for users
}

// ImportReport is what an import did, feed by feed in the list's order.
type ImportReport struct {
	Results                []ImportResult
	Added, Skipped, Failed int
}

// OPMLService reads and writes lists of followed feeds as OPML, the format
// feed readers exchange subscriptions in.
type OPMLService interface {
	// ImportOPML follows every feed the OPML document in r lists (nested
	// folders included, each outline's title as the source's name),
	// skipping feeds already followed and going on past feeds that fail.
	// It returns EUNPROCESSABLE if r is not an OPML document and ETOOLARGE
	// if it is larger, or lists more feeds, than newsdesk accepts; a
	// feed that cannot be followed is reported in the ImportReport, not
	// as an error.
	ImportOPML(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportReport, error)
	// ExportOPML writes every source as an OPML 2.0 document.
	ExportOPML(ctx context.Context, w io.Writer) error
}
