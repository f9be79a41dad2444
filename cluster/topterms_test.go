package cluster

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTopTerms(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for trial := range 2000 {
		size := r.IntN(60) + 1
		vec := make([]entry, size)
		for i := range vec {
			// Few distinct weights, so that ties are common.
			vec[i] = entry{int32(i), float32(r.IntN(5))}
		}
		r.Shuffle(len(vec), func(i, j int) { vec[i], vec[j] = vec[j], vec[i] })
		n := r.IntN(size + 2)
		want := slices.Clone(vec)
		slices.SortFunc(want, func(a, b entry) int {
			if c := cmp.Compare(b.weight, a.weight); c != 0 {
				return c
			}
			return cmp.Compare(a.term, b.term)
		})
		if n > 0 && n < len(want) {
			want = want[:n]
		}
		slices.SortFunc(want, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
		got := topTerms(slices.Clone(vec), n)
		if n <= 0 || n >= size {
			slices.SortFunc(got, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: topTerms(%v, %d) = %v, want %v", trial, vec, n, got, want)
		}
	}
}
