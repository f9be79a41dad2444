package related

import (
	"cmp"
	"math"
	"slices"
)

// scratch is the working memory of one query. Arrays indexed by slot or
// term are cleared by undoing what the query touched, not by sweeping.
type scratch struct {
	acc     []float32 // by slot: partial dot product with the query
	touched []int32   // slots with acc != 0
	qw      []float32 // by term: the query vector
	qterms  []int32   // terms with qw != 0
	memo    []float32 // by slot: exact first-order score, valid when stamp matches
	stamp   []uint32
	cur     uint32
	cands   []candidate
	order   []int32
}

type candidate struct {
	slot  int32
	sim   float32 // exact similarity to the query
	score float64
}

func (x *Index) getScratch() *scratch {
	sc, _ := x.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	if n := len(x.docs); len(sc.acc) < n {
		sc.acc = slices.Grow(sc.acc[:0], n)[:n]
		clear(sc.acc)
		sc.memo = slices.Grow(sc.memo[:0], n)[:n]
		sc.stamp = slices.Grow(sc.stamp[:0], n)[:n]
		clear(sc.stamp)
	}
	if n := len(x.post); len(sc.qw) < n {
		sc.qw = slices.Grow(sc.qw[:0], n)[:n]
		clear(sc.qw)
	}
	sc.cur++
	if sc.cur == 0 { // wrapped: old stamps could match again
		clear(sc.stamp)
		sc.cur = 1
	}
	return sc
}

func (x *Index) putScratch(sc *scratch) {
	for _, d := range sc.touched {
		sc.acc[d] = 0
	}
	for _, t := range sc.qterms {
		sc.qw[t] = 0
	}
	sc.touched, sc.qterms, sc.cands, sc.order = sc.touched[:0], sc.qterms[:0], sc.cands[:0], sc.order[:0]
	x.scratch.Put(sc)
}

// addToQuery adds f times the unit vector of the document in slot s to the
// query.
func (x *Index) addToQuery(sc *scratch, s int32, f float32) {
	e := &x.docs[s]
	f *= x.norms[s]
	for i, t := range e.terms {
		w := tfWeight[e.tfs[i]] * x.idf[t] * f
		if w == 0 {
			continue
		}
		if sc.qw[t] == 0 {
			sc.qterms = append(sc.qterms, t)
		}
		sc.qw[t] += w
	}
}

