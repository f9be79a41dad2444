package related

import (
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

var synthetic100k = sync.OnceValues(func() ([]Doc, *Index) {
	var vocab []string
	if _, err := os.Stat(bbcDir); err == nil {
		docs, err := LoadBBC(bbcDir)
		if err == nil {
			plain := make([]Doc, len(docs))
			for i, d := range docs {
				plain[i] = d.Doc
			}
			vocab = Vocabulary(plain)
		}
	}
	docs := Synthetic(100_000, vocab, 1)
	x := New(Options{})
	for _, d := range docs {
		x.Put(d)
	}
	x.mu.Lock()
	x.settle()
	x.mu.Unlock()
	return docs, x
})

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
