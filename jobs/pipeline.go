package jobs

// The pipeline: what becomes of a new item, from its feed to its story.
//
//	poll ──▶ extract ──▶ cluster   (later stages: related, notify)
//
// Every way newsdesk reads a feed stores the new items through one door,
// Pipeline.Items, the ItemService that ingest.Service stores through:
//
//   - the scheduled poll: every --tick, the elected leader queues a poll
//     job for each due source (an OPML import's sources among them, for
//     their first poll);
//   - "Poll now" on the desk's sources page, and POST
//     /api/sources/{id}/poll;
//   - adding a source, from the desk, the API or `newsdesk sources add`;
//   - `newsdesk sources poll` and `sources import`: the CLI runs no
//     workers, so what it stores waits, queued, for the server's;
//   - a WebSub hub's push to /websub/;
//   - the demo's outlets.
//
// The door stores the new items and queues each one's next stage in the
// same transaction, so that no item is stored without it. Each stage is a
// job whose success queues the next:
//
//  1. poll (PollArgs, on queue "ingest"): fetch the source's feed and
//     store its new items through the door, which queues an extract job
//     for each (with extraction off, the cluster job).
//  2. extract (ExtractArgs, on queue "extract", one job an item): fetch
//     the item's page, if robots.txt allows, and store its article, or
//     why there is none. A page that may come back (its host down) is
//     tried again, five times in all over about six minutes, then its
//     failure is stored. Then queue the cluster job. A process that runs
//     with extraction off (--extract=false) only queues the cluster job.
//  3. cluster (ClusterArgs, on queue "stories"): the stories service
//     (story.Service) puts every item that is ready in a story, in the
//     order the items arrived. With extraction on, an item is ready once
//     its article is stored, or its failure, or when it links to no page,
//     or when it has waited ArticleWait (15 minutes) for its article; and
//     it waits for the items that arrived before it, but for one whose
//     page is slow only a minute (orderWait), since the stories depend
//     on the order. With extraction off, every item is ready at once, in
//     the order it arrived. So an item whose feed gives only a teaser or a
//     headline is clustered on its extracted article, not on the teaser,
//     and copies are told by their articles' whole text; an item whose
//     page failed or is that slow goes by what its feed says (see
//     story's clusterText for which text clustering reads). One cluster
//     job at most is queued or running across every process, so items
//     are clustered one at a time, once. It is queued just after the
//     stage's result commits, not in its transaction: a running cluster
//     job marks itself done in its last batch and then clusters what
//     became ready meanwhile, which sees every item whose stage found the
//     job still running only if that stage committed before it tried to
//     queue another.
//
// Safety nets run every --tick on the elected leader, for what a stage
// could not queue (a process that died between committing and queueing
// the cluster job, items stored before this pipeline): a sweep queues the
// extraction of recent items that have no article and none queued, and a
// cluster job is queued, which also clusters the items whose wait for
// their article ran out, and those a slow page held up. Nothing else
// depends on them: a test of an entry point runs with a tick of an hour.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/story"
)

// Queues of the pipeline's stages, each with its own workers so that a
// backlog in one never holds up another.
const (
	queueIngest  = "ingest"  // polls, and the scheduler's look for due sources
	queueExtract = "extract" // page fetches
	queueStories = "stories" // the cluster job, one at a time
)

// Bounds of the stages.
const (
	// extractAttempts is how often a page that may come back (its host
	// down or overloaded) is tried before its failure is stored. With
	// River's backoff (attempt⁴ seconds) the tries span about six
	// minutes.
	extractAttempts = 5
	// DefaultArticleWait is how long an item waits for its article
	// before it is clustered on its feed's text: the six minutes of an
	// unlucky page's tries, with room for a queue of pages at a polite
	// host.
	DefaultArticleWait = 15 * time.Minute
	// orderWait is how long an item whose page is slow holds up the
	// clustering of the items that arrived after it: pages usually come
	// in within seconds, in about the order they were queued.
	orderWait = time.Minute
	// clusterRunBatches is how many batches one run of the cluster job
	// clusters before it makes way for other work and comes back (a first
	// start on a database full of items has a backlog).
	clusterRunBatches = 50
	// extractBatch is the most extraction jobs one sweep queues.
	extractBatch = 500
	// extractWindow is how far back the sweep looks for items left
	// without an article.
	extractWindow = 48 * time.Hour
)

// Pipeline is the door through which new items enter the pipeline: Items
// stores them and queues their next stage. It only inserts jobs; a Queue's
// workers, in this process or another sharing the database, run them.
type Pipeline struct {
	db      *store.DB
	client  *river.Client[*sql.Tx] // inserts only
	extract bool
	logger  *slog.Logger
}

