package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/newsdesk/newsdesk"
)

// queueHub runs the hub's work, apart from polls, so that a post reaches
// its feeds' followers within seconds however many sources are due.
const queueHub = "hub"

// hubWorkers is how many of the hub's jobs run at once in a process.
const hubWorkers = 4

// Hub is newsdesk's WebSub hub for its own feeds, as hub.Hub does it.
type Hub interface {
	// Verify asks a request's callback to confirm it, and subscribes or
	// unsubscribes the follower once it has.
	Verify(ctx context.Context, r newsdesk.FollowRequest) error
	// Distribute sends a topic's feed to its followers, and returns those
	// to try again.
	Distribute(ctx context.Context, topic string) (retry []int64, err error)
	// Redeliver tries again to send a follower its feed.
	Redeliver(ctx context.Context, followerID int64, topic string) error
	// Ping tells another hub that a topic changed.
	Ping(ctx context.Context, hub, topic string) error
	// Expire removes the followers whose lease has ended.
	Expire(ctx context.Context) (int, error)
}

// HubVerifyArgs asks for the verification of a follow request with its
// callback.
type HubVerifyArgs struct {
	Mode         string `json:"mode"`
	Topic        string `json:"topic"`
	Callback     string `json:"callback"`
	Secret       string `json:"secret,omitempty"`
	LeaseSeconds int64  `json:"lease_seconds,omitempty"`
}

// Kind names the job in the database.
func (HubVerifyArgs) Kind() string { return "hub_verify" }

// InsertOpts tries a callback that cannot be reached twice more.
func (HubVerifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueHub, MaxAttempts: 3}
}

// HubDistributeArgs asks for a feed to be sent to its followers. There is
// one job a change: one that runs already may have read the feed before
// the change.
type HubDistributeArgs struct {
	Topic string `json:"topic"`
}

// Kind names the job in the database.
func (HubDistributeArgs) Kind() string { return "hub_distribute" }

// InsertOpts: a distribution that failed on newsdesk's side is tried
// again a few times.
func (HubDistributeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueHub, MaxAttempts: 5}
}

// HubRedeliverArgs asks for a feed to be sent again to a follower that
// could not be reached. It sends the feed as it is when it runs, so one
// queued for a follower and feed is enough.
type HubRedeliverArgs struct {
	FollowerID int64  `json:"follower_id"`
	Topic      string `json:"topic"`
}

// Kind names the job in the database.
func (HubRedeliverArgs) Kind() string { return "hub_redeliver" }

// InsertOpts tries for a few hours with River's backoff (1 s, 16 s,
// 81 s, ..., attempt⁴ seconds), then gives up; the next change of the
// feed tries again, as WebSub asks.
func (HubRedeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueHub, MaxAttempts: 10,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
}

// HubPingArgs asks for another hub to be told that a feed changed.
type HubPingArgs struct {
	Hub   string `json:"hub"`
	Topic string `json:"topic"`
}

// Kind names the job in the database.
func (HubPingArgs) Kind() string { return "hub_ping" }

// InsertOpts tries a hub that does not accept a few times.
func (HubPingArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueHub, MaxAttempts: 5}
}

// HubExpireArgs asks for the followers whose lease has ended to be
// removed. It runs periodically on the elected leader.
type HubExpireArgs struct{}

// Kind names the job in the database.
func (HubExpireArgs) Kind() string { return "hub_expire" }

// addHub registers the hub's jobs, its queue, and the periodic removal
// of lapsed followers.
func addHub(cfg Config, workers *river.Workers, rc *river.Config) {
	river.AddWorker(workers, &hubVerifyWorker{hub: cfg.Hub})
	river.AddWorker(workers, &hubDistributeWorker{hub: cfg.Hub})
	river.AddWorker(workers, &hubRedeliverWorker{hub: cfg.Hub})
	river.AddWorker(workers, &hubPingWorker{hub: cfg.Hub})
	river.AddWorker(workers, &hubExpireWorker{hub: cfg.Hub})
	rc.Queues[queueHub] = river.QueueConfig{MaxWorkers: hubWorkers}
	rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.Tick),
		func() (river.JobArgs, *river.InsertOpts) {
			return HubExpireArgs{}, &river.InsertOpts{
				Queue:       queueHub,
				MaxAttempts: 1,
				UniqueOpts:  river.UniqueOpts{ByState: activeStates},
			}
		},
		&river.PeriodicJobOpts{ID: "hub_expire", RunOnStart: true}))
}

