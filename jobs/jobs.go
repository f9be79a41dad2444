// Package jobs runs newsdesk's background work as durable jobs in the
// database, with River: a job survives a crash of the process running it,
// is retried with backoff when it fails for a reason of ours, and several
// processes share the work when the database is PostgreSQL.
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

// Queue names.
const queueIngest = "ingest"

// PollArgs asks for one poll of a source.
type PollArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind names the job in the database.
func (PollArgs) Kind() string { return "poll_source" }

// activeStates are the states in which a second job of the same arguments
// would be redundant: one poll of a source queued or running is enough.
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// InsertOpts keeps at most one poll of a source queued or running.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueIngest,
		MaxAttempts: 5,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: activeStates},
	}
}

// ScheduleArgs asks for a look at which sources are due, queueing a poll
// for each. It runs periodically on the elected leader, so once per tick
// however many processes there are.
type ScheduleArgs struct{}

// Kind names the job in the database.
func (ScheduleArgs) Kind() string { return "schedule_polls" }

// Config is what a Queue uses.
type Config struct {
	DB      *store.DB
	Sources newsdesk.SourceService
	Feeds   newsdesk.FeedService
	// Extractor fetches the pages of new items and stores their articles;
	// nil when extraction is turned off.
	Extractor Extractor
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
	if cfg.Extractor != nil {
		cfg.Feeds = extractAfterPoll{FeedService: cfg.Feeds, db: cfg.DB, logger: cfg.Logger}
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
		river.AddWorker(workers, &pollWorker{feeds: cfg.Feeds, logger: cfg.Logger})
		river.AddWorker(workers, &scheduleWorker{sources: cfg.Sources, now: cfg.Now})
		river.AddWorker(workers, &clusterWorker{stories: cfg.Stories, logger: cfg.Logger})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 1},
			queueIngest:        {MaxWorkers: cfg.Workers},
			queueStories:       {MaxWorkers: 1},
		}
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
				func() (river.JobArgs, *river.InsertOpts) {
					return ScheduleArgs{}, &river.InsertOpts{
						MaxAttempts: 1,
						UniqueOpts:  river.UniqueOpts{ByState: activeStates},
					}
				},
				&river.PeriodicJobOpts{ID: "schedule_polls", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
				func() (river.JobArgs, *river.InsertOpts) { return ClusterArgs{}, nil },
				&river.PeriodicJobOpts{ID: "cluster_items", RunOnStart: true}),
		}
		if cfg.Extractor != nil {
			addExtraction(cfg, workers, rc)
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

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	feeds  newsdesk.FeedService
	logger *slog.Logger
}

// Work polls the source. A failure of the outlet's (unreachable, not a
// feed, ...) is recorded on the source and rescheduled by its backoff, so
// the job itself is done; only our own failures are retried by the queue.
func (w *pollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	n, err := w.feeds.PollSource(ctx, job.Args.SourceID)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // timed out or shutting down: let River run it again
	}
	switch newsdesk.ErrorCode(err) {
	case "":
		if n > 0 {
			w.logger.Info("polled", "source", job.Args.SourceID, "new_items", n)
			queueClustering(ctx, w.logger)
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
