package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
)

// queueExtract is the queue of page fetches, apart from the polls so that
// a backlog of pages never holds up reading the feeds.
const queueExtract = "extract"

// Extraction is bounded in how much it looks at.
const (
	// extractBatch is the most extraction jobs one poll or sweep queues.
	extractBatch = 500
	// extractWindow is how far back the sweep looks for items left
	// without an article (a source added from the desk, a process that
	// stopped between storing items and queueing their pages).
	extractWindow = 48 * time.Hour
	// extractAttempts is how often a page that may come back (its host
	// down or overloaded) is tried before its failure is stored.
	extractAttempts = 5
)

// Extractor fetches an item's page and stores its article;
// *ingest.Articles is one. lastTry asks it to store even a failure that
// might pass, which it otherwise returns coded EUNAVAILABLE.
type Extractor interface {
	ExtractItem(ctx context.Context, itemID int64, lastTry bool) (*newsdesk.Article, error)
}

// ExtractArgs asks for the article of one item.
type ExtractArgs struct {
	ItemID int64 `json:"item_id"`
}

// Kind names the job in the database.
func (ExtractArgs) Kind() string { return "extract_article" }

// InsertOpts keeps at most one extraction of an item queued or running.
func (ExtractArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueExtract,
		MaxAttempts: extractAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}

// SweepExtractArgs asks for a look for recent items that have no article
// and no extraction queued. It runs periodically on the elected leader.
type SweepExtractArgs struct{}

// Kind names the job in the database.
func (SweepExtractArgs) Kind() string { return "sweep_extractions" }

// addExtraction adds the extraction worker, its queue and its periodic
// sweep to a River configuration that has workers.
func addExtraction(cfg Config, workers *river.Workers, rc *river.Config) {
	river.AddWorker(workers, &extractWorker{extractor: cfg.Extractor, logger: cfg.Logger})
	river.AddWorker(workers, &sweepExtractWorker{db: cfg.DB, now: cfg.Now, logger: cfg.Logger})
	rc.Queues[queueExtract] = river.QueueConfig{MaxWorkers: cfg.Workers}
	rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
		func() (river.JobArgs, *river.InsertOpts) {
			return SweepExtractArgs{}, &river.InsertOpts{
				MaxAttempts: 1,
				UniqueOpts:  river.UniqueOpts{ByState: activeStates},
			}
		},
		&river.PeriodicJobOpts{ID: "sweep_extractions", RunOnStart: true}))
}

// extractAfterPoll wraps the poll job's FeedService so that a poll that
// stored new items queues the extraction of their pages at once.
type extractAfterPoll struct {
	newsdesk.FeedService
	db     *store.DB
	logger *slog.Logger
}

// PollSource polls the source and queues extractions for its new items.
// A failure to queue them is logged, not returned: the poll itself
// worked, and the sweep queues them later.
func (f extractAfterPoll) PollSource(ctx context.Context, id int64) (int, error) {
	n, err := f.FeedService.PollSource(ctx, id)
	if err != nil || n == 0 {
		return n, err
	}
	if qerr := queueExtractions(ctx, f.db, store.ExtractFilter{SourceID: id, Limit: extractBatch}); qerr != nil {
		f.logger.Warn("queue extractions", "source", id, "err", qerr)
	}
	return n, nil
}

// queueExtractions queues an extraction for each item that f finds with
// no article yet. Items whose extraction is already queued or running
// are skipped by the jobs' uniqueness. It must run inside a job, whose
// context carries the queue's client.
func queueExtractions(ctx context.Context, db *store.DB, f store.ExtractFilter) error {
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return err
	}
	ids, err := db.ItemsToExtract(ctx, f)
	if err != nil || len(ids) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: ExtractArgs{ItemID: id}}
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

type extractWorker struct {
	river.WorkerDefaults[ExtractArgs]
	extractor Extractor
	logger    *slog.Logger
}

// Work fetches the item's page and stores its article, or why there is
// none. A page that may come back is tried again with River's backoff;
// the last attempt stores its failure, so no page is tried forever.
func (w *extractWorker) Work(ctx context.Context, job *river.Job[ExtractArgs]) error {
	lastTry := job.Attempt >= job.MaxAttempts
	a, err := w.extractor.ExtractItem(ctx, job.Args.ItemID, lastTry)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // timed out or shutting down: let River run it again
	}
	switch newsdesk.ErrorCode(err) {
	case "":
		if a.Error != "" {
			w.logger.Debug("no article", "item", job.Args.ItemID, "reason", a.Error)
		}
		return nil
	case newsdesk.ENOTFOUND, newsdesk.EINVALID:
		return river.JobCancel(err) // the item was deleted, or links nowhere
	default:
		return err // the host may come back, or our own failure: try again
	}
}

type sweepExtractWorker struct {
	river.WorkerDefaults[SweepExtractArgs]
	db     *store.DB
	now    func() time.Time
	logger *slog.Logger
}

// Work queues extractions for recent items left without one.
func (w *sweepExtractWorker) Work(ctx context.Context, job *river.Job[SweepExtractArgs]) error {
	return queueExtractions(ctx, w.db, store.ExtractFilter{Since: w.now().Add(-extractWindow), Limit: extractBatch})
}