// PipelineConfig is what a Pipeline uses.
type PipelineConfig struct {
	DB *store.DB
	// Extract says whether new items go to extraction (true) or straight
	// to clustering. The CLI, which cannot know how the server runs, says
	// true: a server with extraction off passes them straight on.
	Extract bool
	Logger  *slog.Logger
}

// NewPipeline returns the pipeline's door over cfg.DB, whose job queue
// tables must exist (Migrate).
func NewPipeline(cfg PipelineConfig) (*Pipeline, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	client, err := river.NewClient(driver(cfg.DB), &river.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Pipeline{db: cfg.DB, client: client, extract: cfg.Extract, logger: cfg.Logger}, nil
}

// Items returns the ItemService to store items through: the database's,
// whose SaveItems also queues each new item's next stage.
func (p *Pipeline) Items() newsdesk.ItemService { return pipelineItems{ItemService: p.db, p: p} }

// pipelineItems is the door.
type pipelineItems struct {
	newsdesk.ItemService
	p *Pipeline
}

// SaveItems stores the new items of a source and, in the same
// transaction, queues the extraction of each; with extraction off it
// queues the cluster job once they are stored. An item stored is never
// left without its next stage: if the jobs cannot be queued, nothing is
// stored, and the caller's poll fails and is tried again.
func (it pipelineItems) SaveItems(ctx context.Context, sourceID int64, items []*newsdesk.Item) (int, error) {
	if !it.p.extract {
		n, err := it.p.db.SaveItems(ctx, sourceID, items)
		if err == nil && n > 0 {
			it.p.queueClustering(ctx)
		}
		return n, err
	}
	return it.p.db.SaveItemsThen(ctx, sourceID, items, func(tx *sql.Tx, ids []int64) error {
		params := make([]river.InsertManyParams, len(ids))
		for i, id := range ids {
			params[i] = river.InsertManyParams{Args: ExtractArgs{ItemID: id}}
		}
		if _, err := it.p.client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("queue extraction of new items: %w", err)
		}
		return nil
	})
}

// queueClustering queues the cluster job, unless one is queued or running
// (whose last batch then clusters what is ready; see the top of this
// file). A failure is logged, not returned: the stage's work is stored,
// and the cluster job of the next tick clusters it.
func (p *Pipeline) queueClustering(ctx context.Context) {
	if _, err := p.client.Insert(ctx, ClusterArgs{}, nil); err != nil {
		p.logger.Warn("queue clustering", "err", err)
	}
}

// 1. Poll.

// PollArgs asks for one poll of a source.
type PollArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind names the job in the database.
func (PollArgs) Kind() string { return "poll_source" }

// InsertOpts keeps at most one poll of a source queued or running.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueIngest,
		MaxAttempts: 5,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	feeds  newsdesk.FeedService // stores through the Pipeline's door
	logger *slog.Logger
}

// Work polls the source; the door queues the next stage of its new items.
// A failure of the outlet's (unreachable, not a feed, ...) is recorded on
// the source and rescheduled by its backoff, so the job itself is done;
// only our own failures are retried by the queue.
func (w *pollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	n, err := w.feeds.PollSource(ctx, job.Args.SourceID)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // timed out or shutting down: let River run it again
	}
	switch newsdesk.ErrorCode(err) {
	case "":
		if n > 0 {
			w.logger.Info("polled", "source", job.Args.SourceID, "new_items", n)
		}
		return nil
	case newsdesk.EUNAVAILABLE, newsdesk.EUNPROCESSABLE, newsdesk.ETOOLARGE, newsdesk.EINVALID:
		return nil
	case newsdesk.ENOTFOUND:
		return river.JobCancel(err) // the source was deleted
	default:
		return err
	}
}

// 2. Extract.

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

type extractWorker struct {
	river.WorkerDefaults[ExtractArgs]
	extractor Extractor // nil: extraction is off in this process
	pipeline  *Pipeline
	logger    *slog.Logger
}

// Work fetches the item's page and stores its article, or why there is
// none, then queues the cluster job. A page that may come back is tried
// again with River's backoff; the last attempt stores its failure, so no
// page is tried forever.
func (w *extractWorker) Work(ctx context.Context, job *river.Job[ExtractArgs]) error {
	if w.extractor == nil {
		w.pipeline.queueClustering(ctx)
		return nil
	}
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
		w.pipeline.queueClustering(ctx)
		return nil
	case newsdesk.EINVALID:
		// The item links to no page: it is clustered on its feed's text.
		w.pipeline.queueClustering(ctx)
		return river.JobCancel(err)
	case newsdesk.ENOTFOUND:
		return river.JobCancel(err) // the item was deleted
	default:
		return err // the host may come back, or our own failure: try again
	}
}

