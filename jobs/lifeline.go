package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/newsdesk/newsdesk/store"
)

// Heartbeats: how a process that died with jobs running is noticed, and
// its jobs taken over, within seconds rather than after the job timeout.
//
// River rescues a job left running only when it has run longer than
// RescueStuckJobsAfter, and only on the elected leader, every 30 seconds:
// a process killed in the middle of a poll left it stalled for twice
// --job-timeout (four minutes by default). Shortening that would have
// River run twice at once any job that legitimately runs long (a slow
// outlet's feed, a large batch to cluster). Instead each process that runs
// jobs counts heartbeats in the database (store.BeatWorker), and every
// such process takes over the running jobs of any process whose count has
// not moved for DeadAfter, making them available again at once. A process
// never judges another before it has itself beaten without a break for
// DeadAfter, so that after an outage of the database everyone has had the
// time to beat again. And a process whose own heartbeats have failed for
// two thirds of DeadAfter (cut off from the database) stops its running
// jobs, so that they have ended before anyone can take them over.
//
// River's own rescue stays, at twice the job timeout, for a job of a live
// process that outlived its timeout without returning.

// Heartbeat defaults.
const (
	// DefaultHeartbeat is how often a process beats and looks for the
	// jobs of processes that have stopped.
	DefaultHeartbeat = 2 * time.Second
	// DefaultDeadAfter is how long a process's count must stand still
	// before its jobs are taken over.
	DefaultDeadAfter = 15 * time.Second
)

// forgetAfter is how long the record of a dead process is kept once it
// is judged dead: long enough for every other process to take over its
// jobs, although one is enough.
const forgetAfter = time.Minute

// errLeaseLost is why a job is stopped when its process has been cut off
// from the database too long.
var errLeaseLost = errors.New("this process could not record its heartbeat in time; its jobs stop so that another process may take them over")

// lifeline beats for one process, takes over the jobs of processes that
// have stopped beating, and, as River middleware, stops this process's
// jobs when its own heartbeats fail.
type lifeline struct {
	river.MiddlewareDefaults
	db        *store.DB
	exec      riverdriver.Executor
	logger    *slog.Logger
	every     time.Duration
	deadAfter time.Duration
	id        string // the queue client's ID, in every job's attempted_by

	mu       sync.Mutex
	lease    context.Context // done when this process's heartbeats have lapsed
	endLease context.CancelCauseFunc
	leaseGen int         // which lease the timer ends
	timer    *time.Timer // ends the lease unless renewed
	watching time.Time   // when the unbroken run of heartbeats began; zero if broken
	seen     map[string]sighting
}

// sighting is when a process's heartbeat count was last seen to change.
type sighting struct {
	beats int64 // -1: the process has no record
	at    time.Time
}

func newLifeline(cfg Config, exec riverdriver.Executor) *lifeline {
	lease, end := context.WithCancelCause(context.Background())
	end(errors.New("this process has not recorded a heartbeat yet"))
	return &lifeline{
		db: cfg.DB, exec: exec, logger: cfg.Logger,
		every: cfg.Heartbeat, deadAfter: cfg.DeadAfter,
		lease: lease, endLease: end,
		seen: map[string]sighting{},
	}
}

// leaseFor is how long after a heartbeat begins this process's jobs may
// run without another: well inside DeadAfter, so that they have stopped
// before any other process judges this one dead.
func (l *lifeline) leaseFor() time.Duration { return l.deadAfter * 2 / 3 }

// run beats and looks for stopped processes' jobs every l.every until ctx
// ends.
func (l *lifeline) run(ctx context.Context) {
	t := time.NewTicker(l.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := l.beat(ctx); err != nil {
			if ctx.Err() == nil {
				l.logger.Warn("jobs: heartbeat failed", "worker", l.id, "err", err)
			}
			continue
		}
		if err := l.takeOver(ctx); err != nil && ctx.Err() == nil {
			l.logger.Warn("jobs: looking for the jobs of stopped workers failed", "err", err)
			l.mu.Lock()
			l.resetWatch()
			l.mu.Unlock()
		}
	}
}

// beat records a heartbeat and renews this process's lease on its jobs.
func (l *lifeline) beat(ctx context.Context) error {
	start := time.Now()
	bctx, cancel := context.WithTimeout(ctx, l.leaseFor())
	defer cancel()
	err := l.db.BeatWorker(bctx, l.id)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.resetWatch()
		return err
	}
	if l.lease.Err() != nil {
		l.lease, l.endLease = context.WithCancelCause(context.Background())
	}
	if l.timer != nil {
		l.timer.Stop()
	}
	l.leaseGen++
	gen, end := l.leaseGen, l.endLease
	l.timer = time.AfterFunc(time.Until(start.Add(l.leaseFor())), func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.leaseGen == gen {
			end(errLeaseLost)
			l.logger.Warn("jobs: heartbeats failed; stopping this process's running jobs so that another process may take them over", "worker", l.id)
		}
	})
	if l.watching.IsZero() {
		l.watching = start
	}
	return nil
}

// resetWatch forgets what was seen of other processes: with this
// process's own heartbeats broken, it cannot tell whether theirs were.
// l.mu is held.
func (l *lifeline) resetWatch() {
	l.watching = time.Time{}
	clear(l.seen)
}

