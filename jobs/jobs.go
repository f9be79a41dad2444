// Package jobs runs newsdesk's background work as durable jobs in the
// database, with River: a job survives a crash of the process running it,
// is retried with backoff when it fails for a reason of ours, and several
// processes share the work when the database is PostgreSQL.
//
// What becomes of a new item, poll, extract, cluster, is written down
// once, in pipeline.go; this file runs the queue.
//
// Both databases are reached through database/sql (riversqlite, and
// riverdatabasesql over pgx's stdlib for PostgreSQL), so the queue's
// transactions are the store's transactions: one *sql.Tx type throughout.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/story"
)

// activeStates are the states in which a second job of the same arguments
// would be redundant: one poll of a source queued or running is enough,
// and one cluster job.
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// Config is what a Queue uses.
type Config struct {
	DB      *store.DB
	Sources newsdesk.SourceService
	// Pipeline is the door new items enter by (see pipeline.go); nil for
	// one over DB that extracts when Extractor is set. Feeds should store
	// through its Items, or new items wait for the sweeps.
	Pipeline *Pipeline
	Feeds    newsdesk.FeedService
	// Extractor fetches the pages of new items and stores their articles;
	// nil when extraction is turned off.
	Extractor Extractor
	// ArticleWait is how long an item waits for its article before it is
	// clustered on its feed's text; DefaultArticleWait if zero. Unused
	// when extraction is off.
	ArticleWait time.Duration
	// Stories clusters new items into stories; nil for one over DB.
	Stories *story.Service
	// WebSub renews and cancels WebSub subscriptions; nil when WebSub is
	// off.
	WebSub WebSub
	// Hub is newsdesk's WebSub hub for its own feeds; nil when it is off.
	Hub Hub
	// Workers is how many jobs run at once in this process; zero makes a
	// queue that only inserts jobs (a web-only process).
	Workers int
	// Tick is how often due sources are looked for.
	Tick time.Duration
	// JobTimeout bounds one job: its context ends then.
	JobTimeout time.Duration
	// Heartbeat is how often a process that runs jobs records that it
	// lives, and DeadAfter how long another's record must stand still
	// before the jobs it left running are taken over (see lifeline.go);
	// DefaultHeartbeat and DefaultDeadAfter if zero.
	Heartbeat time.Duration
	DeadAfter time.Duration
	Logger    *slog.Logger
	Now       func() time.Time
}

// Queue is the durable job queue.
type Queue struct {
	client   *river.Client[*sql.Tx]
	lifeline *lifeline // nil in a queue that only inserts jobs

	stopBeating context.CancelFunc
	beating     sync.WaitGroup
}

// driver returns River's driver for the store's database.
func driver(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.SQLite {
		return riversqlite.New(db.SQL())
	}
	return riverdatabasesql.New(db.SQL())
}

