package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/bench/newseval"
	"github.com/newsdesk/newsdesk/cluster"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/story"
)

// The cluster benchmark streams the Google News dev set (5,838 articles
// of 76 stories, headline and snippet, in the set's stream order) through
// story clustering, as items arrive, and scores the stories against the
// gold ones:
//
//   - memory: the clustering worker's in-memory path alone, near-duplicate
//     check (cluster.Dedup) and cluster.Clusterer, per article; the story an
//     article is given on arrival is scored, as newseval's
//     TestGoogleNewsStories does.
//   - sqlite, postgres: what the clustering job runs (story.Service) on
//     items stored in a fresh database: read in batches, clustered, every
//     assignment written and logged under the stories lock; the stories as
//     stored at the end are scored.
//
// Every variant runs in a child process with GOMAXPROCS=1 and times the
// clustering only (loading the set and storing the items come first).

// clusterParams size the benchmark; Limit 0 takes the whole set.
type clusterParams struct {
	Limit int
}

func clusterBenchmark(p clusterParams) benchmark {
	return benchmark{
		name:     "cluster",
		about:    "cluster the Google News dev set into stories, in memory and through the job on SQLite and PostgreSQL",
		timeout:  6 * time.Minute,
		run:      func(ctx context.Context, e *env) ([]row, error) { return runCluster(ctx, e, p) },
		children: map[string]childFunc{"run": clusterChild},
	}
}

// findStoriesSet returns the dev set's path, or "" if it is not there.
func findStoriesSet() string {
	for _, p := range []string{
		os.Getenv("NEWSDESK_STORIES_SET"),
		"../shared/data/stories/googlenews-dev.jsonl",
		"../../shared/data/stories/googlenews-dev.jsonl",
	} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	return ""
}

type clusterInput struct {
	Path  string `json:"path"`
	Limit int    `json:"limit"`
	DSN   string `json:"dsn,omitempty"` // empty: in memory
}

type clusterOutput struct {
	Articles   int
	Stories    int
	CPUSeconds float64
	Seconds    float64
	Scores     newseval.Scores
}

func runCluster(ctx context.Context, e *env, p clusterParams) ([]row, error) {
	path := findStoriesSet()
	if path == "" {
		return []row{{benchmark: "cluster", metric: "articles/s",
			status: "skipped: ../shared/data/stories/googlenews-dev.jsonl not found (set NEWSDESK_STORIES_SET)"}}, nil
	}
	variants := []database{{name: "memory"}}
	variants = append(variants, e.databases()...)
	var rows []row
	for _, v := range variants {
		if v.skip != "" {
			rows = append(rows, row{benchmark: "cluster", variant: v.name, metric: "articles/s", status: v.skip})
			continue
		}
		var rates []float64
		var first clusterOutput
		for i := 0; i < e.count; i++ {
			e.logf("cluster: %s, run %d of %d", v.name, i+1, e.count)
			in := clusterInput{Path: path, Limit: p.Limit}
			drop := func() {}
			if v.create != nil {
				dsn, d, err := v.create(ctx)
				if err != nil {
					return rows, fmt.Errorf("%s: %w", v.name, err)
				}
				in.DSN, drop = dsn, d
			}
			var out clusterOutput
			_, err := e.runChild(ctx, "cluster", "run", in, &out)
			drop()
			if err != nil {
				return rows, fmt.Errorf("%s: %w", v.name, err)
			}
			if i == 0 {
				first = out
			}
			if v.create == nil {
				rates = append(rates, float64(out.Articles)/out.CPUSeconds)
			} else {
				rates = append(rates, float64(out.Articles)/out.Seconds)
			}
		}
		what := fmt.Sprintf("%s articles into %s stories", formatValue(float64(first.Articles)), formatValue(float64(first.Stories)))
		if v.create == nil {
			rows = append(rows,
				medianRow("cluster", v.name, "throughput", "articles/CPU-s", rates, "one core (GOMAXPROCS=1): near-duplicate check and clusterer per article, the worker's in-memory path; "+what),
				row{benchmark: "cluster", variant: v.name, metric: "NMI", value: first.Scores.NMI, notes: "story given on arrival, against the gold stories"},
				row{benchmark: "cluster", variant: v.name, metric: "B-cubed F1", value: first.Scores.BCubedF1,
					notes: fmt.Sprintf("precision %.4f, recall %.4f", first.Scores.BCubedPrecision, first.Scores.BCubedRecall)})
			continue
		}
		rows = append(rows,
			medianRow("cluster", v.name, "throughput", "articles/s", rates, "wall time of the clustering job, GOMAXPROCS=1, every assignment written and logged; "+what),
			row{benchmark: "cluster", variant: v.name, metric: "NMI", value: first.Scores.NMI, notes: "stories as stored at the end, merges included"},
			row{benchmark: "cluster", variant: v.name, metric: "B-cubed F1", value: first.Scores.BCubedF1,
				notes: fmt.Sprintf("precision %.4f, recall %.4f", first.Scores.BCubedPrecision, first.Scores.BCubedRecall)})
	}
	return rows, nil
}

func clusterChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in clusterInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	docs, err := newseval.LoadGoogleNews(in.Path, in.Limit)
	if err != nil {
		return nil, err
	}
	gold := newseval.Stories(docs)
	runtime.GOMAXPROCS(1)
	if in.DSN == "" {
		return clusterInMemory(docs, gold), nil
	}
	return clusterInDatabase(ctx, in.DSN, docs, gold)
}

// clusterInMemory is what the worker does per article, without the
// database.
func clusterInMemory(docs []newseval.Article, gold []int) clusterOutput {
	runtime.GC()
	pred := make([]int, len(docs))
	c0, t0 := cpuNow(), time.Now()
	c := cluster.NewClusterer(cluster.Options{})
	d := cluster.NewDedup(cluster.DedupOptions{})
	for i, doc := range docs {
		sd := cluster.Doc{ID: doc.ID, Title: doc.Title, Text: doc.Text}
		if lead, dup := d.Add(doc.ID, story.DedupText(doc.Title, doc.Text)); dup {
			if s, ok := c.StoryOf(lead); ok {
				pred[i], _ = c.Place(sd, c.Resolve(s))
				continue
			}
		}
		pred[i] = c.Add(sd)
		c.Absorbed()
	}
	cpu, wall := cpuNow()-c0, time.Since(t0)
	return clusterOutput{Articles: len(docs), Stories: len(c.Stories()), CPUSeconds: cpu.Seconds(), Seconds: wall.Seconds(),
		Scores: newseval.Score(gold, pred)}
}

// clusterInDatabase stores the articles as one source's items, in stream
// order, then runs the clustering job over them.
func clusterInDatabase(ctx context.Context, dsn string, docs []newseval.Article, gold []int) (clusterOutput, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return clusterOutput{}, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return clusterOutput{}, err
	}
	src := &newsdesk.Source{Name: "Google News", FeedURL: "https://news.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		return clusterOutput{}, err
	}
	items := make([]*newsdesk.Item, len(docs))
	for i, d := range docs {
		items[i] = &newsdesk.Item{GUID: d.ID, URL: "https://news.example/" + d.ID, Title: d.Title, Summary: d.Text}
	}
	for start := 0; start < len(items); start += 400 {
		if _, err := db.SaveItems(ctx, src.ID, items[start:min(start+400, len(items))]); err != nil {
			return clusterOutput{}, err
		}
	}
	runtime.GC()
	cl := story.NewService(story.Config{Store: db})
	c0, t0 := cpuNow(), time.Now()
	n, more, err := cl.Run(ctx, story.RunOptions{MaxBatches: 1_000_000})
	cpu, wall := cpuNow()-c0, time.Since(t0)
	if err != nil {
		return clusterOutput{}, err
	}
	if more || n != len(docs) {
		return clusterOutput{}, fmt.Errorf("clustered %d of %d articles", n, len(docs))
	}

	// Read back where each article ended.
	storyOf := map[string]int64{}
	stories := 0
	for offset := 0; ; offset += 500 {
		list, err := db.FindStories(ctx, newsdesk.StoryFilter{Limit: 500, Offset: offset})
		if err != nil {
			return clusterOutput{}, err
		}
		for _, s := range list {
			full, err := db.FindStoryByID(ctx, s.ID)
			if err != nil {
				return clusterOutput{}, err
			}
			for _, it := range full.Items {
				storyOf[it.Item.GUID] = s.ID
			}
		}
		stories += len(list)
		if len(list) < 500 {
			break
		}
	}
	pred := make([]int64, len(docs))
	for i, d := range docs {
		s, ok := storyOf[d.ID]
		if !ok {
			return clusterOutput{}, fmt.Errorf("article %s is in no story", d.ID)
		}
		pred[i] = s
	}
	return clusterOutput{Articles: n, Stories: stories, CPUSeconds: cpu.Seconds(), Seconds: wall.Seconds(),
		Scores: newseval.Score(gold, pred)}, nil
}
