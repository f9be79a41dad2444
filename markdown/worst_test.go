package markdown

import (
	"os"
	"strings"
	"testing"
	"time"
)

// fill repeats unit to about MaxSize bytes.
func fill(unit string) string {
	return strings.Repeat(unit, MaxSize/len(unit))
}

// worst are the costliest shapes HTML accepts: each of goldmark's
// expensive paths, pushed to just inside its limit and to MaxSize.
var worst = []struct {
	name string
	src  func() string
}{
	{"typical posts", func() string {
		b, _ := os.ReadFile("testdata/post.md")
		return fill(string(b) + "\n\n")
	}},
	{"links scanning long lines", func() string {
		return fill(strings.Repeat("[a](<", maxLinksPerLine) + strings.Repeat("x", 1500) + "\n")
	}},
	{"images scanning long lines", func() string {
		return fill(strings.Repeat("![a](", maxLinksPerLine) + strings.Repeat("x", 1500) + "\n")
	}},
	{"quotation mark runs", func() string { return fill(strings.Repeat(`"`, maxQuoteRun) + "a") }},
	{"apostrophe runs", func() string { return fill(strings.Repeat(`'`, maxQuoteRun) + " ") }},
	{"quotes nested, then lazy lines", func() string {
		return strings.Repeat("> ", maxNesting-1) + "a\n" + fill("a\n")[:MaxSize-2*maxNesting]
	}},
	{"lists nested, then lazy lines", func() string {
		return strings.Repeat("- ", maxNesting-1) + "a\n" + fill("a\n")[:MaxSize-2*maxNesting]
	}},
	{"quotes nested on every line", func() string { return fill(strings.Repeat(">", maxNesting-1) + " a\n") }},
	{"brackets nested in every paragraph", func() string {
		return fill(strings.Repeat("[", maxNesting) + "a" + strings.Repeat("]", maxNesting) + "\n\n")
	}},
	{"references looked up through long paragraphs", func() string {
		return fill(strings.Repeat("[a]\n", 223) + "\n")
	}},
	{"emphasis marks unmatched", func() string { return fill(strings.Repeat("*_ ", maxDelimiters) + "\n\n") }},
	{"code span marks unmatched", func() string { return fill(strings.Repeat("`\\`", maxCodeSpanMarks) + "`\n\n") }},
	{"strikethrough marks unmatched", func() string { return fill(strings.Repeat("*~a", maxDelimiters) + "\n\n") }},
	{"unclosed brackets in every paragraph", func() string { return fill(strings.Repeat("[", maxNesting) + "\n\n") }},
	{"emphasis nested", func() string {
		return fill(strings.Repeat("*", maxNesting-2) + "a" + strings.Repeat("*", maxNesting-2) + " ")
	}},
	{"emphasis unmatched", func() string { return fill("*a _") }},
	{"widest table", func() string {
		cols := 100
		head := "|" + strings.Repeat(" a |", cols) + "\n|" + strings.Repeat("-|", cols) + "\n"
		return head + strings.Repeat(strings.Repeat("|a", cols)+"\n", maxTableCells/cols-3)
	}},
	{"link definitions", func() string {
		return fill(strings.Repeat("[a]: https://example.org\n", maxDefinitionRun) + "\n")
	}},
	{"one line of x", func() string { return fill("x") }},
	{"one line of words", func() string { return fill("word ") }},
	{"addresses", func() string { return fill("www.example.org ") }},
	{"raw HTML", func() string { return fill("<a href='x'>") }},
	{"HTML comments", func() string { return fill("a <!-- b --> ") }},
	{"entities", func() string { return fill("&amp;&#x27;") }},
	{"video links", func() string { return fill("https://youtu.be/dQw4w9WgXcQ\n") }},
}

// fastEnough is the most processor time HTML may take for any input:
// the worst accepted shapes take about 0.1 s on a laptop core, and each
// of the limits removed lets one take from 0.9 s to minutes. Processor
// time, not time on the clock, as other work may share the machine.
const fastEnough = 500 * time.Millisecond

// TestWorstIsFast renders each of the worst shapes: each must be
// accepted, and HTML and Text together take under fastEnough.
func TestWorstIsFast(t *testing.T) {
	for _, w := range worst {
		t.Run(w.name, func(t *testing.T) {
			src := w.src()
			if len(src) > MaxSize {
				t.Fatalf("the shape is %d bytes, over MaxSize", len(src))
			}
			var took time.Duration
			for try := 0; try < 2 && (try == 0 || took > fastEnough); try++ {
				start := cpuTime(t)
				if _, err := HTML(src, postURL); err != nil {
					t.Fatal(err)
				}
				Text(src)
				took = cpuTime(t) - start
			}
			if took > fastEnough {
				t.Errorf("HTML and Text took %v of processor time", took)
			}
		})
	}
}

// BenchmarkWorst measures the worst shapes HTML accepts.
func BenchmarkWorst(b *testing.B) {
	for _, w := range worst {
		b.Run(w.name, func(b *testing.B) {
			src := w.src()
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := HTML(src, postURL); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
