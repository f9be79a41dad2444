package related

import (
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

const bbcDir = "../../shared/data/related/bbc"

func loadBBC(t testing.TB) []Labeled {
	t.Helper()
	if _, err := os.Stat(bbcDir); err != nil {
		t.Skipf("BBC data set not found at %s: %v", bbcDir, err)
	}
	docs, err := LoadBBC(bbcDir)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestEvaluateBBC(t *testing.T) {
	docs := loadBBC(t)
	ev := Evaluate(docs, Options{})
	t.Logf("BBC: %d articles, %d near-duplicate pairs; P@10 %.4f (plain TF-IDF %.4f, sublinear TF-IDF %.4f); build %v, queries %v",
		ev.Docs, ev.DuplicatePairs, ev.P10, ev.Baseline, ev.BaselineSublinear, ev.Build, ev.Query)
	if ev.P10 < 0.94 {
		t.Errorf("P@10 = %.4f, want >= 0.94", ev.P10)
	}
	if ev.P10 <= ev.Baseline {
		t.Errorf("P@10 = %.4f, no better than plain TF-IDF (%.4f)", ev.P10, ev.Baseline)
	}

	// Random halves: the figure should hold on smaller samples of the same
	// kind, not only on the set the defaults were chosen on.
	r := rand.New(rand.NewPCG(1, 2))
	for split := range 2 {
		perm := r.Perm(len(docs))
		for half := range 2 {
			idx := perm[half*len(docs)/2 : (half+1)*len(docs)/2]
			slices.Sort(idx)
			sub := make([]Labeled, len(idx))
			for i, j := range idx {
				sub[i] = docs[j]
			}
			ev := Evaluate(sub, Options{})
			t.Logf("split %d half %d: P@10 %.4f (plain TF-IDF %.4f)", split, half, ev.P10, ev.Baseline)
		}
	}
}
