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
	stamp   []uint32  // by slot: cur when the slot is a candidate already
	cur     uint32
	cands   []candidate
	strong  []termWeight
	terms   []int32
	sink    int32 // see prefetch
}

type candidate struct {
	slot  int32
	score float64
}

type termWeight struct {
	w    float32
	term int32
}

func (x *Index) getScratch() *scratch {
	sc, _ := x.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	if n := len(x.docs); len(sc.acc) < n {
		sc.acc = slices.Grow(sc.acc[:0], n)[:n]
		clear(sc.acc)
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
	x.resetScratch(sc)
	x.scratch.Put(sc)
}

// resetScratch clears sc for another query by the same goroutine.
func (x *Index) resetScratch(sc *scratch) {
	for _, d := range sc.touched {
		sc.acc[d] = 0
	}
	for _, t := range sc.qterms {
		sc.qw[t] = 0
	}
	sc.touched, sc.qterms, sc.cands = sc.touched[:0], sc.qterms[:0], sc.cands[:0]
	sc.cur++
	if sc.cur == 0 {
		clear(sc.stamp)
		sc.cur = 1
	}
}

// addToQuery adds f times the unit vector of the document in slot s to the
// query.
func (x *Index) addToQuery(sc *scratch, s int32, f float32) {
	e := &x.docs[s]
	f *= x.norms[s]
	tfs := e.tfs[:len(e.terms)]
	for i, t := range e.terms {
		w := tfWeight[tfs[i]] * x.idf[t] * f
		if w == 0 {
			continue
		}
		if sc.qw[t] == 0 {
			sc.qterms = append(sc.qterms, t)
		}
		sc.qw[t] += w
	}
}

// strongestTerms returns the query's terms to read the postings of: all of
// them in query order when there are at most QueryTerms, else the
// QueryTerms whose postings can add most, strongest first (ties by term).
func (x *Index) strongestTerms(sc *scratch) []int32 {
	if len(sc.qterms) <= x.opts.QueryTerms {
		return sc.qterms
	}
	// The strongest so far, kept in order: most terms are weaker than
	// all of them and cost one comparison.
	k := x.opts.QueryTerms
	strong := sc.strong[:0]
	for _, t := range sc.qterms {
		tw := termWeight{sc.qw[t] * x.idf[t], t}
		if len(strong) == k && !stronger(tw, strong[k-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(strong, tw, func(a, b termWeight) int {
			if stronger(a, b) {
				return -1
			}
			return 1
		})
		if len(strong) < k {
			strong = append(strong, termWeight{})
		}
		copy(strong[i+1:], strong[i:])
		strong[i] = tw
	}
	sc.strong = strong
	terms := sc.terms[:0]
	for _, tw := range strong {
		terms = append(terms, tw.term)
	}
	sc.terms = terms
	return terms
}

// stronger reports whether a's postings come before b's: a larger weight,
// or the same weight and a smaller term id.
func stronger(a, b termWeight) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	return a.term < b.term
}

// accumulate reads the postings of the query's strongest terms, leaving in
// acc a lower bound of each document's unnormalised dot product with the
// query. The dropped terms are the ones whose postings could add least.
func (x *Index) accumulate(sc *scratch) {
	acc := sc.acc
	touched := sc.touched
	for _, t := range x.strongestTerms(sc) {
		f := sc.qw[t] * x.idf[t]
		if f == 0 {
			continue
		}
		pl := &x.post[t]
		docs := pl.docs
		tfs := pl.tfs[:len(docs)]
		touched = slices.Grow(touched, len(docs))
		n := addPostings(acc, touched[len(touched):len(touched)+len(docs)], docs, tfs, f)
		touched = touched[:len(touched)+n]
	}
	sc.touched = touched
}

// addPostings adds f times the weight of each posting to acc, writes the
// slots reached for the first time to next, and returns how many.
//
// It is kept from being inlined, as are the other loops that most of the
// time of a build is spent in: inlined into a large function, their
// counters were kept in memory instead of registers.
//
//go:noinline
func addPostings(acc []float32, next, docs []int32, tfs []uint8, f float32) int {
	tfs = tfs[:len(docs)]
	next = next[:len(docs)]
	n := 0
	for i, d := range docs {
		// Every slot is written at the end of next, which grows only for
		// the slots reached for the first time: no branch to mispredict.
		// Contributions are positive, so acc is +0 exactly when the slot
		// has not been reached.
		a := acc[d]
		next[n] = d
		n += int((math.Float32bits(a) - 1) >> 31)
		acc[d] = a + f*tfWeight[tfs[i]]
	}
	return n
}

// cosine returns the exact dot product of the query with the unit vector
// of the document in slot s.
//
//go:noinline
func (x *Index) cosine(sc *scratch, s int32) float32 {
	e := &x.docs[s]
	n := x.norms[s]
	qw, idf := sc.qw, x.idf
	tfs := e.tfs[:len(e.terms)]
	var dot float32
	for i, t := range e.terms {
		// A term not in the query adds exactly +0; a branch to skip it
		// would cost more, as a third of them are in the query.
		w := tfWeight[tfs[i]] * idf[t] * n
		dot += qw[t] * w
	}
	return dot
}

// prefetch reads one word of every cache line of the candidates' terms
// and term frequencies, so that the processor fetches them from memory all
// at once instead of one after the other as cosine reaches them. It makes
// the exact scoring of the candidates of a large index about a fifth
// faster.
func (x *Index) prefetch(sc *scratch, cands []candidate) {
	var sink int32
	for _, c := range cands {
		e := &x.docs[c.slot]
		terms, tfs := e.terms, e.tfs
		if len(terms) == 0 || len(tfs) == 0 {
			continue
		}
		for i := 0; i < len(terms); i += 16 {
			sink ^= terms[i]
		}
		for i := 0; i < len(tfs); i += 64 {
			sink ^= int32(tfs[i])
		}
		sink ^= terms[len(terms)-1] ^ int32(tfs[len(tfs)-1])
	}
	sc.sink ^= sink
}

// topTouched returns up to n live slots with the best approximate scores
// (ties broken by document ID), in no particular order, leaving out skip.
// maxNorm is at least every document's 1/|v|.
func (x *Index) topTouched(sc *scratch, n int, skip int32, maxNorm float32) []candidate {
	// h holds the best so far; once full it is a heap with the worst of
	// them on top, which most slots fail to beat.
	h := sc.cands[:0]
	acc, norms, touched := sc.acc, x.norms, sc.touched
	worst := float32(-1)
	for i := 0; i < len(touched); i++ {
		i += firstAbove(touched[i:], acc, maxNorm, worst)
		if i == len(touched) {
			break
		}
		d := touched[i]
		nd := norms[d]
		if d == skip || nd == 0 {
			continue
		}
		score := acc[d] * nd
		if len(h) < n {
			h = append(h, candidate{slot: d, score: float64(score)})
			if len(h) == n {
				for i := n/2 - 1; i >= 0; i-- {
					x.siftDown(h, i)
				}
				worst = float32(h[0].score)
			}
			continue
		}
		if score < worst || score == worst && x.docs[d].id > x.docs[h[0].slot].id {
			continue
		}
		h[0] = candidate{slot: d, score: float64(score)}
		x.siftDown(h, 0)
		worst = float32(h[0].score)
	}
	sc.cands = h
	return h
}

// firstAbove returns the index of the first slot in touched whose sum
// could reach min with the largest norm, or len(touched). Rounding is
// monotonic, so a slot whose sum falls short even with the largest norm
// falls short with its own: most do, and their norms need not be read.
//
//go:noinline
func firstAbove(touched []int32, acc []float32, maxNorm, min float32) int {
	for i, d := range touched {
		if acc[d]*maxNorm >= min {
			return i
		}
	}
	return len(touched)
}

// worse reports whether a ranks below b: a lower score, or the same score
// and a later document ID.
func (x *Index) worse(a, b *candidate) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return x.docs[a.slot].id > x.docs[b.slot].id
}

// siftDown restores the heap property of h (worst on top) below i.
func (x *Index) siftDown(h []candidate, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && x.worse(&h[c+1], &h[c]) {
			c++
		}
		if !x.worse(&h[c], &h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
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
	return x.docs[a].sketch.NearDuplicate(x.docs[b].sketch, x.opts.NearDuplicate)
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
// nothing measurable (see bench/newseval) and makes a query cost
// O(Neighbours²).
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
	return x.pick(q, cands, k)
}

// pick returns the first k of the sorted candidates for q, leaving out,
// unless Options.KeepNearDuplicates, copies of q and of those picked
// before them: a reader gains nothing from the same wire story twice.
func (x *Index) pick(q int32, cands []candidate, k int) []Result {
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
