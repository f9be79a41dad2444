package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/story"
)

// queueStories runs the clustering job, one at a time.
const queueStories = "stories"

// clusterRunBatches is how many batches one run of the clustering job
// clusters before it makes way for other work and comes back (a first
// start on a database full of items has a backlog).
const clusterRunBatches = 50

// ClusterArgs asks for the items that are in no story yet to be clustered.
// A poll that stores new items queues one, and one is queued every tick in
// case a poll's was refused because another was queued or running.
type ClusterArgs struct{}

// Kind names the job in the database.
func (ClusterArgs) Kind() string { return "cluster_items" }

// InsertOpts keeps at most one clustering job queued or running across
// every process, so that items are clustered in one order, once.
func (ClusterArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queueStories,
		MaxAttempts: 10,
		UniqueOpts:  river.UniqueOpts{ByState: activeStates},
	}
}

// clusterWorker runs the clustering job.
type clusterWorker struct {
	river.WorkerDefaults[ClusterArgs]
	stories *story.Service
	logger  *slog.Logger
}

// batchTx is what a story batch of the store is besides a
// newsdesk.StoryBatch: a transaction the job queue shares (see Migrate).
type batchTx interface{ Tx() *sql.Tx }

// Work clusters the items waiting; with a backlog, it clusters a share and
// comes back at once, so the queue's other work is not held up.
func (w *clusterWorker) Work(ctx context.Context, job *river.Job[ClusterArgs]) error {
	// The job is marked done in the transaction of its last batch, so
	// that a poll storing items after that batch can queue another.
	done := func(b newsdesk.StoryBatch) error {
		tb, ok := b.(batchTx)
		if !ok {
			return errors.New("the stories' batch is not a transaction of the job queue's database")
		}
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tb.Tx(), job)
		return err
	}
	n, more, err := w.stories.Run(ctx, story.RunOptions{MaxBatches: clusterRunBatches, Done: done})
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

// queueClustering asks for the new items to be clustered now rather than
// at the next tick. A clustering job already queued or running makes this
// one redundant, and River skips it.
func queueClustering(ctx context.Context, logger *slog.Logger) {
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return
	}
	if _, err := client.Insert(ctx, ClusterArgs{}, nil); err != nil {
		logger.Warn("queue clustering", "err", err)
	}
}
