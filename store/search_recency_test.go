package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// itemRecency is the ranges of newsdesk_item_keys (migration 0012) in Go: the
// ranges an item is in, one of each size.
func itemRecency(id int64) []int64 {
	keys := make([]int64, len(recencyShifts))
	for i, shift := range recencyShifts {
		keys[i] = int64(i)<<56 | id>>shift
	}
	return keys
}

// TestRecencyKeys checks that the ranges asked for hold exactly the IDs
// wanted, newest first, and are few.
func TestRecencyKeys(t *testing.T) {
	step := int64(1) << recencyShifts[0]
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][2]int64{{0, step}, {0, 1 << 20}, {1 << 20, 1<<20 + step}, {3 * step, 245 * step}, {0, 245 * step},
		{(1 << 28) - step, (1 << 28) + step}, {0, 3 << 28}}
	for range 200 {
		lo := r.Int64N(1<<30) / step * step
		hi := lo + (1+r.Int64N(1<<r.IntN(20)))*step
		cases = append(cases, [2]int64{lo, hi})
	}
	for _, c := range cases {
		lo, hi := c[0], c[1]
		keys := recencyKeys(lo, hi)
		// The ranges, decoded, run down from hi to lo without gaps.
		next := hi
		perSize := map[int64]int{}
		for _, k := range keys {
			size := int64(1) << recencyShifts[k>>56]
			start := (k & (1<<56 - 1)) * size
			if start+size != next {
				t.Fatalf("[%d, %d): range %d of size %d does not end at %d", lo, hi, start, size, next)
			}
			next = start
			perSize[size]++
		}
		if next != lo {
			t.Fatalf("[%d, %d): the ranges end at %d", lo, hi, next)
		}
		for size, n := range perSize {
			// At most 15 of a size at either end of the span, below the
			// next size up.
			if n > 30 && size < 1<<recencyShifts[len(recencyShifts)-1] {
				t.Errorf("[%d, %d): %d ranges of size %d", lo, hi, n, size)
			}
		}
		// An item is in one of the ranges exactly when its ID is.
		for _, id := range []int64{lo, hi - 1, lo - 1, hi, lo + r.Int64N(hi-lo)} {
			if id < 0 {
				continue
			}
			in := false
			for _, k := range itemRecency(id) {
				in = in || slices.Contains(keys, k)
			}
			if want := id >= lo && id < hi; in != want {
				t.Errorf("[%d, %d): item %d found %v, want %v", lo, hi, id, in, want)
			}
		}
	}
}
