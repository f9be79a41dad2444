package newseval

import "math"

// Scores compares a clustering with the true classes of the same items.
// Every figure is between 0 and 1, higher is better.
type Scores struct {
	// NMI is the mutual information of the two labellings divided by the
	// arithmetic mean of their entropies (scikit-learn's default).
	NMI float64
	// BCubedPrecision, BCubedRecall and BCubedF1 average, over items, the
	// share of an item's cluster that is in its class and the share of its
	// class that is in its cluster (Bagga and Baldwin); F1 is their harmonic
	// mean.
	BCubedPrecision, BCubedRecall, BCubedF1 float64
	// PairPrecision, PairRecall and PairF1 count pairs of items: a pair is
	// predicted when both are in one cluster and true when both are in one
	// class.
	PairPrecision, PairRecall, PairF1 float64
}

// Score compares the predicted labels pred with the true labels truth; both
// give one label per item, in the same order. It panics if their lengths
// differ.
func Score[T, P comparable](truth []T, pred []P) Scores {
	if len(truth) != len(pred) {
		panic("newseval.Score: label slices differ in length")
	}
	n := len(truth)
	if n == 0 {
		return Scores{NMI: 1, BCubedPrecision: 1, BCubedRecall: 1, BCubedF1: 1, PairPrecision: 1, PairRecall: 1, PairF1: 1}
	}
	type cell struct{ t, p int }
	tIdx := make(map[T]int)
	pIdx := make(map[P]int)
	var tSize, pSize []int
	// Cells are kept in first-seen order so that sums, and so the scores,
	// come out the same to the last bit on every run.
	cellIdx := make(map[cell]int)
	var cells []cell
	var joint []int
	for i := range n {
		ti, ok := tIdx[truth[i]]
		if !ok {
			ti = len(tSize)
			tIdx[truth[i]] = ti
			tSize = append(tSize, 0)
		}
		pi, ok := pIdx[pred[i]]
		if !ok {
			pi = len(pSize)
			pIdx[pred[i]] = pi
			pSize = append(pSize, 0)
		}
		tSize[ti]++
		pSize[pi]++
		ci, ok := cellIdx[cell{ti, pi}]
		if !ok {
			ci = len(cells)
			cellIdx[cell{ti, pi}] = ci
			cells = append(cells, cell{ti, pi})
			joint = append(joint, 0)
		}
		joint[ci]++
	}

	var s Scores
	N := float64(n)
	entropy := func(sizes []int) float64 {
		h := 0.0
		for _, c := range sizes {
			p := float64(c) / N
			h -= p * math.Log(p)
		}
		return h
	}
	ht, hp := entropy(tSize), entropy(pSize)
	mi := 0.0
	var bp, br float64
	var pairsBoth float64
	for i, c := range cells {
		nk := float64(joint[i])
		mi += nk / N * math.Log(N*nk/(float64(tSize[c.t])*float64(pSize[c.p])))
		// Each of the k items in this cell sees k of its cluster and k of
		// its class.
		bp += nk * nk / float64(pSize[c.p])
		br += nk * nk / float64(tSize[c.t])
		pairsBoth += nk * (nk - 1) / 2
	}
	switch {
	case ht == 0 && hp == 0:
		s.NMI = 1 // one class, one cluster: identical labellings
	case ht+hp == 0:
		s.NMI = 0
	default:
		s.NMI = max(0, mi/((ht+hp)/2))
	}
	s.BCubedPrecision, s.BCubedRecall = bp/N, br/N
	s.BCubedF1 = harmonic(s.BCubedPrecision, s.BCubedRecall)

	pairs := func(sizes []int) float64 {
		t := 0.0
		for _, c := range sizes {
			t += float64(c) * float64(c-1) / 2
		}
		return t
	}
	predPairs, truePairs := pairs(pSize), pairs(tSize)
	s.PairPrecision, s.PairRecall = ratio(pairsBoth, predPairs), ratio(pairsBoth, truePairs)
	s.PairF1 = harmonic(s.PairPrecision, s.PairRecall)
	return s
}

// ratio is a/b, and 1 when there is nothing to count (b is 0): no
// predicted pairs cannot be wrong, and no true pairs cannot be missed.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 1
	}
	return a / b
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
