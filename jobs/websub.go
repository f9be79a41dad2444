package jobs

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"
)

// WebSub is the upkeep of WebSub subscriptions, as ingest.WebSub does it.
type WebSub interface {
	// Maintain fails subscriptions whose hub let them down and returns the
	// sources due for a subscribe request (a first one or a renewal) and
	// the removed sources to unsubscribe.
	Maintain(ctx context.Context) (subscribe, unsubscribe []int64, err error)
	// Subscribe sends the subscribe request a source is due for.
	Subscribe(ctx context.Context, sourceID int64) error
	// Unsubscribe cancels a removed source's subscription at its hub.
	Unsubscribe(ctx context.Context, sourceID int64) error
}

// MaintainWebSubArgs asks for a look over every WebSub subscription. It
// runs periodically on the elected leader.
type MaintainWebSubArgs struct{}

// Kind names the job in the database.
func (MaintainWebSubArgs) Kind() string { return "websub_maintain" }

// SubscribeWebSubArgs asks for a source's subscribe request: its first,
// or the renewal of its lease.
type SubscribeWebSubArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind names the job in the database.
func (SubscribeWebSubArgs) Kind() string { return "websub_subscribe" }

// InsertOpts keeps at most one subscribe request of a source queued or
// running.
func (SubscribeWebSubArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueIngest, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

// UnsubscribeWebSubArgs asks for the cancellation of a removed source's
// subscription at its hub.
type UnsubscribeWebSubArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind names the job in the database.
func (UnsubscribeWebSubArgs) Kind() string { return "websub_unsubscribe" }

// InsertOpts keeps at most one cancellation of a source queued or running.
func (UnsubscribeWebSubArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueIngest, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

// addWebSub registers the WebSub jobs: a look over the subscriptions
// every tick, which queues subscribe requests (first ones and renewals)
// and cancellations.
func addWebSub(cfg Config, workers *river.Workers, rc *river.Config) {
	river.AddWorker(workers, &maintainWebSubWorker{ws: cfg.WebSub})
	river.AddWorker(workers, &subscribeWebSubWorker{ws: cfg.WebSub})
	river.AddWorker(workers, &unsubscribeWebSubWorker{ws: cfg.WebSub})
	rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
		func() (river.JobArgs, *river.InsertOpts) {
			return MaintainWebSubArgs{}, &river.InsertOpts{
				MaxAttempts: 1,
				UniqueOpts:  river.UniqueOpts{ByState: activeStates},
			}
		},
		&river.PeriodicJobOpts{ID: "websub_maintain", RunOnStart: true}))
}

type maintainWebSubWorker struct {
	river.WorkerDefaults[MaintainWebSubArgs]
	ws WebSub
}

// Work looks over the subscriptions and queues what is due.
func (w *maintainWebSubWorker) Work(ctx context.Context, job *river.Job[MaintainWebSubArgs]) error {
	subscribe, unsubscribe, err := w.ws.Maintain(ctx)
	if err != nil {
		return err
	}
	var params []river.InsertManyParams
	for _, id := range subscribe {
		params = append(params, river.InsertManyParams{Args: SubscribeWebSubArgs{SourceID: id}})
	}
	for _, id := range unsubscribe {
		params = append(params, river.InsertManyParams{Args: UnsubscribeWebSubArgs{SourceID: id}})
	}
	if len(params) == 0 {
		return nil
	}
	_, err = river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params)
	return err
}

type subscribeWebSubWorker struct {
	river.WorkerDefaults[SubscribeWebSubArgs]
	ws WebSub
}

// Work sends the subscribe request. A hub that refuses is recorded on the
// subscription (and the source polled as usual), so only our own failures
// are retried.
func (w *subscribeWebSubWorker) Work(ctx context.Context, job *river.Job[SubscribeWebSubArgs]) error {
	return w.ws.Subscribe(ctx, job.Args.SourceID)
}

type unsubscribeWebSubWorker struct {
	river.WorkerDefaults[UnsubscribeWebSubArgs]
	ws WebSub
}

// Work cancels the subscription at its hub, best effort.
func (w *unsubscribeWebSubWorker) Work(ctx context.Context, job *river.Job[UnsubscribeWebSubArgs]) error {
	return w.ws.Unsubscribe(ctx, job.Args.SourceID)
}
