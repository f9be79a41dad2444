package related

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// This file keeps the neighbour search as it was before the bulk build was
// made fast (commit 0541155), as a reference: TestBuildMatchesReference
// checks that the index gives the same neighbour lists, to the bit, and so
// the same related documents.

// refSettle is settle as it was.
func (x *Index) refSettle() {
	if x.staleNorms() {
		x.refreshNorms()
	}
	if len(x.pending) == 0 {
		return
	}
	var pend []int32
	for _, s := range x.pending {
		if x.docs[s].live && x.docs[s].pending {
			pend = append(pend, s)
		}
	}
	slices.Sort(pend)
	pend = slices.Compact(pend)
	x.pending = x.pending[:0]

	found := make([]neighbourUpdate, len(pend))
	workers := min(runtime.GOMAXPROCS(0), (len(pend)+15)/16)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sc := x.refScratch()
			for i := w; i < len(pend); i += workers {
				found[i] = x.refFindNeighbours(sc, pend[i])
				for _, d := range sc.touched {
					sc.acc[d] = 0
				}
				for _, t := range sc.qterms {
					sc.qw[t] = 0
				}
				sc.touched, sc.qterms, sc.cands = sc.touched[:0], sc.qterms[:0], sc.cands[:0]
				sc.cur++
			}
		})
	}
	wg.Wait()
	for i, s := range pend {
		x.docs[s].nb = found[i].list
		x.docs[s].pending = false
		x.setFloor(s)
	}
	for i, s := range pend {
		for _, r := range found[i].reverse {
			x.offerNeighbour(r.slot, neighbour{slot: s, sim: r.sim})
		}
	}
}

func (x *Index) refScratch() *scratch {
	return &scratch{
		acc:   make([]float32, len(x.docs)),
		stamp: make([]uint32, len(x.docs)),
		qw:    make([]float32, len(x.post)),
		cur:   1,
	}
}

func (x *Index) refFindNeighbours(sc *scratch, s int32) neighbourUpdate {
	limit := x.opts.Neighbours + neighbourSlack
	x.refAddToQuery(sc, s, 1)
	x.refAccumulate(sc, 1<<30)

	best := x.refTopTouched(sc, max(x.opts.Candidates, limit), s)
	cands := make([]neighbour, 0, len(best)+8)
	for _, c := range best {
		sc.stamp[c.slot] = sc.cur
		d, _ := x.refDot(sc, c.slot)
		cands = append(cands, neighbour{slot: c.slot, sim: d})
	}
	for _, d := range sc.touched {
		if sc.acc[d]*x.norms[d] < x.floor[d] || sc.stamp[d] == sc.cur || d == s {
			continue
		}
		sim, _ := x.refDot(sc, d)
		cands = append(cands, neighbour{slot: d, sim: sim})
	}
	slices.SortFunc(cands, func(a, b neighbour) int {
		if x.better(a, b) {
			return -1
		}
		if x.better(b, a) {
			return 1
		}
		return 0
	})

	var u neighbourUpdate
	for _, c := range cands {
		if c.sim <= 0 {
			break
		}
		mine := len(u.list) < limit
		theirs := c.sim >= x.floor[c.slot] && x.wouldJoin(c.slot, neighbour{slot: s, sim: c.sim})
		if !mine && !theirs {
			continue
		}
		if x.docs[s].sketch.NearDuplicate(x.docs[c.slot].sketch, x.opts.NearDuplicate) {
			continue
		}
		if mine {
			u.list = append(u.list, c)
		}
		if theirs {
			u.reverse = append(u.reverse, c)
		}
	}
	u.list = slices.Clip(u.list)
	return u
}

func (x *Index) refAddToQuery(sc *scratch, s int32, f float32) {
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

func (x *Index) refAccumulate(sc *scratch, touchLimit int) {
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

func (x *Index) refDot(sc *scratch, s int32) (dot, self float32) {
	e := &x.docs[s]
	n := x.norms[s]
	for i, t := range e.terms {
		w := tfWeight[e.tfs[i]] * x.idf[t] * n
		dot += sc.qw[t] * w
		self += w * w
	}
	return dot, self
}

func (x *Index) refTopTouched(sc *scratch, n int, skip int32) []candidate {
	cs := sc.cands[:0]
	for _, d := range sc.touched {
		if d == skip || x.norms[d] == 0 {
			continue
		}
		cs = append(cs, candidate{slot: d, score: float64(sc.acc[d] * x.norms[d])})
	}
	if len(cs) > n {
		k := refNthLargest(cs, n)
		kept := cs[:0]
		for _, c := range cs {
			if c.score >= k {
				kept = append(kept, c)
			}
		}
		cs = kept
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(x.docs[a.slot].id, x.docs[b.slot].id)
	})
	if len(cs) > n {
		cs = cs[:n]
	}
	sc.cands = cs
	return cs
}

func refNthLargest(cs []candidate, n int) float64 {
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