// EnqueueFollowRequest queues the verification of a follow request.
func (q *Queue) EnqueueFollowRequest(ctx context.Context, r newsdesk.FollowRequest) error {
	_, err := q.client.Insert(ctx, HubVerifyArgs{Mode: r.Mode, Topic: r.Topic, Callback: r.Callback,
		Secret: r.Secret, LeaseSeconds: int64(r.Lease / time.Second)}, nil)
	if err != nil {
		return fmt.Errorf("queue the verification of a follow request: %w", err)
	}
	return nil
}

// EnqueueDistribution queues the delivery of each topic to its followers.
func (q *Queue) EnqueueDistribution(ctx context.Context, topics []string) error {
	params := make([]river.InsertManyParams, len(topics))
	for i, t := range topics {
		params[i] = river.InsertManyParams{Args: HubDistributeArgs{Topic: t}}
	}
	if _, err := q.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("queue the delivery of %d feeds: %w", len(topics), err)
	}
	return nil
}

// EnqueuePings queues telling another hub that the topics changed.
func (q *Queue) EnqueuePings(ctx context.Context, hub string, topics []string) error {
	params := make([]river.InsertManyParams, len(topics))
	for i, t := range topics {
		params[i] = river.InsertManyParams{Args: HubPingArgs{Hub: hub, Topic: t}}
	}
	if _, err := q.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("queue notices to %s: %w", hub, err)
	}
	return nil
}

type hubVerifyWorker struct {
	river.WorkerDefaults[HubVerifyArgs]
	hub Hub
}

// Work verifies the request with its callback.
func (w *hubVerifyWorker) Work(ctx context.Context, job *river.Job[HubVerifyArgs]) error {
	a := job.Args
	return w.hub.Verify(ctx, newsdesk.FollowRequest{Mode: a.Mode, Topic: a.Topic, Callback: a.Callback,
		Secret: a.Secret, Lease: time.Duration(a.LeaseSeconds) * time.Second})
}

type hubDistributeWorker struct {
	river.WorkerDefaults[HubDistributeArgs]
	hub Hub
}

// Work sends the feed to its followers, and queues another try for each
// that could not be reached.
func (w *hubDistributeWorker) Work(ctx context.Context, job *river.Job[HubDistributeArgs]) error {
	retry, err := w.hub.Distribute(ctx, job.Args.Topic)
	if len(retry) > 0 {
		params := make([]river.InsertManyParams, len(retry))
		for i, id := range retry {
			params[i] = river.InsertManyParams{Args: HubRedeliverArgs{FollowerID: id, Topic: job.Args.Topic}}
		}
		if _, ierr := river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params); ierr != nil && err == nil {
			err = ierr
		}
	}
	return err
}

type hubRedeliverWorker struct {
	river.WorkerDefaults[HubRedeliverArgs]
	hub Hub
}

// Work sends the feed again to the follower.
func (w *hubRedeliverWorker) Work(ctx context.Context, job *river.Job[HubRedeliverArgs]) error {
	return w.hub.Redeliver(ctx, job.Args.FollowerID, job.Args.Topic)
}

type hubPingWorker struct {
	river.WorkerDefaults[HubPingArgs]
	hub Hub
}

// Work tells the other hub.
func (w *hubPingWorker) Work(ctx context.Context, job *river.Job[HubPingArgs]) error {
	return w.hub.Ping(ctx, job.Args.Hub, job.Args.Topic)
}

type hubExpireWorker struct {
	river.WorkerDefaults[HubExpireArgs]
	hub Hub
}

// Work removes the lapsed followers.
func (w *hubExpireWorker) Work(ctx context.Context, job *river.Job[HubExpireArgs]) error {
	_, err := w.hub.Expire(ctx)
	return err
}
