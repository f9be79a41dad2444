package story

import (
	"testing"
)

// BenchmarkClusterer streams the Google News dev set (short texts: headline
// and snippet) through a fresh Clusterer; articles/s is the figure to watch.
func BenchmarkClusterer(b *testing.B) {
	docs := loadGoogleNews(b)
	in := make([]Doc, len(docs))
	for i, d := range docs {
		in[i] = Doc{ID: d.ID, Title: d.Title, Text: d.Text}
	}
	benchmarkStream(b, in)
}

// BenchmarkClustererBBC streams the BBC News articles (whole articles of a
// few hundred words, with case and punctuation) through a fresh Clusterer.
func BenchmarkClustererBBC(b *testing.B) {
	docs := loadBBC(b)
	in := make([]Doc, len(docs))
	for i, d := range docs {
		in[i] = Doc{ID: d.ID, Title: d.Title, Text: d.Text}
	}
	benchmarkStream(b, in)
}

func benchmarkStream(b *testing.B, docs []Doc) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		c := NewClusterer(Options{})
		for _, d := range docs {
			c.Add(d)
		}
		n += len(docs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}
