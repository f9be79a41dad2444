package cluster

import (
	"strconv"
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

// BenchmarkDedup adds the BBC News articles (a few hundred words each) to
// a fresh Dedup, and BenchmarkDedupShort the Google News set's headlines
// and snippets.
func BenchmarkDedup(b *testing.B) {
	docs := loadBBC(b)
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	benchmarkDedup(b, texts)
}

func BenchmarkDedupShort(b *testing.B) {
	docs := loadGoogleNews(b)
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Title + "\n" + d.Text
	}
	benchmarkDedup(b, texts)
}

func benchmarkDedup(b *testing.B, texts []string) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		d := NewDedup(DedupOptions{})
		for i, t := range texts {
			d.Add(strconv.Itoa(i), t)
		}
		n += len(texts)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}
