package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
)

// ingestParams sizes the ingest benchmark.
type ingestParams struct {
	Feeds        int
	ItemsPerFeed int
}

// defaultIngest is the size the issue asks for: 10,000 items.
var defaultIngest = ingestParams{Feeds: 200, ItemsPerFeed: 50}

// ingestBenchmark measures the thin path from feed to database: a child
// process polls every feed of a loopback server once (storing every item)
// and again (storing none), on each database.
func ingestBenchmark(p ingestParams) benchmark {
	return benchmark{
		name:    "ingest",
		about:   fmt.Sprintf("poll %d loopback feeds × %d items into each database, then re-poll", p.Feeds, p.ItemsPerFeed),
		timeout: 5 * time.Minute,
		run: func(ctx context.Context, e *env) ([]row, error) {
			return runIngest(ctx, e, p)
		},
		children: map[string]childFunc{"poll": ingestChild},
	}
}

// ingestInput is what the parent sends the child.
type ingestInput struct {
	DSN         string
	FeedURLs    []string
	Concurrency int
	WantItems   int
}

// ingestOutput is what the child measured.
type ingestOutput struct {
	Stored        int     // items the first pass stored
	PollSeconds   float64 // wall time of the first pass
	RepollSeconds float64 // wall time of the second pass
}

func runIngest(ctx context.Context, e *env, p ingestParams) ([]row, error) {
	// The feed server runs here, in the parent, so that the child's peak
	// memory and CPU time are newsdesk's alone.
	srv, err := startFeedServer(p.Feeds, p.ItemsPerFeed)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	in := ingestInput{Concurrency: e.concurrency, WantItems: p.Feeds * p.ItemsPerFeed}
	for n := range p.Feeds {
		in.FeedURLs = append(in.FeedURLs, srv.feedURL(n))
	}
	size := fmt.Sprintf("%d feeds × %d items, %d workers", p.Feeds, p.ItemsPerFeed, e.concurrency)

	var rows []row
	for _, db := range e.databases() {
		if db.skip != "" {
			rows = append(rows, row{benchmark: "ingest", variant: db.name, metric: "all", status: db.skip})
			continue
		}
		var stored, wall, repoll, cpu, rss []float64
		requests, notModified := srv.requests.Load(), srv.notModified.Load()
		for run := range e.count {
			e.logf("ingest: %s: run %d of %d: polling %d feeds twice in a child process", db.name, run+1, e.count, p.Feeds)
			out, usage, err := ingestOnce(ctx, e, db, in)
			if err != nil {
				return rows, fmt.Errorf("%s: %w", db.name, err)
			}
			stored = append(stored, float64(out.Stored)/out.PollSeconds)
			wall = append(wall, out.PollSeconds)
			repoll = append(repoll, float64(p.Feeds)/out.RepollSeconds)
			cpu = append(cpu, usage.CPU.Seconds())
			rss = append(rss, float64(usage.PeakRSS)/(1<<20))
		}
		requests, notModified = srv.requests.Load()-requests, srv.notModified.Load()-notModified

		r := func(metric, unit string, samples []float64, notes string) {
			rows = append(rows, medianRow("ingest", db.name, metric, unit, samples, notes))
		}
		r("items stored/s", "items/s", stored, "first poll of each feed, every item new: "+size)
		r("first-poll wall time", "s", wall, group(fmt.Sprint(in.WantItems))+" items stored, checked with CountItems")
		r("re-poll (no new items)", "feeds/s", repoll,
			fmt.Sprintf("count unchanged; the server answered %d of %s requests (all runs, both passes) with 304 Not Modified", notModified, group(fmt.Sprint(requests))))
		cpuNotes := "user+sys of the newsdesk process, SQLite included: migrate, add sources, both passes"
		if db.name != "sqlite" {
			cpuNotes = "user+sys of the newsdesk process: migrate, add sources, both passes; the database server's own CPU is not counted"
		}
		r("child CPU time", "s", cpu, cpuNotes)
		if slices.Contains(rss, 0) {
			rows = append(rows, row{benchmark: "ingest", variant: db.name, metric: "peak RSS", status: "not measured on this OS"})
		} else {
			r("peak RSS", "MiB", rss, "newsdesk process, whole run; the feed server runs in another process")
		}
	}
	return rows, nil
}

