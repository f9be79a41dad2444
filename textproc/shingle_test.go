package textproc

import (
	"slices"
	"strings"
	"testing"
)

// wire is a wire story of about 150 words, so that its sketch is cut to
// SketchSize and resemblance is an estimate, not a count.
const wire = `The harbour ferry sailed again on Monday after two weeks of repairs to
the pier, and the operator said the timetable would return to normal by the
end of the month, with extra sailings at weekends. Engineers found cracks in
three of the pier's supports after the storm in early March, and the council
closed the landing stage while divers inspected the piles below the water
line. Commuters who cross the estuary every morning had faced a ninety-minute
drive around the bay or a crowded replacement bus. The operator apologised
for the disruption and said season tickets would be extended by a fortnight.
A spokesman for the council said the repairs had cost about four hundred
thousand pounds and that a full survey of the harbour wall would follow in the
summer. Local traders welcomed the news, saying the closure had cut the number
of visitors to the old town by half at the start of the Easter holidays.`

func TestSketch(t *testing.T) {
	var sk Sketcher
	if s := sk.Sketch(nil); s != nil {
		t.Errorf("sketch of no words = %v, want nil", s)
	}
	short := sk.Sketch(Words(nil, "Ferry sails again"))
	if len(short) != 1 {
		t.Errorf("a text of fewer than %d words has %d shingles, want 1", ShingleWords, len(short))
	}
	long := sk.Sketch(Words(nil, wire))
	if len(long) != SketchSize || !slices.IsSorted(long) || len(slices.Compact(slices.Clone(long))) != len(long) {
		t.Errorf("sketch of a long text: %d hashes, sorted %v; want %d distinct, sorted", len(long), slices.IsSorted(long), SketchSize)
	}
	if again := sk.Sketch(Words(nil, wire)); !slices.Equal(again, long) {
		t.Error("the same text sketched twice gives two sketches")
	}
	// A sketch is the Sketcher's no more: sketching another text must
	// not change it.
	before := slices.Clone(long)
	sk.Sketch(Words(nil, "something else entirely, with other words in it"))
	if !slices.Equal(long, before) {
		t.Error("a sketch changed when its Sketcher sketched another text")
	}
}

func TestResemblance(t *testing.T) {
	words := Words(nil, wire)
	var sk Sketcher
	sketch := func(ws []string) Sketch { return sk.Sketch(ws) }
	// Short texts are kept whole: their resemblance is the exact Jaccard
	// index of their shingles. 20 words have 16 shingles; dropping the
	// last 4 words leaves 12 of them, all shared: 12/16.
	if got, want := resemblance(sketch(words[:20]), sketch(words[:16])), 12.0/16; got != want {
		t.Errorf("resemblance of a 20-word text and its first 16 words = %v, want exactly %v", got, want)
	}
	tests := []struct {
		name   string
		a, b   []string
		lo, hi float64
		dup    bool
	}{
		{"the same text", words, words, 1, 1, true},
		{"a new closing paragraph",
			words, append(slices.Clone(words), Words(nil, "The council will meet again on Thursday to discuss the survey.")...), 0.85, 1, true},
		{"one word changed in the middle",
			words, slices.Concat(words[:70], []string{"yesterday"}, words[71:]), 0.9, 1, true},
		{"the first half only", words, words[:len(words)/2], 0.35, 0.65, false},
		{"an unrelated text", words, Words(nil, "Parliament voted on the budget late on Tuesday night after a long debate about schools and hospitals in the north of the country."), 0, 0.02, false},
		{"no words", words, nil, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := sketch(tt.a), sketch(tt.b)
			r := resemblance(a, b)
			if r < tt.lo || r > tt.hi {
				t.Errorf("resemblance %.3f, want between %.2f and %.2f", r, tt.lo, tt.hi)
			}
			if r != resemblance(b, a) {
				t.Errorf("resemblance is not symmetric: %v and %v", r, resemblance(b, a))
			}
			if got := a.NearDuplicate(b, NearDuplicate); got != tt.dup {
				t.Errorf("NearDuplicate = %v, want %v (resemblance %.3f)", got, tt.dup, r)
			}
		})
	}
}

// NearDuplicate gives up early on hopeless pairs; it must still agree with
// resemblance on every pair and threshold.
func FuzzNearDuplicate(f *testing.F) {
	f.Add(wire, 40, 3, 0.8)
	f.Add("a b c d e f g", 2, 1, 0.5)
	f.Add(strings.Repeat("w ", 300), 1, 0, 0.99)
	f.Fuzz(func(t *testing.T, text string, cut, drop int, threshold float64) {
		if !(threshold > 0 && threshold <= 1) {
			return
		}
		words := Words(nil, text)
		// b is a with words dropped at the front and the back: its
		// resemblance to a may be anything.
		n := uint(len(words) + 1)
		cut, drop = int(uint(cut)%n), int(uint(drop)%n)
		var sk Sketcher
		a := sk.Sketch(words)
		b := sk.Sketch(words[min(drop, len(words)-cut):max(len(words)-cut, drop)])
		r := resemblance(a, b)
		if got := a.NearDuplicate(b, threshold); got != (r >= threshold) {
			t.Fatalf("NearDuplicate(%v) = %v, resemblance %v", threshold, got, r)
		}
	})
}

// resemblance is what NearDuplicate compares with its threshold, worked
// out in full: the share of the smallest hashes of the union of a and b
// that both hold.
func resemblance(a, b Sketch) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	limit := unionLimit(a, b)
	both, seen, _ := mergeSketches(a, b, limit, limit+1)
	return float64(both) / float64(seen)
}

func BenchmarkSketch(b *testing.B) {
	words := Words(nil, strings.Repeat(wire+" ", 3))
	var sk Sketcher
	b.ReportAllocs()
	for b.Loop() {
		sk.Sketch(words)
	}
	b.ReportMetric(float64(len(words)), "words")
}