// Migrate creates or updates River's tables.
func Migrate(ctx context.Context, db *store.DB) error {
	m, err := rivermigrate.New(driver(db), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	return nil
}

// New returns a Queue; Start runs its workers.
func New(cfg Config) (*Queue, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Minute
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.DeadAfter <= 0 {
		cfg.DeadAfter = DefaultDeadAfter
	}
	if cfg.Stories == nil {
		cfg.Stories = story.NewService(story.Config{Store: cfg.DB, Logger: cfg.Logger, Now: cfg.Now})
	}
	if cfg.Pipeline == nil {
		p, err := NewPipeline(PipelineConfig{DB: cfg.DB, Extract: cfg.Extractor != nil, Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		cfg.Pipeline = p
	}
	if cfg.ArticleWait <= 0 {
		cfg.ArticleWait = DefaultArticleWait
	}
	rc := &river.Config{
		Logger:     cfg.Logger,
		JobTimeout: cfg.JobTimeout,
		// Twice the timeout: a job that has run that long without finishing
		// has ignored its context's end. The jobs of a process that died
		// are taken over much sooner, by the lifeline.
		RescueStuckJobsAfter: 2 * cfg.JobTimeout,
		// database/sql has no LISTEN, so workers poll for new jobs.
		FetchPollInterval: 250 * time.Millisecond,
		FetchCooldown:     50 * time.Millisecond,
	}
	var life *lifeline
	if cfg.Workers > 0 {
		life = newLifeline(cfg, driver(cfg.DB).GetExecutor())
		rc.Middleware = []rivertype.Middleware{life}
		workers := river.NewWorkers()
		river.AddWorker(workers, &scheduleWorker{sources: cfg.Sources, now: cfg.Now})
		river.AddWorker(workers, &pollWorker{feeds: cfg.Feeds, logger: cfg.Logger})
		// The extraction stage runs with extraction off too, passing the
		// items it is given straight to clustering: a CLI or another
		// process may have queued them.
		river.AddWorker(workers, &extractWorker{extractor: cfg.Extractor, pipeline: cfg.Pipeline, logger: cfg.Logger})
		clustering := &clusterWorker{stories: cfg.Stories, logger: cfg.Logger}
		if cfg.Extractor != nil {
			clustering.articleWait = cfg.ArticleWait
		}
		river.AddWorker(workers, clustering)
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 1},
			queueIngest:        {MaxWorkers: cfg.Workers},
			queueExtract:       {MaxWorkers: cfg.Workers},
			queueStories:       {MaxWorkers: 1},
		}
		// The scheduler, and the pipeline's safety nets (see
		// pipeline.go): each runs once a tick on the elected leader, and
		// at start.
		periodic := func(id string, args river.JobArgs) *river.PeriodicJob {
			return river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
				func() (river.JobArgs, *river.InsertOpts) { return args, nil },
				&river.PeriodicJobOpts{ID: id, RunOnStart: true})
		}
		rc.PeriodicJobs = []*river.PeriodicJob{
			periodic("schedule_polls", ScheduleArgs{}),
			periodic("cluster_items", ClusterArgs{}),
		}
		if cfg.Extractor != nil {
			river.AddWorker(workers, &sweepExtractWorker{db: cfg.DB, now: cfg.Now})
			rc.PeriodicJobs = append(rc.PeriodicJobs, periodic("sweep_extractions", SweepExtractArgs{}))
		}
		if cfg.WebSub != nil {
			addWebSub(cfg, workers, rc)
		}
		if cfg.Hub != nil {
			addHub(cfg, workers, rc)
		}
	}
	client, err := river.NewClient(driver(cfg.DB), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	if life != nil {
		life.id = client.ID()
	}
	return &Queue{client: client, lifeline: life}, nil
}

// Start runs the workers until Stop. An insert-only queue needs no Start.
// The process's first heartbeat is recorded before any job is fetched.
func (q *Queue) Start(ctx context.Context) error {
	if q.lifeline != nil {
		if err := q.lifeline.beat(ctx); err != nil {
			return err
		}
		beatCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
		q.stopBeating = stop
		q.beating.Go(func() { q.lifeline.run(beatCtx) })
	}
	return q.client.Start(ctx)
}

// Stop lets running jobs finish (until ctx ends, when they are cancelled
// and left for a later run) and stops the workers. The heartbeats go on
// until the jobs have ended, so that no other process takes them over
// meanwhile; then the process's record is deleted.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = q.client.StopAndCancel(context.Background())
	}
	if q.stopBeating != nil {
		q.stopBeating()
		q.beating.Wait()
		q.lifeline.stop()
		forgetCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if ferr := q.lifeline.db.ForgetWorker(forgetCtx, q.lifeline.id); ferr != nil {
			// Others forget it a minute after its heartbeats stop.
			q.lifeline.logger.Warn("jobs: forget this worker", "worker", q.lifeline.id, "err", ferr)
		}
	}
	return err
}

// EnqueuePoll queues a poll of a source, unless one is queued or running.
func (q *Queue) EnqueuePoll(ctx context.Context, sourceID int64) error {
	if _, err := q.client.Insert(ctx, PollArgs{SourceID: sourceID}, nil); err != nil {
		return fmt.Errorf("queue poll of source %d: %w", sourceID, err)
	}
	return nil
}
