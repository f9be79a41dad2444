package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Heartbeats short enough for a test: a process is judged dead after
// five seconds without one. Shorter proved too short on a machine shared
// with other tests: a process starved of CPU for a second or two, or a
// commit stalled as long, lets its lease lapse, and its jobs stop.
const (
	testHeartbeat = 250 * time.Millisecond
	testDeadAfter = 5 * time.Second
)

// run is one run of a poll job, as a blockingFeeds saw it.
type run struct {
	queue      string
	start, end time.Time
	cause      error // why its context ended, if it did
}

// blockingFeeds is a FeedService whose polls run until they are let go
// or their context ends, recording each run.
type blockingFeeds struct {
	queue   string
	mu      *sync.Mutex
	runs    *[]run
	letGo   chan struct{}
	started chan struct{}
}

func (f blockingFeeds) PollSource(ctx context.Context, id int64) (int, error) {
	f.mu.Lock()
	*f.runs = append(*f.runs, run{queue: f.queue, start: time.Now()})
	i := len(*f.runs) - 1
	f.mu.Unlock()
	select {
	case f.started <- struct{}{}:
	default:
	}
	var err error
	select {
	case <-f.letGo:
	case <-ctx.Done():
		err = ctx.Err()
	}
	f.mu.Lock()
	(*f.runs)[i].end = time.Now()
	(*f.runs)[i].cause = context.Cause(ctx)
	f.mu.Unlock()
	return 0, err
}

func (f blockingFeeds) AddFeed(context.Context, string) (*newsdesk.Source, error) {
	return nil, errors.New("not in this test")
}

// polls runs queues that share one record of poll runs.
type polls struct {
	mu      sync.Mutex
	runs    []run
	letGo   chan struct{}
	started chan struct{}
}

func newPolls() *polls {
	return &polls{letGo: make(chan struct{}), started: make(chan struct{}, 10)}
}

func (p *polls) feeds(queue string) blockingFeeds {
	return blockingFeeds{queue: queue, mu: &p.mu, runs: &p.runs, letGo: p.letGo, started: p.started}
}

func (p *polls) record() []run {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]run(nil), p.runs...)
}

// startWorker starts a queue that runs jobs, with heartbeats short enough
// for a test, and stops it when the test ends.
func startWorker(t *testing.T, db *store.DB, feeds newsdesk.FeedService) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(jobs.Config{DB: db, Sources: db, Feeds: feeds, Workers: 2, Tick: time.Hour,
		JobTimeout: time.Minute, Heartbeat: testHeartbeat, DeadAfter: testDeadAfter})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q
}

// pollSource makes a source that is not due and queues one poll of it.
func pollSource(t *testing.T, db *store.DB, q *jobs.Queue) {
	t.Helper()
	ctx := context.Background()
	src := &newsdesk.Source{Name: "Tidewater Times", FeedURL: "https://tide.example/feed", NextPollAt: time.Now().Add(time.Hour)}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if err := q.EnqueuePoll(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
}

func waitStarted(t *testing.T, p *polls) {
	t.Helper()
	select {
	case <-p.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the poll never started")
	}
}

// A job that runs long in a live process is never taken over by another,
// however long it runs.
func TestLiveWorkersJobIsNotTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := jobs.Migrate(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		p := newPolls()
		a := startWorker(t, db, p.feeds("a"))
		pollSource(t, db, a)
		waitStarted(t, p)
		startWorker(t, db, p.feeds("b"))
		time.Sleep(2 * testDeadAfter)
		close(p.letGo)
		time.Sleep(500 * time.Millisecond)
		if runs := p.record(); len(runs) != 1 || runs[0].queue != "a" || runs[0].cause != nil {
			t.Fatalf("runs: %s, want one, on a, let go", describe(runs))
		}
	})
}

// A process cut off from the database stops its jobs before any other
// process may judge it dead.
func TestCutOffWorkerStopsItsJobs(t *testing.T) {
	db := storetest.SQLite(t)
	if err := jobs.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	p := newPolls()
	a := startWorker(t, db, p.feeds("a"))
	pollSource(t, db, a)
	waitStarted(t, p)
	cutOff := time.Now()
	a.StopHeartbeats()
	waitFor(t, "the job to stop", func() bool { runs := p.record(); return !runs[0].end.IsZero() })
	r := p.record()[0]
	if took := r.end.Sub(cutOff); took >= testDeadAfter {
		t.Fatalf("the job stopped %v after the heartbeats, want within %v", took, testDeadAfter)
	}
	if r.cause == nil || r.cause == context.Canceled {
		t.Fatalf("the job's context ended with %v, want the reason", r.cause)
	}
}

// The job of a process that stopped beating while running it is taken
// over, and run again at once.
func TestDeadWorkersJobIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		// A process that died in the middle of a poll half a minute ago
		// left it running, as far as the database knows. (River's own
		// rescue would take it only after twice the job timeout.)
		inserter, err := jobs.New(jobs.Config{DB: db, Sources: db})
		if err != nil {
			t.Fatal(err)
		}
		pollSource(t, db, inserter)
		leave := `UPDATE river_job SET state = 'running', attempt = 1,
			attempted_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 seconds'), attempted_by = json_array('dead-worker')`
		if db.Dialect() == store.Postgres {
			leave = `UPDATE river_job SET state = 'running', attempt = 1,
				attempted_at = now() - interval '30 seconds', attempted_by = ARRAY['dead-worker']`
		}
		if _, err := db.SQL().ExecContext(ctx, leave); err != nil {
			t.Fatal(err)
		}

		p := newPolls()
		close(p.letGo)
		start := time.Now()
		startWorker(t, db, p.feeds("b"))
		waitStarted(t, p)
		// The new process watches the others for DeadAfter before it
		// judges any, and the dead one for DeadAfter from its first look.
		if took := time.Since(start); took < testDeadAfter || took > 4*testDeadAfter {
			t.Fatalf("taken over after %v, want between %v and %v", took, testDeadAfter, 4*testDeadAfter)
		}
		var attempt int
		var state string
		waitFor(t, "the job to complete", func() bool {
			err := db.SQL().QueryRowContext(ctx, "SELECT state, attempt FROM river_job WHERE kind = 'poll_source'").Scan(&state, &attempt)
			return err == nil && state == "completed"
		})
		if attempt != 2 {
			t.Fatalf("attempt %d, want 2", attempt)
		}
	})
}

func describe(runs []run) string {
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "[on %s for %v, ended by %v] ", r.queue, r.end.Sub(r.start).Round(time.Millisecond), r.cause)
	}
	return b.String()
}
