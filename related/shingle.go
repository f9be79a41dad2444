package related

import (
	"slices"
)

// sketchSize is how many shingle hashes a document keeps: the smallest
// sketchSize hashes of its word 5-shingles (a bottom-k sketch). Texts of up
// to sketchSize distinct shingles (about 130 words) are kept whole, so their
// resemblance is exact; for longer texts the estimate of a Jaccard index
// near 0.8 has a standard error of about 0.035.
const sketchSize = 128

// shingleWords is the shingle length in words.
const shingleWords = 5

// sketch returns the bottom-k sketch of the word 5-shingles of words,
// sorted. A text of fewer than five words is one shingle.
func (a *analyzer) sketch(words []string) []uint32 {
	if len(words) == 0 {
		return nil
	}
	wh := slices.Grow(a.hashes[:0], len(words))[:len(words)]
	for i, w := range words {
		wh[i] = hashString(w)
	}
	n := len(wh) - shingleWords + 1
	if n < 1 {
		n = 1
	}
	hs := slices.Grow(a.shingles[:0], n)
	for i := 0; i < n; i++ {
		var h uint64
		for _, x := range wh[i:min(i+shingleWords, len(wh))] {
			h = mix64(h*0x9e3779b97f4a7c15 + x)
		}
		hs = append(hs, uint32(h>>32))
	}
	a.hashes, a.shingles = wh, hs
	slices.Sort(hs)
	hs = slices.Compact(hs)
	if len(hs) > sketchSize {
		hs = hs[:sketchSize]
	}
	return slices.Clone(hs)
}

// resemblance estimates the Jaccard index of the shingle sets behind two
// sketches: the share of the smallest hashes of the union that both hold.
func resemblance(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	limit := unionLimit(a, b)
	both, seen, _ := mergeSketches(a, b, limit, limit+1)
	return float64(both) / float64(seen)
}

// unionLimit is how many of the smallest hashes of the union of a and b
// their resemblance is measured on. The union's bottom-k is the k
// smallest of the two sketches' union; when neither sketch was cut, that
// is the whole union.
func unionLimit(a, b []uint32) int {
	if len(a) == sketchSize || len(b) == sketchSize {
		return sketchSize
	}
	return len(a) + len(b)
}

// mergeSketches walks the union of the sorted sketches a and b up to
// limit hashes and counts those both hold (both) among those seen. It
// stops early, with ok false, once hopeless hashes seen are not shared.
func mergeSketches(a, b []uint32, limit, hopeless int) (both, seen int, ok bool) {
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

// nearDuplicate reports whether resemblance(a, b) >= threshold, for a
// threshold above 0. It gives up on a pair as soon as the hashes the two
// sketches do not share are too many for it to reach the threshold, which
// for most pairs is after a quarter of the merge.
func nearDuplicate(a, b []uint32, threshold float64) bool {
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

// hashString is FNV-1a, 64 bits.
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
