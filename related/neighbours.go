package related

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Settle brings the neighbour lists up to date now, as the next call of
// Related would, so that it has nothing to wait for. When ctx is done
// first, Settle stops and returns its error, and the rest is left to the
// next call.
func (x *Index) Settle(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.settleContext(ctx)
}

// settle brings vector lengths and neighbour lists up to date. The caller
// holds the write lock.
func (x *Index) settle() {
	_ = x.settleContext(context.Background())
}

func (x *Index) settleContext(ctx context.Context) error {
	if x.staleNorms() {
		x.refreshNorms()
	}
	if len(x.pending) == 0 {
		return nil
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
	if len(pend)*16 >= x.alive {
		// Many documents came in since the last settle, most likely all
		// of them at start: give back what their appends left spare.
		x.trimPostings()
	}

	p := settlePass{
		// When no live document is settled, as after the first Puts of
		// a build, no list is there for a newcomer to join.
		joinable: len(pend) < x.alive,
		maxNorm:  slices.Max(x.norms),
	}

	// Compute the new lists in parallel: this reads the index only. Then
	// apply them in slot order, so the outcome does not depend on timing
	// nor on the order they were computed in.
	found := make([]neighbourUpdate, len(pend))
	order := x.workOrder(pend)
	workers := min(runtime.GOMAXPROCS(0), (len(pend)+15)/16)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			sc := x.getScratch()
			defer x.putScratch(sc)
			for ctx.Err() == nil {
				lo := int(next.Add(settleBatch)) - settleBatch
				if lo >= len(pend) {
					return
				}
				for _, i := range order[lo:min(lo+settleBatch, len(pend))] {
					found[i] = x.findNeighbours(sc, pend[i], p)
					x.resetScratch(sc)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// Nothing the lists depend on has changed: they are computed
		// again next time.
		x.pending = append(x.pending, pend...)
		return err
	}
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
	return nil
}

// trimPostings gives back the room left at the end of the posting lists
// by growing them one document at a time, a quarter of their memory after
// a build.
func (x *Index) trimPostings() {
	for t := range x.post {
		pl := &x.post[t]
		if cap(pl.docs)-len(pl.docs) > len(pl.docs)/8 {
			pl.docs = slices.Clone(pl.docs)
		}
		if cap(pl.tfs)-len(pl.tfs) > len(pl.tfs)/8 {
			pl.tfs = slices.Clone(pl.tfs)
		}
	}
}

// workOrder returns the indexes of slots in the order to compute their
// neighbour lists in: documents on one subject together, by their
// strongest term, so that one after the other they read much the same
// postings and candidates while these are still in the processor's caches.
// On a large index that makes the lists about a third faster to compute.
func (x *Index) workOrder(slots []int32) []int32 {
	type keyed struct{ key, i int32 }
	ks := make([]keyed, len(slots))
	for i, s := range slots {
		e := &x.docs[s]
		best, key := float32(-1), int32(-1)
		for j, t := range e.terms {
			if w := tfWeight[e.tfs[j]] * x.idf[t] * x.idf[t]; w > best {
				best, key = w, t
			}
		}
		ks[i] = keyed{key, int32(i)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.i, b.i)
	})
	order := make([]int32, len(ks))
	for i, k := range ks {
		order[i] = k.i
	}
	return order
}

// settlePass is what findNeighbours needs to know of the whole index.
type settlePass struct {
	joinable bool    // some live document is settled
	maxNorm  float32 // the largest 1/|v|
}

// settleBatch is how many documents a worker of settle takes at a time.
const settleBatch = 64

// neighbourUpdate is what findNeighbours found for one document: its own
// list, and the documents whose lists it should join.
type neighbourUpdate struct {
	list    []neighbour
	reverse []neighbour // slot is the document whose list to join
}

// findNeighbours computes the neighbour list of the document in slot s by
// cosine, and which settled documents should have s in their lists.
func (x *Index) findNeighbours(sc *scratch, s int32, p settlePass) neighbourUpdate {
	limit := x.opts.Neighbours + neighbourSlack
	x.addToQuery(sc, s, 1)
	x.accumulate(sc)

	// Candidates: the best by the pruned postings, scored exactly, and
	// every settled document whose list s might join.
	best := x.topTouched(sc, max(x.opts.Candidates, limit), s, p.maxNorm)
	x.prefetch(sc, best)
	cands := make([]neighbour, 0, len(best)+8)
	for _, c := range best {
		cands = append(cands, neighbour{slot: c.slot, sim: x.cosine(sc, c.slot)})
	}
	if p.joinable {
		for _, c := range best {
			sc.stamp[c.slot] = sc.cur
		}
		for _, d := range sc.touched {
			if sc.acc[d]*x.norms[d] < x.floor[d] || sc.stamp[d] == sc.cur || d == s {
				continue
			}
			cands = append(cands, neighbour{slot: d, sim: x.cosine(sc, d)})
		}
	}
	var u neighbourUpdate
	visit := func(c neighbour) bool {
		if c.sim <= 0 {
			return false
		}
		mine := len(u.list) < limit
		theirs := c.sim >= x.floor[c.slot] && x.wouldJoin(c.slot, neighbour{slot: s, sim: c.sim})
		if !mine && !theirs {
			return true
		}
		if x.duplicates(s, c.slot) {
			return true
		}
		if mine {
			u.list = append(u.list, c)
		}
		if theirs {
			u.reverse = append(u.reverse, c)
		}
		return p.joinable || len(u.list) < limit
	}
	if p.joinable {
		// Best first; slots are distinct, so no two compare equal.
		slices.SortFunc(cands, func(a, b neighbour) int {
			if x.better(a, b) {
				return -1
			}
			return 1
		})
		for _, c := range cands {
			if !visit(c) {
				break
			}
		}
	} else {
		// s can join no list, so only the best few candidates are read:
		// they are taken off a heap, best first.
		for i := len(cands)/2 - 1; i >= 0; i-- {
			x.siftBest(cands, i)
		}
		for len(cands) > 0 {
			c := cands[0]
			cands[0] = cands[len(cands)-1]
			cands = cands[:len(cands)-1]
			x.siftBest(cands, 0)
			if !visit(c) {
				break
			}
		}
	}
	u.list = slices.Clone(u.list) // no room to spare: the index keeps it
	return u
}

// siftBest restores the heap property of h (best on top) below i.
func (x *Index) siftBest(h []neighbour, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && x.better(h[c+1], h[c]) {
			c++
		}
		if !x.better(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
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
