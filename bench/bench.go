package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// benchmark is one entry of the harness. To add one, write a file that
// returns a benchmark and list it in benchmarks below.
type benchmark struct {
	name  string // what -run matches, and the table's first column
	about string // one line for -list
	// timeout bounds the benchmark, within the run's overall -timeout.
	timeout time.Duration
	// run measures and returns the benchmark's rows. When it fails part
	// way it returns the rows it has with the error; the harness prints
	// both and exits non-zero.
	run func(ctx context.Context, e *env) ([]row, error)
	// children are the parts of the benchmark that run in a child process
	// of their own (see env.runChild), by name.
	children map[string]childFunc
}

// benchmarks lists every benchmark, in the order of the table.
func benchmarks() []benchmark {
	return []benchmark{
		ingestBenchmark(defaultIngest),
		ingestExtractBenchmark(defaultIngest),
		hostileBenchmark(hostileFeeds()),
		extractBenchmark(),
		clusterBenchmark(clusterParams{}),
		searchBenchmark(defaultSearch),
		relatedBenchmark(),
	}
}

// row is one line of the results table.
type row struct {
	benchmark string
	variant   string // the database, or whatever else the benchmark varies
	metric    string
	value     float64
	unit      string
	notes     string
	// status, when set, is shown instead of the value: the row was not
	// measured ("skipped: no server") or the benchmark failed.
	status string
}

// medianRow returns a row whose value is the median of samples, its notes
// led by how many runs there were and their range, so that a reader sees
// how much a figure moved on a shared machine.
func medianRow(benchmark, variant, metric, unit string, samples []float64, notes string) row {
	xs := slices.Sorted(slices.Values(samples))
	r := row{benchmark: benchmark, variant: variant, metric: metric, unit: unit, notes: notes}
	if len(xs) == 0 {
		r.status = "no samples"
		return r
	}
	r.value = xs[len(xs)/2]
	if len(xs)%2 == 0 {
		r.value = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	if len(xs) > 1 {
		spread := fmt.Sprintf("median of %d runs (%s–%s)", len(xs), formatValue(xs[0]), formatValue(xs[len(xs)-1]))
		r.notes = spread + "; " + notes
	}
	return r
}

// env is what every benchmark gets from the harness: where to put files,
// which databases it can use, and how to run part of itself in a child
// process.
type env struct {
	exe         string // this program, re-run for child processes
	tmp         string // a directory for this run, removed by close
	concurrency int    // workers for benchmarks that run work in parallel
	count       int    // how many times to measure each case
	n           int    // -n: size for benchmarks that take one; 0 for their own
	log         io.Writer

	postgres        string // server URL for admin connections; "" when none
	postgresSkip    string // why PostgreSQL cases are skipped, when they are
	postgresVersion string
}

// options configure newEnv.
type options struct {
	postgres string // a server URL, or "" for none
	// postgresExplicit says the user named the server, so failing to
	// reach it is an error rather than a reason to skip.
	postgresExplicit bool
	concurrency      int
	count            int
	n                int
	log              io.Writer
}

func newEnv(ctx context.Context, o options) (*env, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program to run child processes: %w", err)
	}
	tmp, err := os.MkdirTemp("", "newsdesk-bench-")
	if err != nil {
		return nil, err
	}
	e := &env{exe: exe, tmp: tmp, concurrency: max(o.concurrency, 1), count: max(o.count, 1), n: o.n, log: o.log}
	if e.log == nil {
		e.log = io.Discard
	}
	if err := e.findPostgres(ctx, o.postgres, o.postgresExplicit); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return e, nil
}

func (e *env) close() { os.RemoveAll(e.tmp) }

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "bench: "+format+"\n", args...)
}

// database is one database a benchmark can run against.
type database struct {
	name string // "sqlite" or "postgres", the table's variant column
	skip string // non-empty when it is unavailable: the row's status
	// create makes an empty database for one case and returns its DSN for
	// store.Open, and a function that removes it.
	create func(ctx context.Context) (dsn string, drop func(), err error)
}

// databases returns SQLite and PostgreSQL, in that order.
func (e *env) databases() []database {
	n := 0
	sqlite := database{name: "sqlite", create: func(ctx context.Context) (string, func(), error) {
		n++
		dir := filepath.Join(e.tmp, fmt.Sprintf("sqlite-%d", n))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "newsdesk.db"), func() { os.RemoveAll(dir) }, nil
	}}
	postgres := database{name: "postgres", skip: e.postgresSkip, create: e.freshPostgres}
	return []database{sqlite, postgres}
}
