package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/bench/newseval"
	"github.com/newsdesk/newsdesk/related"
	"github.com/newsdesk/newsdesk/related/postindex"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/textproc"
)

// The related benchmark measures what a post page pays for its Related
// Articles when 100,000 posts are published. A child process stores
// 100,000 generated news-like posts (newseval.Synthetic: topics, tags and
// publication times over two years, words drawn from the BBC set's
// vocabulary when it is found) in a fresh SQLite database, builds the web
// process's index from the database as `newsdesk serve` does at start
// (postindex.Index.Sync), and then, for 2,000 posts spread over the
// set, times one by one:
//
//   - the index query alone: the IDs of the 10 most related posts (the 5
//     a page shows and 5 spare, as the site asks);
//   - the whole lookup the post page does: that query, reading those
//     posts back from the database to keep the published ones, and
//     cutting the excerpts of the 5 shown.
//
// Storing the posts and building the index take minutes (more on a busy
// machine), so the benchmark runs once whatever -count says, and its time
// limit is 30 minutes: run it alone, or raise -timeout. Should time run
// short during the queries, the child stops early and reports the queries
// it timed.

const (
	relatedPosts   = 100_000
	relatedQueries = 2_000
	relatedShown   = 5
	relatedSpare   = 5
)

func relatedBenchmark() benchmark {
	return benchmark{
		name:     "related",
		about:    "Related Articles of one post among 100,000 published posts: the index query and the post page's whole lookup on SQLite",
		timeout:  30 * time.Minute,
		run:      runRelated,
		children: map[string]childFunc{"run": relatedChild},
	}
}

type relatedInput struct {
	Dir    string `json:"dir"`    // where the child makes its database
	BBCDir string `json:"bbcDir"` // the BBC set, for its vocabulary; "" for made-up words
}

type relatedOutput struct {
	Posts                           int
	Vocabulary                      string
	InsertSeconds                   float64
	BuildSeconds                    float64
	HeapMiB                         float64
	Queries                         int
	IndexP50, IndexP95, IndexP99    float64 // milliseconds
	LookupP50, LookupP95, LookupP99 float64 // milliseconds
	MeanRelated                     float64 // related posts shown per page
}

func runRelated(ctx context.Context, e *env) ([]row, error) {
	in := relatedInput{Dir: filepath.Join(e.tmp, "related")}
	for _, dir := range []string{os.Getenv("NEWSDESK_RELATED_BBC"), "../shared/data/related/bbc", "../../shared/data/related/bbc"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(dir); err == nil {
			in.BBCDir, _ = filepath.Abs(dir)
			break
		}
	}
	if err := os.MkdirAll(in.Dir, 0o750); err != nil {
		return nil, err
	}
	e.logf("related: storing %d posts in SQLite and building the index (takes minutes)", relatedPosts)
	var out relatedOutput
	if _, err := e.runChild(ctx, "related", "run", in, &out); err != nil {
		return nil, err
	}
	setup := fmt.Sprintf("%d posts (%s), %d queries, one run", out.Posts, out.Vocabulary, out.Queries)
	const v = "sqlite"
	return []row{
		{benchmark: "related", variant: v, metric: "lookup p95", value: out.LookupP95, unit: "ms",
			notes: fmt.Sprintf("the post page's Related Articles: index query for %d, published ones read back from the database, %d excerpts; p50 %s, p99 %s; %.1f shown per page on average",
				relatedShown+relatedSpare, relatedShown, formatValue(out.LookupP50), formatValue(out.LookupP99), out.MeanRelated)},
		{benchmark: "related", variant: v, metric: "index query p95", value: out.IndexP95, unit: "ms",
			notes: fmt.Sprintf("postindex.Index.Related(id, %d) alone; p50 %s, p99 %s; %s", relatedShown+relatedSpare, formatValue(out.IndexP50), formatValue(out.IndexP99), setup)},
		{benchmark: "related", variant: v, metric: "index build at start", value: out.BuildSeconds, unit: "s",
			notes: "postindex.Index.Sync from an empty index: every post read from the database, indexed, neighbour lists computed"},
		{benchmark: "related", variant: v, metric: "index heap", value: out.HeapMiB, unit: "MiB",
			notes: "Go heap held after the build (GC'd), the database's pages not counted"},
		{benchmark: "related", variant: v, metric: "store posts", value: out.InsertSeconds, unit: "s",
			notes: "CreatePost one by one, each with its tags in its own transaction"},
	}, nil
}

func relatedChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in relatedInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	out := relatedOutput{Posts: relatedPosts, Vocabulary: "made-up words"}
	var vocab []string
	if in.BBCDir != "" {
		if docs, err := newseval.LoadBBC(in.BBCDir); err == nil {
			plain := make([]related.Doc, len(docs))
			for i, d := range docs {
				plain[i] = d.Doc
			}
			vocab = newseval.Vocabulary(plain)
			out.Vocabulary = "BBC vocabulary"
		}
	}
	docs := newseval.Synthetic(relatedPosts, vocab, 1)

	db, err := store.Open(ctx, filepath.Join(in.Dir, "newsdesk.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	ids := make([]int64, len(docs))
	for i, d := range docs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tags, err := newsdesk.MakeTags(d.Tags)
		if err != nil {
			return nil, err
		}
		published := d.Published
		p := &newsdesk.Post{Headline: d.Title, Summary: d.Text, Status: newsdesk.PostPublished, Tags: tags,
			SourceName: "Synthetic Wire", OriginalURL: "https://wire.example/" + d.ID, PublishedAt: &published}
		if err := db.CreatePost(ctx, p); err != nil {
			return nil, fmt.Errorf("store post %d: %w", i, err)
		}
		ids[i] = p.ID
	}
	out.InsertSeconds = time.Since(start).Seconds()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	idx := postindex.New(postindex.Config{Posts: db})
	start = time.Now()
	if err := idx.Sync(ctx); err != nil {
		return nil, err
	}
	out.BuildSeconds = time.Since(start).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > before.HeapAlloc {
		out.HeapMiB = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	}
	if idx.Len() != relatedPosts {
		return nil, fmt.Errorf("index holds %d posts, want %d", idx.Len(), relatedPosts)
	}

	index := make([]time.Duration, 0, relatedQueries)
	lookup := make([]time.Duration, 0, relatedQueries)
	shown := 0
	deadline, hasDeadline := ctx.Deadline()
	for q := range relatedQueries {
		if hasDeadline && time.Until(deadline) < time.Minute && q >= 200 {
			break
		}
		id := ids[q*len(ids)/relatedQueries]
		t0 := time.Now()
		idx.Related(id, relatedShown+relatedSpare)
		index = append(index, time.Since(t0))

		t0 = time.Now()
		n, err := relatedLookup(ctx, db, idx, id)
		if err != nil {
			return nil, err
		}
		lookup = append(lookup, time.Since(t0))
		shown += n
	}
	out.Queries = len(lookup)
	out.MeanRelated = float64(shown) / float64(len(lookup))
	out.IndexP50, out.IndexP95, out.IndexP99 = percentiles(index)
	out.LookupP50, out.LookupP95, out.LookupP99 = percentiles(lookup)
	return out, nil
}

// relatedLookup does what the post page does for its Related Articles
// (site.relatedTo) and returns how many it would show.
func relatedLookup(ctx context.Context, db *store.DB, idx *postindex.Index, id int64) (int, error) {
	ids := idx.Related(id, relatedShown+relatedSpare)
	if len(ids) == 0 {
		return 0, nil
	}
	found, err := db.FindPosts(ctx, newsdesk.PostFilter{IDs: ids, Status: newsdesk.PostPublished, Limit: len(ids)})
	if err != nil {
		return 0, err
	}
	byID := make(map[int64]*newsdesk.Post, len(found))
	for _, p := range found {
		byID[p.ID] = p
	}
	n := 0
	for _, rid := range ids {
		if p := byID[rid]; p != nil && n < relatedShown {
			_ = textproc.Excerpt(p.Summary, textproc.ExcerptOptions{Words: textproc.ExcerptWords})
			n++
		}
	}
	return n, nil
}

// percentiles returns the 50th, 95th and 99th percentiles in milliseconds.
func percentiles(ts []time.Duration) (p50, p95, p99 float64) {
	if len(ts) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ts)
	ms := func(q int) float64 { return float64(ts[min(len(ts)*q/100, len(ts)-1)].Microseconds()) / 1000 }
	return ms(50), ms(95), ms(99)
}
