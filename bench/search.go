package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
)

// The search benchmark indexes synthetic articles and times searches of
// them, on each database, through the store's own methods: SaveItems
// (whose triggers index each item in the same transaction, as every poll
// does) and Search (ranking, filters and snippets, as the site and desk
// call it).
//
// The text is generated, the same every run: a vocabulary of 50,000
// made-up words plus English stop words, drawn with a Zipf distribution
// (s = 1.07, close to real English), a title of 5 to 12 words and a body
// of 100 to 300 words per article. Each search is one to three words of
// the headline of an article sampled evenly over the set, so every search
// finds something and many are for common words that thousands of
// articles share: the broad searches that cost most.

// searchParams sizes the search benchmark.
type searchParams struct {
	Articles int // how many to index
	Queries  int // how many searches to time
	Batch    int // articles per SaveItems call (one transaction)
}

// defaultSearch is the size the issue asks for.
var defaultSearch = searchParams{Articles: 1_000_000, Queries: 400, Batch: 1000}

func searchBenchmark(p searchParams) benchmark {
	return benchmark{
		name:    "search",
		about:   fmt.Sprintf("index %d synthetic articles into each database, then time %d one- to three-word searches", p.Articles, p.Queries),
		timeout: 90 * time.Minute,
		run: func(ctx context.Context, e *env) ([]row, error) {
			if e.n > 0 {
				p.Articles = e.n
			}
			return runSearch(ctx, e, p)
		},
	}
}

func runSearch(ctx context.Context, e *env, p searchParams) ([]row, error) {
	corpus := newCorpus(1)
	size := fmt.Sprintf("%s articles of %d–%d words, Zipf vocabulary", formatValue(float64(p.Articles)), 100, 300)
	var rows []row
	for _, db := range e.databases() {
		if db.skip != "" {
			rows = append(rows, row{benchmark: "search", variant: db.name, metric: "all", status: db.skip})
			continue
		}
		got, err := searchOnce(ctx, e, db, corpus, p, size)
		rows = append(rows, got...)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", db.name, err)
		}
	}
	return rows, nil
}

func searchOnce(ctx context.Context, e *env, dbase database, c *corpus, p searchParams, size string) ([]row, error) {
	dsn, drop, err := dbase.create(ctx)
	if err != nil {
		return nil, err
	}
	defer drop()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}

	// A hundred outlets, written to in turn, a batch at a time.
	const outlets = 100
	var sources []int64
	for n := range outlets {
		s := &newsdesk.Source{Name: fmt.Sprintf("Outlet %d", n), FeedURL: fmt.Sprintf("https://outlet%d.example/feed", n)}
		if err := db.CreateSource(ctx, s); err != nil {
			return nil, err
		}
		sources = append(sources, s.ID)
	}

	e.logf("search: %s: indexing %d articles", dbase.name, p.Articles)
	gen := c.articles(2)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var indexing time.Duration
	cpu0 := cpuNow()
	words := 0
	// Searches are for words of headlines, sampled evenly over the
	// articles.
	var titles []string
	every := max(1, p.Articles/p.Queries)
	for done := 0; done < p.Articles; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(p.Batch, p.Articles-done)
		batch := make([]*newsdesk.Item, n)
		for i := range batch {
			title, body, w := gen()
			if (done+i)%every == 0 && len(titles) < p.Queries {
				titles = append(titles, title)
			}
			words += w
			published := start.Add(time.Duration(done+i) * time.Minute)
			batch[i] = &newsdesk.Item{GUID: fmt.Sprint(done + i), URL: fmt.Sprintf("https://example.com/a/%d", done+i),
				Title: title, Summary: body, PublishedAt: &published}
		}
		t0 := time.Now()
		added, err := db.SaveItems(ctx, sources[(done/p.Batch)%outlets], batch)
		indexing += time.Since(t0)
		if err != nil {
			return nil, err
		}
		if added != n {
			return nil, fmt.Errorf("stored %d of %d articles", added, n)
		}
		done += n
		if done%100_000 == 0 {
			e.logf("search: %s: %d articles, %.0f/s", dbase.name, done, float64(done)/indexing.Seconds())
		}
	}
	// The CPU time includes generating the text, which is not timed
	// otherwise; on PostgreSQL it leaves out the server's.
	cpu := cpuNow() - cpu0
	rate := float64(p.Articles) / indexing.Seconds()
	rows := []row{
		{benchmark: "search", variant: dbase.name, metric: "indexing", value: rate, unit: "articles/s",
			notes: fmt.Sprintf("%s (%.0f words each on average), stored with SaveItems in batches of %d, each a transaction; %s in all, this process's CPU %s (text generation included)",
				size, float64(words)/float64(p.Articles), p.Batch, indexing.Round(time.Second), cpu.Round(time.Second))},
	}

	maintenance := ""
	if dbase.name == "postgres" {
		// A live server's autovacuum would have run by now: it gives the
		// planner statistics (so a common word is searched by walking the
		// newest rows, a rare one through the GIN index) and empties the
		// GIN index's list of pending entries, which every search would
		// otherwise scan.
		t0 := time.Now()
		if _, err := db.SQL().ExecContext(ctx, "VACUUM ANALYZE items, item_search"); err != nil {
			return rows, fmt.Errorf("vacuum: %w", err)
		}
		maintenance = fmt.Sprintf("; after VACUUM ANALYZE (%s), as autovacuum would run", time.Since(t0).Round(time.Second))
	}
	queries := headlineQueries(3, titles)
	// Warm the caches as a running server's would be.
	for _, q := range queries[:min(len(queries), 20)] {
		if _, err := db.Search(ctx, newsdesk.SearchQuery{Text: q, Kind: newsdesk.SearchArticles}); err != nil {
			return rows, fmt.Errorf("search %q: %w", q, err)
		}
	}
	e.logf("search: %s: timing %d searches", dbase.name, len(queries))
	var took []float64
	empty := 0
	cpu0 = cpuNow()
	for _, q := range queries {
		t0 := time.Now()
		res, err := db.Search(ctx, newsdesk.SearchQuery{Text: q, Kind: newsdesk.SearchArticles, Limit: 20})
		took = append(took, float64(time.Since(t0).Microseconds())/1000)
		if err != nil {
			return rows, fmt.Errorf("search %q: %w", q, err)
		}
		if len(res.Hits) == 0 {
			empty++
		}
	}
	cpu = (cpuNow() - cpu0) / time.Duration(len(queries))
	slices.Sort(took)
	mix := fmt.Sprintf("%d searches of 1–3 headline words, first page of 20 with snippets, one at a time; %d found nothing%s", len(queries), empty, maintenance)
	rows = append(rows,
		row{benchmark: "search", variant: dbase.name, metric: "search p50", value: percentile(took, 50), unit: "ms", notes: mix},
		row{benchmark: "search", variant: dbase.name, metric: "search p95", value: percentile(took, 95), unit: "ms", notes: mix},
		row{benchmark: "search", variant: dbase.name, metric: "search max", value: took[len(took)-1], unit: "ms", notes: mix},
		row{benchmark: "search", variant: dbase.name, metric: "search CPU (mean)", value: float64(cpu.Microseconds()) / 1000, unit: "ms",
			notes: "this process's CPU time per search: on a shared machine a steadier figure than wall time; on PostgreSQL the server's is not counted"},
	)
	return rows, nil
}

