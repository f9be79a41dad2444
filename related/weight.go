package related

import "math"

// tfWeight[tf] is 1 + ln(tf): the tenth use of a word says less than the
// second.
var tfWeight = func() (w [256]float32) {
	for tf := 1; tf < 256; tf++ {
		w[tf] = float32(1 + math.Log(float64(tf)))
	}
	return w
}()

// idfWeight is the damped inverse document frequency sqrt(ln(n/df)) of a
// term found in df of n documents, and 0 for a term in fewer than two: such
// a term matches nothing and would only dilute its document's vector.
func idfWeight(n int, df int32) float32 {
	if df < 2 || int(df) >= n {
		return 0
	}
	return float32(math.Sqrt(math.Log(float64(n) / float64(df))))
}

// invNorm returns 1/|v| for the vector of the document in slot s, with the
// current term weights, or 0 for an empty vector.
func (x *Index) invNorm(s int32) float32 {
	e := &x.docs[s]
	var sum float64
	for i, t := range e.terms {
		w := float64(tfWeight[e.tfs[i]] * x.idf[t])
		sum += w * w
	}
	if sum == 0 {
		return 0
	}
	return float32(1 / math.Sqrt(sum))
}

// staleNorms reports whether the corpus has changed enough since the vector
// lengths were computed that they should be computed again. A full pass
// costs about as much as reading every posting once, so doing it after N/16
// changes costs each change about sixteen times its own size.
func (x *Index) staleNorms() bool {
	return x.changes > 0 && x.changes*16 >= x.alive
}

// refreshNorms recomputes every term weight and vector length.
func (x *Index) refreshNorms() {
	for t, df := range x.df {
		x.idf[t] = idfWeight(x.alive, df)
	}
	for s := range x.docs {
		if x.docs[s].live {
			x.norms[s] = x.invNorm(int32(s))
		}
	}
	x.changes = 0
}
