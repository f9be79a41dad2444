package markdown

import (
	"os"
	"testing"
)

// BenchmarkHTML renders a typical post of about 600 words, with
// headings, links, a quote, a list, a table and a video.
func BenchmarkHTML(b *testing.B) {
	src, err := os.ReadFile("testdata/post.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(string(src), postURL); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkText takes the plain text of the same post.
func BenchmarkText(b *testing.B) {
	src, err := os.ReadFile("testdata/post.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Text(string(src))
	}
}