// 3. Cluster.

// ClusterArgs asks for the items that are ready and in no story yet to be
// clustered.
type ClusterArgs struct{}

// Kind names the job in the database.
func (ClusterArgs) Kind() string { return "cluster_items" }

// InsertOpts keeps at most one cluster job queued or running across every
// process, so that items are clustered in one order, once.
func (ClusterArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueStories,
		MaxAttempts: 10,
		UniqueOpts:  river.UniqueOpts{ByState: activeStates},
	}
}

type clusterWorker struct {
	river.WorkerDefaults[ClusterArgs]
	stories *story.Service
	// articleWait is how long an item waits for its article; zero when
	// extraction is off.
	articleWait time.Duration
	logger      *slog.Logger
}

// batchTx is what a story batch of the store is besides a
// newsdesk.StoryBatch: a transaction the job queue shares (see Migrate).
type batchTx interface{ Tx() *sql.Tx }

// Work clusters the items that are ready; with a backlog, it clusters a
// share and comes back at once, so the queue's other work is not held up.
func (w *clusterWorker) Work(ctx context.Context, job *river.Job[ClusterArgs]) error {
	// The job is marked done in the transaction of its last batch, so
	// that a stage readying items after that batch can queue another.
	done := func(b newsdesk.StoryBatch) error {
		tb, ok := b.(batchTx)
		if !ok {
			return errors.New("the stories' batch is not a transaction of the job queue's database")
		}
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tb.Tx(), job)
		return err
	}
	opts := story.RunOptions{MaxBatches: clusterRunBatches, ArticleWait: w.articleWait, Done: done}
	if w.articleWait > 0 {
		opts.OrderWait = orderWait
	}
	n, more, err := w.stories.Run(ctx, opts)
	if n > 0 {
		w.logger.Info("clustered", "items", n)
	}
	if err != nil && ctx.Err() != nil {
		return river.JobSnooze(0) // shutting down or out of time: run again, not a failure
	}
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(0)
	}
	return nil
}

// Safety nets, and the scheduler.

// ScheduleArgs asks for a look at which sources are due, queueing a poll
// for each. It runs periodically on the elected leader, so once per tick
// however many processes there are.
type ScheduleArgs struct{}

// Kind names the job in the database.
func (ScheduleArgs) Kind() string { return "schedule_polls" }

// InsertOpts makes a look redundant while another is queued or running,
// and tries it once: the next tick comes soon.
func (ScheduleArgs) InsertOpts() river.InsertOpts { return lookOpts() }

// lookOpts are the options of the periodic looks.
func lookOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: activeStates}}
}

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	sources newsdesk.SourceService
	now     func() time.Time
}

// Work queues a poll for every due source.
func (w *scheduleWorker) Work(ctx context.Context, job *river.Job[ScheduleArgs]) error {
	client := river.ClientFromContext[*sql.Tx](ctx)
	due, err := w.sources.DueSources(ctx, w.now(), 1000)
	if err != nil {
		return err
	}
	if len(due) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(due))
	for i, s := range due {
		params[i] = river.InsertManyParams{Args: PollArgs{SourceID: s.ID}}
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

// SweepExtractArgs asks for a look for recent items that have no article
// and no extraction queued. It runs periodically on the elected leader.
type SweepExtractArgs struct{}

// Kind names the job in the database.
func (SweepExtractArgs) Kind() string { return "sweep_extractions" }

// InsertOpts makes a sweep redundant while another is queued or running,
// and tries it once.
func (SweepExtractArgs) InsertOpts() river.InsertOpts { return lookOpts() }

type sweepExtractWorker struct {
	river.WorkerDefaults[SweepExtractArgs]
	db  *store.DB
	now func() time.Time
}

// Work queues extractions for recent items left without one. Items whose
// extraction is already queued or running are skipped by the jobs'
// uniqueness.
func (w *sweepExtractWorker) Work(ctx context.Context, job *river.Job[SweepExtractArgs]) error {
	ids, err := w.db.ItemsToExtract(ctx, store.ExtractFilter{Since: w.now().Add(-extractWindow), Limit: extractBatch})
	if err != nil || len(ids) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: ExtractArgs{ItemID: id}}
	}
	_, err = river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params)
	return err
}