// percentile returns the p-th percentile of sorted xs (nearest rank).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(xs)))) - 1
	return xs[max(0, min(i, len(xs)-1))]
}

// corpus is a vocabulary with Zipf-distributed word frequencies.
type corpus struct {
	words []string // by rank, most common first
	// content are the ranks of words that are not stop words, in order.
	content []int
}

// corpusStopWords lead the vocabulary, as they lead real English text.
var corpusStopWords = strings.Fields(`the of and to a in is that for it as was with be by on not he
	this are or his from at which but have an they you were her she there been one all we their has
	would when if so no will more can who its said about up out them what than into then could`)

// vocabularySize is how many made-up words the vocabulary has.
const vocabularySize = 50_000

func newCorpus(seed uint64) *corpus {
	c := &corpus{words: slices.Clone(corpusStopWords)}
	syllables := strings.Fields(`ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu
		ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi
		vo za ze zo bra cre dri fro gla ple sto tra kin lan mor ton ver`)
	seen := map[string]bool{}
	for _, w := range c.words {
		seen[w] = true
	}
	r := rand.New(rand.NewPCG(seed, 0x5eac4))
	for len(c.words) < len(corpusStopWords)+vocabularySize {
		// Common words are short, rare ones longer, as in real text.
		n := 2 + len(c.words)/2000%3 + r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			c.content = append(c.content, len(c.words))
			c.words = append(c.words, w)
		}
	}
	return c
}

// articles returns a generator of articles: title, body and word count.
func (c *corpus) articles(seed uint64) func() (string, string, int) {
	r := rand.New(rand.NewPCG(seed, 0xa871c1e))
	all := rand.NewZipf(r, 1.07, 2, uint64(len(c.words)-1))
	content := rand.NewZipf(r, 1.07, 2, uint64(len(c.content)-1))
	var b strings.Builder
	return func() (string, string, int) {
		b.Reset()
		n := 5 + r.IntN(8)
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := c.words[c.content[content.Uint64()]]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		title := b.String()
		b.Reset()
		m := 100 + r.IntN(201)
		sentence := 0
		for i := range m {
			w := c.words[all.Uint64()]
			if sentence == 0 {
				if i > 0 {
					b.WriteByte(' ')
				}
				w = strings.ToUpper(w[:1]) + w[1:]
				sentence = 8 + r.IntN(14)
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			sentence--
			if sentence == 0 || i == m-1 {
				b.WriteByte('.')
			}
		}
		return title, b.String(), n + m
	}
}

// headlineQueries returns a search for each title: one to three of its
// words, as a reader who remembers a headline would type them.
func headlineQueries(seed uint64, titles []string) []string {
	r := rand.New(rand.NewPCG(seed, 0x9e41e5))
	out := make([]string, len(titles))
	for i, t := range titles {
		words := strings.Fields(strings.ToLower(t))
		r.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		out[i] = strings.Join(words[:min(len(words), 1+r.IntN(3))], " ")
	}
	return out
}
