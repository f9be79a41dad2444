package related

import (
	"math"
	"runtime"
	"slices"
	"sync"
)

// settle brings vector lengths and neighbour lists up to date. The caller
// holds the write lock.
func (x *Index) settle() {
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

	// Compute the new lists in parallel: this reads the index only. Then
	// apply them in slot order, so the outcome does not depend on timing.
	found := make([]neighbourUpdate, len(pend))
	workers := min(runtime.GOMAXPROCS(0), (len(pend)+15)/16)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sc := x.getScratch()
			defer x.putScratch(sc)
			for i := w; i < len(pend); i += workers {
				found[i] = x.findNeighbours(sc, pend[i])
				x.resetScratch(sc)
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

// neighbourUpdate is what findNeighbours found for one document: its own
// list, and the documents whose lists it should join.
type neighbourUpdate struct {
	list    []neighbour
	reverse []neighbour // slot is the document whose list to join
}

// resetScratch clears sc for another query by the same goroutine.
func (x *Index) resetScratch(sc *scratch) {
	for _, d := range sc.touched {
		sc.acc[d] = 0
	}
	for _, t := range sc.qterms {
		sc.qw[t] = 0
	}
	sc.touched, sc.qterms, sc.cands, sc.order = sc.touched[:0], sc.qterms[:0], sc.cands[:0], sc.order[:0]
	sc.cur++
	if sc.cur == 0 {
		clear(sc.stamp)
		sc.cur = 1
	}
}

// findNeighbours computes the neighbour list of the document in slot s by
// cosine, and which settled documents should have s in their lists.
func (x *Index) findNeighbours(sc *scratch, s int32) neighbourUpdate {
	limit := x.opts.Neighbours + neighbourSlack
	x.addToQuery(sc, s, 1)
	x.accumulate(sc, x.opts.touchLimit)

	// Candidates: the best by the pruned postings, scored exactly, and
	// every settled document whose list s might join.
	best := x.topTouched(sc, max(x.opts.Candidates, limit), s)
	cands := make([]neighbour, 0, len(best)+8)
	for _, c := range best {
		sc.stamp[c.slot] = sc.cur
		d, _ := x.dot(sc, c.slot)
		cands = append(cands, neighbour{slot: c.slot, sim: d})
	}
	for _, d := range sc.touched {
		if sc.acc[d]*x.norms[d] < x.floor[d] || sc.stamp[d] == sc.cur || d == s {
			continue
		}
		sim, _ := x.dot(sc, d)
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
		if x.duplicates(s, c.slot) {
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

// setFloor records the similarity a document must beat to join the list
// of the document in slot d, for findNeighbours to test cheaply.
func (x *Index) setFloor(d int32) {
	e := &x.docs[d]
	switch {
	case !e.live || e.pending:
		x.floor[d] = math.MaxFloat32
	case len(e.nb) < x.opts.Neighbours+neighbourSlack:
		x.floor[d] = 0
	default:
		x.floor[d] = e.nb[len(e.nb)-1].sim
	}
}

// wouldJoin reports whether n belongs in the list of the document in slot
// d: the list stays the exact best of all documents up to its length.
func (x *Index) wouldJoin(d int32, n neighbour) bool {
	nb := x.docs[d].nb
	limit := x.opts.Neighbours + neighbourSlack
	if len(nb) < limit {
		return true
	}
	return x.better(n, nb[len(nb)-1])
}

// offerNeighbour puts n into d's list if it belongs there.
func (x *Index) offerNeighbour(d int32, n neighbour) {
	e := &x.docs[d]
	if !e.live || e.pending || !x.wouldJoin(d, n) {
		return
	}
	if slices.ContainsFunc(e.nb, func(m neighbour) bool { return m.slot == n.slot }) {
		return
	}
	i, _ := slices.BinarySearchFunc(e.nb, n, func(m, n neighbour) int {
		if x.better(m, n) {
			return -1
		}
		return 1
	})
	e.nb = slices.Insert(e.nb, i, n)
	if limit := x.opts.Neighbours + neighbourSlack; len(e.nb) > limit {
		e.nb = e.nb[:limit]
	}
	x.setFloor(d)
}

// maybeCompact drops the postings of removed documents once they are a
// quarter of all postings, renumbering the slots.
func (x *Index) maybeCompact() {
	if x.dead == 0 || x.dead*4 < x.total {
		return
	}
	renum := make([]int32, len(x.docs))
	docs := make([]entry, 0, x.alive)
	norms := make([]float32, 0, x.alive)
	floor := make([]float32, 0, x.alive)
	for s := range x.docs {
		renum[s] = -1
		if x.docs[s].live {
			renum[s] = int32(len(docs))
			docs = append(docs, x.docs[s])
			norms = append(norms, x.norms[s])
			floor = append(floor, x.floor[s])
		}
	}
	for t := range x.post {
		x.post[t] = postings{
			docs: make([]int32, 0, x.df[t]),
			tfs:  make([]uint8, 0, x.df[t]),
		}
	}
	x.total = 0
	for s := range docs {
		e := &docs[s]
		for i, t := range e.terms {
			pl := &x.post[t]
			pl.docs = append(pl.docs, int32(s))
			pl.tfs = append(pl.tfs, e.tfs[i])
		}
		x.total += len(e.terms)
		for i := range e.nb {
			e.nb[i].slot = renum[e.nb[i].slot]
		}
		x.byID[e.id] = int32(s)
	}
	x.dead = 0
	for t, list := range x.tags {
		kept := list[:0]
		for _, s := range list {
			if renum[s] >= 0 {
				kept = append(kept, renum[s])
			}
		}
		if len(kept) == 0 {
			delete(x.tags, t)
		} else {
			x.tags[t] = kept
		}
	}
	pending := x.pending[:0]
	for _, s := range x.pending {
		if renum[s] >= 0 {
			pending = append(pending, renum[s])
		}
	}
	x.pending = pending
	x.docs, x.norms, x.floor = docs, norms, floor
}
