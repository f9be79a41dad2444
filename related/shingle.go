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
func sketch(words []string) []uint32 {
	if len(words) == 0 {
		return nil
	}
	wh := make([]uint64, len(words))
	for i, w := range words {
		wh[i] = hashString(w)
	}
	n := len(wh) - shingleWords + 1
	if n < 1 {
		n = 1
	}
	hs := make([]uint32, 0, n)
	for i := 0; i < n; i++ {
		var h uint64
		for _, x := range wh[i:min(i+shingleWords, len(wh))] {
			h = mix64(h*0x9e3779b97f4a7c15 + x)
		}
		hs = append(hs, uint32(h>>32))
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	if len(hs) > sketchSize {
		hs = hs[:sketchSize]
	}
	return slices.Clip(hs)
}

// resemblance estimates the Jaccard index of the shingle sets behind two
// sketches: the share of the smallest hashes of the union that both hold.
func resemblance(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	// The union's bottom-k is the k smallest of the two sketches' union;
	// when neither sketch was cut, that is the whole union.
	limit := len(a) + len(b)
	if len(a) == sketchSize || len(b) == sketchSize {
		limit = sketchSize
	}
	i, j, seen, both := 0, 0, 0, 0
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
	}
	return float64(both) / float64(seen)
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