// accumulate reads the postings of the query's strongest terms, leaving in
// acc a lower bound of each document's unnormalised dot product with the
// query. The dropped terms are the ones whose postings could add least.
// Once touchLimit documents have been reached, later (weaker) terms only
// add to documents already reached, which bounds the candidates.
func (x *Index) accumulate(sc *scratch, touchLimit int) {
	terms := sc.qterms
	if len(terms) > x.opts.QueryTerms {
		terms = slices.Clone(terms)
		slices.SortFunc(terms, func(a, b int32) int {
			if c := cmp.Compare(sc.qw[b]*x.idf[b], sc.qw[a]*x.idf[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		terms = terms[:x.opts.QueryTerms]
	}
	acc := sc.acc
	for _, t := range terms {
		f := sc.qw[t] * x.idf[t]
		if f == 0 {
			continue
		}
		pl := &x.post[t]
		tfs := pl.tfs[:len(pl.docs)]
		if len(sc.touched) < touchLimit {
			for i, d := range pl.docs {
				if acc[d] == 0 {
					sc.touched = append(sc.touched, d)
				}
				acc[d] += f * tfWeight[tfs[i]]
			}
			continue
		}
		for i, d := range pl.docs {
			if acc[d] != 0 {
				acc[d] += f * tfWeight[tfs[i]]
			}
		}
	}
}

// dot returns the exact dot product of the query with the unit vector of
// the document in slot s, and that vector's squared length.
func (x *Index) dot(sc *scratch, s int32) (dot, self float32) {
	e := &x.docs[s]
	n := x.norms[s]
	for i, t := range e.terms {
		w := tfWeight[e.tfs[i]] * x.idf[t] * n
		dot += sc.qw[t] * w
		self += w * w
	}
	return dot, self
}

// topTouched returns up to n live slots with the best approximate scores,
// best first, leaving out skip.
func (x *Index) topTouched(sc *scratch, n int, skip int32) []candidate {
	cs := sc.cands[:0]
	for _, d := range sc.touched {
		if d == skip || x.norms[d] == 0 {
			continue
		}
		cs = append(cs, candidate{slot: d, score: float64(sc.acc[d] * x.norms[d])})
	}
	if len(cs) > n {
		// Partial selection: everything at or above the n-th best score.
		k := nthLargest(cs, n)
		kept := cs[:0]
		for _, c := range cs {
			if c.score >= k {
				kept = append(kept, c)
			}
		}
		cs = kept
	}
	x.sortCandidates(cs)
	if len(cs) > n {
		cs = cs[:n]
	}
	sc.cands = cs
	return cs
}

// nthLargest returns the n-th largest score in cs (n >= 1), reordering cs.
func nthLargest(cs []candidate, n int) float64 {
	lo, hi := 0, len(cs)-1
	k := n - 1
	for lo < hi {
		p := cs[(lo+hi)/2].score
		i, j := lo, hi
		for i <= j {
			for cs[i].score > p {
				i++
			}
			for cs[j].score < p {
				j--
			}
			if i <= j {
				cs[i], cs[j] = cs[j], cs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return cs[k].score
		}
	}
	return cs[k].score
}

// sortCandidates orders cs best first, ties broken by document ID so that
// the order does not depend on the order documents were added in.
func (x *Index) sortCandidates(cs []candidate) {
	slices.SortFunc(cs, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(x.docs[a.slot].id, x.docs[b.slot].id)
	})
}

// better reports whether neighbour a ranks above b.
func (x *Index) better(a, b neighbour) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return x.docs[a.slot].id < x.docs[b.slot].id
}

// neighbourhood returns the live part of the first Neighbours entries of
// s's list and the sum of their similarities.
func (x *Index) neighbourhood(s int32) ([]neighbour, float32) {
	nb := x.docs[s].nb
	if len(nb) > x.opts.Neighbours {
		nb = nb[:x.opts.Neighbours]
	}
	var sum float32
	for _, n := range nb {
		sum += n.sim
	}
	return nb, sum
}

func (x *Index) duplicates(a, b int32) bool {
	return resemblance(x.docs[a].sketch, x.docs[b].sketch) >= x.opts.NearDuplicate
}

// Related returns up to k documents most related to the document with the
// given ID, best first. It returns nil when there is no such document.
//
// Related reads only the neighbour lists, so its cost does not grow with
// the size of the index. Candidates are q's neighbours and their
// neighbours, and documents sharing a tag with q; at most about
// Neighbours² documents are returned.
func (x *Index) Related(id string, k int) []Result {
	if k <= 0 {
		return nil
	}
	x.mu.RLock()
	for len(x.pending) > 0 || x.staleNorms() {
		x.mu.RUnlock()
		x.mu.Lock()
		x.settle()
		x.mu.Unlock()
		x.mu.RLock()
	}
	defer x.mu.RUnlock()
	q, ok := x.byID[id]
	if !ok {
		return nil
	}
	sc := x.getScratch()
	defer x.putScratch(sc)
	return x.related(sc, q, k)
}

// related scores the candidates for q on the neighbour graph W, where
// W(i, d) is cos(i, d) when d is one of i's neighbours and 0 otherwise:
//
//	P(d)     = W(q, d) + a · Σ(i in N(q)) A(q, i) W(i, d)
//	score(d) = P(d)    + b · Σ(j in N(d)) A(d, j) P(j)
//
// with P(q) = 0. Truncating the cosine to the neighbour graph loses
// nothing measurable (see eval.go) and makes a query cost O(Neighbours²).
func (x *Index) related(sc *scratch, q int32, k int) []Result {
	a, b := float32(x.opts.Feedback), float32(x.opts.Reciprocal)

	// P is accumulated in sc.acc over the slots in sc.touched.
	add := func(d int32, v float32) {
		if d == q {
			return
		}
		if sc.acc[d] == 0 {
			sc.touched = append(sc.touched, d)
		}
		sc.acc[d] += v
	}
	nq, sumq := x.neighbourhood(q)
	for _, n := range nq {
		add(n.slot, n.sim)
	}
	if a > 0 && sumq > 0 {
		for _, i := range nq {
			f := a * i.sim / sumq
			ni, _ := x.neighbourhood(i.slot)
			for _, n := range ni {
				add(n.slot, f*n.sim)
			}
		}
	}
	qe := &x.docs[q]
	if x.opts.TagWeight > 0 {
		// Documents sharing a tag with q are candidates even when the text
		// says nothing; a tiny P marks them touched.
		for _, t := range qe.tags {
			list := x.tags[t]
			if len(list) > maxTagCandidates {
				continue // too common a tag to say much
			}
			for _, s := range list {
				if x.docs[s].live {
					add(s, 1e-9)
				}
			}
		}
	}

	cands := sc.cands[:0]
	scale := (1 + a) * (1 + b)
	for _, d := range sc.touched {
		p := sc.acc[d]
		if b > 0 {
			nd, sum := x.neighbourhood(d)
			if sum > 0 {
				var r float32
				for _, n := range nd {
					if n.slot != q {
						r += n.sim * sc.acc[n.slot]
					}
				}
				p += b * r / sum
			}
		}
		c := candidate{slot: d, score: float64(p / scale)}
		e := &x.docs[d]
		if x.opts.TagWeight > 0 && len(qe.tags) > 0 && len(e.tags) > 0 {
			c.score += x.opts.TagWeight * tagCosine(qe.tags, e.tags)
		}
		if x.opts.RecencyWeight > 0 && !qe.published.IsZero() && !e.published.IsZero() {
			dt := qe.published.Sub(e.published).Abs()
			c.score += x.opts.RecencyWeight * math.Exp2(-dt.Hours()/x.opts.RecencyHalfLife.Hours())
		}
		cands = append(cands, c)
	}
	x.sortCandidates(cands)
	sc.cands = cands

	var out []Result
	var picked []int32
	for _, c := range cands {
		if len(out) == k {
			break
		}
		if !x.opts.KeepNearDuplicates {
			if x.duplicates(q, c.slot) || slices.ContainsFunc(picked, func(p int32) bool { return x.duplicates(p, c.slot) }) {
				continue
			}
			picked = append(picked, c.slot)
		}
		out = append(out, Result{ID: x.docs[c.slot].id, Score: c.score})
	}
	return out
}

// maxTagCandidates bounds the documents a shared tag brings in as
// candidates; a tag on more documents than this says little by itself.
const maxTagCandidates = 100

func tagCosine(a, b []string) float64 {
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := cmp.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			shared++
			i++
			j++
		}
	}
	return float64(shared) / math.Sqrt(float64(len(a)*len(b)))
}
