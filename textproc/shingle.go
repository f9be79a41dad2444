package textproc

import (
	"slices"
)

// ShingleWords is the length of a shingle in words. Five-word shingles
// are rare enough that two unrelated articles share hardly any, and long
// enough that a text that shares most of them copies the other.
const ShingleWords = 5

// SketchSize is how many shingle hashes a Sketch keeps. Texts of up to
// SketchSize distinct shingles (about 130 words) are kept whole, so their
// resemblance is exact; for longer texts the estimate of a Jaccard index
// near 0.8 has a standard error of about 0.035.
const SketchSize = 128

// NearDuplicate is the resemblance (Jaccard index of two texts' word
// shingles) at or above which newsdesk takes one text for a copy of the
// other: a wire story as several outlets carry it, or an article
// republished with a new paragraph.
const NearDuplicate = 0.8

// Sketch is a bottom-k sketch of a text's word shingles: the smallest
// SketchSize of their hashes, sorted, without repeats. Two sketches
// estimate the Jaccard index of the shingle sets behind them (Broder,
// 1997); the sketch of a short text is its whole shingle set.
type Sketch []uint32

// A Sketcher makes sketches, keeping its working memory for the next
// call. The zero value is ready to use. A Sketcher is not safe for
// concurrent use.
type Sketcher struct {
	hashes   []uint64
	shingles []uint32
}

// Sketch returns the sketch of the word shingles of words, as Words cuts
// them; nil when there are no words. A text of fewer than ShingleWords
// words is one shingle.
func (s *Sketcher) Sketch(words []string) Sketch {
	hs := s.Shingles(words)
	if len(hs) > SketchSize {
		hs = hs[:SketchSize]
	}
	return slices.Clone(hs)
}

// Shingles returns the hashes of the word shingles of words: the whole
// set, sorted, without repeats. The slice is the Sketcher's own until its
// next call.
func (s *Sketcher) Shingles(words []string) []uint32 {
	if len(words) == 0 {
		return nil
	}
	wh := slices.Grow(s.hashes[:0], len(words))[:len(words)]
	for i, w := range words {
		wh[i] = hashString(w)
	}
	n := max(1, len(wh)-ShingleWords+1)
	hs := slices.Grow(s.shingles[:0], n)
	for i := range n {
		var h uint64
		for _, x := range wh[i:min(i+ShingleWords, len(wh))] {
			h = mix64(h*0x9e3779b97f4a7c15 + x)
		}
		hs = append(hs, uint32(h>>32))
	}
	s.hashes, s.shingles = wh, hs
	slices.Sort(hs)
	return slices.Compact(hs)
}

// unionLimit is how many of the smallest hashes of the union of a and b
// their resemblance is measured on. The union's bottom-k is the k
// smallest of the two sketches' union; when neither sketch was cut, that
// is the whole union.
func unionLimit(a, b Sketch) int {
	if len(a) == SketchSize || len(b) == SketchSize {
		return SketchSize
	}
	return len(a) + len(b)
}

// mergeSketches walks the union of the sorted sketches a and b up to
// limit hashes and counts those both hold (both) among those seen. It
// stops early, with ok false, once hopeless hashes seen are not shared.
func mergeSketches(a, b Sketch, limit, hopeless int) (both, seen int, ok bool) {
	i, j := 0, 0
	for seen < limit && (i < len(a) || j < len(b)) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			i++
		case i == len(a) || b[j] < a[i]:
			j++
		default:
			i++
			j++
			both++
		}
		seen++
		if seen-both >= hopeless {
			return both, seen, false
		}
	}
	return both, seen, true
}

// NearDuplicate reports whether the resemblance of sketches a and b is at
// least threshold, for a threshold above 0. Their resemblance is the share
// of the smallest hashes of their union that both hold: an estimate of
// the Jaccard index of the shingle sets behind them, exact when neither
// sketch was cut to SketchSize. It gives up on a pair as soon as the
// hashes the two sketches do not share are too many for it to reach the
// threshold, which for most pairs is after a quarter of the merge.
func (a Sketch) NearDuplicate(b Sketch, threshold float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return 0 >= threshold
	}
	limit := unionLimit(a, b)
	// However the merge goes on, the pair cannot share more than most
	// hashes, and each hash not shared adds to the union: after m of
	// those, the resemblance is at most most/(most+m). Rounding is
	// monotonic, so the float64 of that bound bounds the float64 of the
	// result too.
	most := min(len(a), len(b), limit)
	bound := func(m int) float64 { return float64(most) / float64(most+m) }
	// hopeless is the fewest hashes not shared that rule the pair out;
	// more than limit never happens.
	hopeless := int(min(float64(most)*(1-threshold)/threshold, float64(limit+1)))
	for hopeless > 1 && bound(hopeless-1) < threshold {
		hopeless--
	}
	for hopeless <= limit && bound(hopeless) >= threshold {
		hopeless++
	}
	both, seen, ok := mergeSketches(a, b, limit, hopeless)
	return ok && float64(both)/float64(seen) >= threshold
}

// hashString is FNV-1a, 64 bits: fixed, so sketches are the same in every
// process.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the splitmix64 finaliser: every input bit affects every output
// bit, so the top 32 bits of a shingle hash are as good as any.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