// stop ends the lease timer, at shutdown.
func (l *lifeline) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
}

// Work runs a job under this process's lease: the job's context ends if
// the process's heartbeats lapse while it runs.
func (l *lifeline) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	l.mu.Lock()
	lease := l.lease
	l.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(lease, func() { cancel(context.Cause(lease)) })
	defer stop()
	return doInner(ctx)
}

var _ rivertype.WorkerMiddleware = (*lifeline)(nil)

// takeOver makes the running jobs of processes that have stopped beating
// available again, and forgets processes dead a while.
func (l *lifeline) takeOver(ctx context.Context) error {
	beats, err := l.db.WorkerBeats(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	l.mu.Lock()
	if l.watching.IsZero() {
		l.mu.Unlock()
		return nil
	}
	for id, n := range beats {
		if s, ok := l.seen[id]; !ok || s.beats != n {
			l.seen[id] = sighting{beats: n, at: now}
		}
	}
	judging := now.Sub(l.watching) >= l.deadAfter
	l.mu.Unlock()
	if !judging {
		return nil // not watched long enough to tell a dead process from a slow one
	}

	dbNow, err := l.db.DatabaseNow(ctx)
	if err != nil {
		return err
	}
	// Jobs fetched within DeadAfter are left alone whoever fetched them:
	// a process that fetched one just before it died is judged at the
	// next look.
	horizon := dbNow.Add(-l.deadAfter)
	rescue := &riverdriver.JobRescueManyParams{StuckHorizon: horizon}
	taken := map[string]int{}
	for afterID := int64(0); ; {
		const page = 100
		stuck, err := l.exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: afterID, Max: page, StuckHorizon: horizon})
		if err != nil {
			return fmt.Errorf("running jobs: %w", err)
		}
		for _, job := range stuck {
			afterID = job.ID
			if len(job.AttemptedBy) == 0 {
				continue
			}
			worker := job.AttemptedBy[len(job.AttemptedBy)-1]
			if worker == l.id || !l.dead(worker, now) {
				continue
			}
			if err := l.addRescue(rescue, job, worker, dbNow); err != nil {
				return err
			}
			taken[worker]++
		}
		if len(stuck) < page {
			break
		}
	}
	if len(rescue.ID) > 0 {
		if _, err := l.exec.JobRescueMany(ctx, rescue); err != nil {
			return fmt.Errorf("take over jobs: %w", err)
		}
		for worker, n := range taken {
			l.logger.Warn("jobs: a worker stopped without finishing its jobs; took them over", "worker", worker, "jobs", n, "by", l.id)
		}
	}
	return l.forgetDead(ctx, now)
}

// dead reports whether the process id has not beaten for DeadAfter, as
// far as this process has seen. l.mu is not held.
func (l *lifeline) dead(id string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.seen[id]
	if !ok { // no record of it: watch it from now
		l.seen[id] = sighting{beats: -1, at: now}
		return false
	}
	return now.Sub(s.at) >= l.deadAfter
}

// addRescue adds a dead process's job to rescue, as River's own rescuer
// would: available again at once, or discarded if that was its last
// attempt (a job that kills its process each time must not do so
// forever), or cancelled if a cancellation was asked for.
func (l *lifeline) addRescue(rescue *riverdriver.JobRescueManyParams, job *rivertype.JobRow, worker string, now time.Time) error {
	msg, err := json.Marshal(rivertype.AttemptError{
		At:      now,
		Attempt: max(job.Attempt, 0),
		Error:   fmt.Sprintf("worker %s stopped while running this job (no heartbeat for %s); taken over by %s", worker, l.deadAfter, l.id),
	})
	if err != nil {
		return err
	}
	var meta struct {
		CancelAttemptedAt time.Time `json:"cancel_attempted_at"`
	}
	json.Unmarshal(job.Metadata, &meta) // metadata River could not read either is no request to cancel
	state, scheduled, finalized := rivertype.JobStateAvailable, now, (*time.Time)(nil)
	switch {
	case !meta.CancelAttemptedAt.IsZero():
		state, scheduled, finalized = rivertype.JobStateCancelled, job.ScheduledAt, &now
	case job.Attempt >= job.MaxAttempts:
		state, scheduled, finalized = rivertype.JobStateDiscarded, job.ScheduledAt, &now
	}
	rescue.ID = append(rescue.ID, job.ID)
	rescue.Error = append(rescue.Error, msg)
	rescue.State = append(rescue.State, string(state))
	rescue.ScheduledAt = append(rescue.ScheduledAt, scheduled)
	rescue.FinalizedAt = append(rescue.FinalizedAt, finalized)
	return nil
}

// forgetDead deletes the records of processes that stopped beating a
// while ago, whose jobs have been taken over; a process that stops
// cleanly deletes its own.
func (l *lifeline) forgetDead(ctx context.Context, now time.Time) error {
	l.mu.Lock()
	var gone []string
	for id, s := range l.seen {
		if id != l.id && now.Sub(s.at) >= forgetAfter {
			gone = append(gone, id)
		}
	}
	l.mu.Unlock()
	for _, id := range gone {
		if err := l.db.ForgetWorker(ctx, id); err != nil {
			return err
		}
		l.mu.Lock()
		delete(l.seen, id)
		l.mu.Unlock()
	}
	return nil
}
