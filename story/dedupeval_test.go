package story

import (
	"slices"
	"testing"

	"github.com/newsdesk/newsdesk/textproc"
)

// shingleSet is the set of word n-shingles of text, hashed.
func shingleSet(text string, n int) []uint64 {
	words := textproc.Words(nil, text)
	if len(words) == 0 {
		return nil
	}
	hashes := make([]uint64, len(words))
	for i, w := range words {
		hashes[i] = fnv64(w)
	}
	var set []uint64
	for s := range max(1, len(words)-n+1) {
		var h uint64
		for _, wh := range hashes[s:min(s+n, len(hashes))] {
			h = h*0x100000001b3 ^ wh
		}
		set = append(set, mix64(h))
	}
	slices.Sort(set)
	return slices.Compact(set)
}

type exactPair struct {
	a, b int
	j    float64
}

// exactJaccard returns every pair of texts with at least one shingle in
// common and its exact Jaccard similarity, through an inverted index.
func exactJaccard(sets [][]uint64) []exactPair {
	post := make(map[uint64][]int)
	for i, s := range sets {
		for _, h := range s {
			post[h] = append(post[h], i)
		}
	}
	common := make(map[[2]int]int)
	for _, list := range post {
		for x := range list {
			for y := x + 1; y < len(list); y++ {
				common[[2]int{list[x], list[y]}]++
			}
		}
	}
	var out []exactPair
	for k, c := range common {
		out = append(out, exactPair{k[0], k[1], float64(c) / float64(len(sets[k[0]])+len(sets[k[1]])-c)})
	}
	slices.SortFunc(out, func(p, q exactPair) int {
		if p.a != q.a {
			return p.a - q.a
		}
		return p.b - q.b
	})
	return out
}

// TestEvaluateDedupBBC checks near-duplicate detection against exact
// Jaccard on the BBC set: every pair with word 5-shingle Jaccard >= 0.8 is
// a true pair (about 150). Several seeds, so that a lucky hash family does
// not carry the figure.
func TestEvaluateDedupBBC(t *testing.T) {
	docs := loadBBC(t)
	sets := make([][]uint64, len(docs))
	for i, d := range docs {
		sets[i] = shingleSet(d.Text, 5)
	}
	var truth [][2]string
	for _, p := range exactJaccard(sets) {
		if p.j >= 0.8 {
			truth = append(truth, [2]string{docs[p.a].ID, docs[p.b].ID})
		}
	}
	if len(truth) < 100 {
		t.Fatalf("only %d true pairs in the BBC set; is the data complete?", len(truth))
	}
	for seed := range uint64(3) {
		d := NewDedup(DedupOptions{Seed: seed})
		for _, doc := range docs {
			d.Add(doc.ID, doc.Text)
		}
		var pred [][2]string
		for _, p := range d.Pairs() {
			pred = append(pred, [2]string{p.A, p.B})
		}
		p, r, _ := PairScores(truth, pred)
		t.Logf("seed %d: %d true pairs, %d found: precision %.4f recall %.4f", seed, len(truth), len(pred), p, r)
		if p < 0.95 || r < 0.95 {
			t.Errorf("seed %d: precision %.4f recall %.4f, want both >= 0.95", seed, p, r)
		}
	}
}
