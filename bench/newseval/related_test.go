package newseval

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/related"
	"github.com/newsdesk/newsdesk/textproc"
)

var bbcDir = filepath.Join(dataDir, "related", "bbc")

func loadBBC(t testing.TB) []Labeled {
	t.Helper()
	if _, err := os.Stat(bbcDir); err != nil {
		t.Skipf("BBC data set not found at %s: %v", bbcDir, err)
	}
	docs, err := LoadBBC(bbcDir)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestRelatedBBC measures related-article ranking by leave-one-out
// precision at 10 on the BBC News set: the share of each article's ten
// related articles that are of its topic.
func TestRelatedBBC(t *testing.T) {
	docs := loadBBC(t)
	ev := evaluateRelated(docs, related.Options{})
	t.Logf("BBC: %d articles, %d near-duplicate pairs; P@10 %.4f (plain TF-IDF %.4f, sublinear TF-IDF %.4f); build %v, queries %v",
		ev.Docs, ev.DuplicatePairs, ev.P10, ev.Baseline, ev.BaselineSublinear, ev.Build, ev.Query)
	if ev.P10 < 0.94 {
		t.Errorf("P@10 = %.4f, want >= 0.94", ev.P10)
	}
	if ev.P10 <= ev.Baseline {
		t.Errorf("P@10 = %.4f, no better than plain TF-IDF (%.4f)", ev.P10, ev.Baseline)
	}

	// Random halves: the figure should hold on smaller samples of the same
	// kind, not only on the set the defaults were chosen on.
	r := rand.New(rand.NewPCG(1, 2))
	for split := range 2 {
		perm := r.Perm(len(docs))
		for half := range 2 {
			idx := perm[half*len(docs)/2 : (half+1)*len(docs)/2]
			slices.Sort(idx)
			sub := make([]Labeled, len(idx))
			for i, j := range idx {
				sub[i] = docs[j]
			}
			ev := evaluateRelated(sub, related.Options{})
			t.Logf("split %d half %d: P@10 %.4f (plain TF-IDF %.4f)", split, half, ev.P10, ev.Baseline)
		}
	}
}

// synthetic100k is an index of 100,000 generated posts, built once.
var synthetic100k = sync.OnceValues(func() ([]related.Doc, *related.Index) {
	var vocab []string
	if _, err := os.Stat(bbcDir); err == nil {
		docs, err := LoadBBC(bbcDir)
		if err == nil {
			plain := make([]related.Doc, len(docs))
			for i, d := range docs {
				plain[i] = d.Doc
			}
			vocab = Vocabulary(plain)
		}
	}
	docs := Synthetic(100_000, vocab, 1)
	x := related.New(related.Options{})
	for _, d := range docs {
		x.Put(d)
	}
	if err := x.Settle(context.Background()); err != nil {
		panic(err) // the background context is never cancelled
	}
	return docs, x
})

// BenchmarkRelated100k times Related on an index of 100,000 generated
// posts, the size bench's related benchmark serves from the database.
func BenchmarkRelated100k(b *testing.B) {
	start := time.Now()
	docs, x := synthetic100k()
	b.Logf("index of %d documents ready in %v", len(docs), time.Since(start))
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id := docs[(i*7919)%len(docs)].ID
		t := time.Now()
		x.Related(id, 10)
		times = append(times, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*50/100].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}

// relatedEval is what evaluateRelated measured.
type relatedEval struct {
	Docs int
	// DuplicatePairs is the number of pairs with word 5-shingle Jaccard
	// index >= 0.8, left out of both the candidates and the results.
	DuplicatePairs int
	// P10 is the mean share of each document's 10 related documents that
	// carry its label, ranked by an Index with the given options.
	P10 float64
	// Baseline is P10 for a plain TF-IDF cosine: raw term frequency times
	// ln(N/df), the same words and stop words, nothing else.
	Baseline float64
	// BaselineSublinear is Baseline with 1 + ln(tf) for the term frequency.
	BaselineSublinear float64
	// Build is how long it took to index the documents and compute their
	// neighbour lists; Query the total time of the Related calls.
	Build, Query time.Duration
}

// evaluateRelated measures leave-one-out precision at 10 on docs: every
// document is a query, the rest are candidates, except exact
// near-duplicates of the query (word 5-shingle Jaccard >= 0.8), which are
// left out of both the candidates and the results.
func evaluateRelated(docs []Labeled, opts related.Options) relatedEval {
	const k = 10
	ev := relatedEval{Docs: len(docs)}
	dups := exactDuplicates(docs, textproc.NearDuplicate)
	for i := range dups {
		ev.DuplicatePairs += len(dups[i])
	}
	ev.DuplicatePairs /= 2

	label := make(map[string]string, len(docs))
	index := make(map[string]int, len(docs))
	for i, d := range docs {
		label[d.ID] = d.Label
		index[d.ID] = i
	}
	start := time.Now()
	x := related.New(opts)
	for _, d := range docs {
		x.Put(d.Doc)
	}
	if err := x.Settle(context.Background()); err != nil {
		panic(err) // the background context is never cancelled
	}
	ev.Build = time.Since(start)

	start = time.Now()
	var sum float64
	for i, d := range docs {
		res := x.Related(d.ID, k+len(dups[i]))
		hits, n := 0, 0
		for _, r := range res {
			if slices.Contains(dups[i], index[r.ID]) {
				continue
			}
			if label[r.ID] == d.Label {
				hits++
			}
			if n++; n == k {
				break
			}
		}
		if n > 0 {
			sum += float64(hits) / float64(n)
		}
	}
	ev.Query = time.Since(start)
	ev.P10 = sum / float64(len(docs))
	ev.Baseline = baselineP10(docs, dups, k, false)
	ev.BaselineSublinear = baselineP10(docs, dups, k, true)
	return ev
}

// exactDuplicates returns, for each document, the indexes of the others
// whose word 5-shingle sets have a Jaccard index of at least threshold.
func exactDuplicates(docs []Labeled, threshold float64) [][]int {
	sets := make([][]uint32, len(docs))
	inv := make(map[uint32][]int)
	var sk textproc.Sketcher
	for i, d := range docs {
		sets[i] = slices.Clone(sk.Shingles(textproc.Words(nil, d.Title+"\n"+d.Text)))
		for _, h := range sets[i] {
			inv[h] = append(inv[h], i)
		}
	}
	out := make([][]int, len(docs))
	for i := range docs {
		shared := make(map[int]int)
		for _, h := range sets[i] {
			for _, j := range inv[h] {
				if j != i {
					shared[j]++
				}
			}
		}
		for j, c := range shared {
			if float64(c)/float64(len(sets[i])+len(sets[j])-c) >= threshold {
				out[i] = append(out[i], j)
			}
		}
		slices.Sort(out[i])
	}
	return out
}

// baselineP10 ranks by the cosine of plain TF-IDF vectors.
func baselineP10(docs []Labeled, dups [][]int, k int, sublinear bool) float64 {
	dict := make(map[string]int)
	vecs := make([]map[int]float64, len(docs))
	var df []int
	for i, d := range docs {
		v := make(map[int]float64)
		for _, w := range textproc.Words(nil, d.Title+"\n"+d.Text) {
			if !textproc.IsTerm(w) {
				continue
			}
			t, ok := dict[w]
			if !ok {
				t = len(dict)
				dict[w] = t
				df = append(df, 0)
			}
			v[t]++
		}
		for t := range v {
			df[t]++
		}
		vecs[i] = v
	}
	type posting struct {
		doc int
		w   float64
	}
	post := make([][]posting, len(df))
	n := float64(len(docs))
	for i, v := range vecs {
		var norm float64
		for t, tf := range v {
			if sublinear {
				tf = 1 + math.Log(tf)
			}
			v[t] = tf * math.Log(n/float64(df[t]))
			norm += v[t] * v[t]
		}
		norm = math.Sqrt(norm)
		for t := range v {
			v[t] /= norm
			post[t] = append(post[t], posting{i, v[t]})
		}
	}
	var sum float64
	acc := make([]float64, len(docs))
	order := make([]int, 0, len(docs))
	for i, v := range vecs {
		clear(acc)
		for t, w := range v {
			for _, p := range post[t] {
				acc[p.doc] += w * p.w
			}
		}
		order = order[:0]
		for j := range docs {
			if j != i && !slices.Contains(dups[i], j) {
				order = append(order, j)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(acc[b], acc[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		hits := 0
		for _, j := range order[:k] {
			if docs[j].Label == docs[i].Label {
				hits++
			}
		}
		sum += float64(hits) / float64(k)
	}
	return sum / n
}