// ingestOnce runs the child once on a fresh database.
func ingestOnce(ctx context.Context, e *env, db database, in ingestInput) (ingestOutput, childUsage, error) {
	var out ingestOutput
	dsn, drop, err := db.create(ctx)
	if err != nil {
		return out, childUsage{}, err
	}
	defer drop()
	in.DSN = dsn
	usage, err := e.runChild(ctx, "ingest", "poll", in, &out)
	return out, usage, err
}

// ingestChild is the measured part: newsdesk's own store and ingest
// service, as the server runs them.
func ingestChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in ingestInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, in.DSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	ids := make([]int64, len(in.FeedURLs))
	for i, u := range in.FeedURLs {
		src := &newsdesk.Source{Name: fmt.Sprintf("Bench Outlet %03d", i), FeedURL: u}
		if err := db.CreateSource(ctx, src); err != nil {
			return nil, fmt.Errorf("create source %s: %w", u, err)
		}
		ids[i] = src.ID
	}
	// The server stores new items through the pipeline's door, which
	// queues each one's extraction in the items' transaction: so does
	// the benchmark (the jobs wait, as no worker runs here).
	if err := jobs.Migrate(ctx, db); err != nil {
		return nil, err
	}
	pipeline, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: true})
	if err != nil {
		return nil, err
	}
	svc := ingest.New(ingest.Config{Sources: db, Items: pipeline.Items(), Fetcher: benchFetcher(in.Concurrency)})

	stored, took, err := pollAll(ctx, svc, ids, in.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("first pass: %w", err)
	}
	count, err := db.CountItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	if stored != in.WantItems || count != in.WantItems {
		return nil, fmt.Errorf("first pass stored %d items and the database holds %d; want %d", stored, count, in.WantItems)
	}
	out := ingestOutput{Stored: stored, PollSeconds: took.Seconds()}

	stored, took, err = pollAll(ctx, svc, ids, in.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("second pass: %w", err)
	}
	again, err := db.CountItems(ctx, 0)
	if err != nil {
		return nil, err
	}
	if stored != 0 || again != count {
		return nil, fmt.Errorf("re-polling unchanged feeds stored %d items and the count went from %d to %d; want none", stored, count, again)
	}
	out.RepollSeconds = took.Seconds()
	return out, nil
}

// benchFetcher is the server's fetcher with two changes the benchmark
// needs. Its feeds are on loopback, which newsdesk refuses unless allowed,
// so it allows exactly 127.0.0.1. And all 200 feeds are on that one host,
// where newsdesk's politeness (2 fetches at once per host, 500 ms apart)
// would measure the delay rather than newsdesk: it lets every worker fetch
// from the host at once, with no delay, as 200 outlets on 200 hosts would.
func benchFetcher(workers int) *ingest.Fetcher {
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(max(workers, 1), 0)
	return f
}

// pollAll polls every source with workers goroutines and returns how many
// items were new and how long it took. It stops at the first failure.
func pollAll(ctx context.Context, svc *ingest.Service, ids []int64, workers int) (int, time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sources := make(chan int64)
	var stored atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range max(workers, 1) {
		wg.Go(func() {
			for id := range sources {
				n, err := svc.PollSource(ctx, id)
				if err != nil {
					cancel(fmt.Errorf("poll source %d: %w", id, err))
					return
				}
				stored.Add(int64(n))
			}
		})
	}
send:
	for _, id := range ids {
		select {
		case sources <- id:
		case <-ctx.Done():
			break send
		}
	}
	close(sources)
	wg.Wait()
	took := time.Since(start)
	if ctx.Err() != nil {
		return 0, took, context.Cause(ctx)
	}
	return int(stored.Load()), took, nil
}
