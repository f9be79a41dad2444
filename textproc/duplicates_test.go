package textproc

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDuplicateIndex(t *testing.T) {
	var x DuplicateIndex
	var sk Sketcher
	texts := []struct {
		text string
		dups []int // of the texts before it
	}{
		{wire, nil}, // 0
		{"Parliament voted on the budget late on Tuesday night after a long debate about schools and hospitals.", nil},
		{"Ferry back in service\n\n" + strings.ToUpper(wire[:40]) + wire[40:] + "\n\nCopyright 2024 Harbour Press.", []int{0}},
		{strings.ReplaceAll(wire, "the", "a"), nil}, // rewritten: most shingles change
		{"", nil},
		{"Ferry back in service. " + wire + " Read more on our site.", []int{0, 2}},
		{" -- ", nil},
		{"", nil}, // texts without words match nothing, not even each other
	}
	for i, tt := range texts {
		s := sk.Sketch(Words(nil, tt.text))
		if got := x.Find(nil, s, NearDuplicate); !slices.Equal(got, tt.dups) {
			t.Errorf("text %d: near-duplicates %v, want %v", i, got, tt.dups)
		}
		if n := x.Add(s); n != i {
			t.Errorf("text %d numbered %d", i, n)
		}
	}
	// The first half of the wire story shares about half its shingles
	// with it: a copy at a threshold of 0.4, not at 0.8.
	words := Words(nil, wire)
	half := sk.Sketch(words[:len(words)/2])
	if got := x.Find(nil, half, 0.4); !slices.Contains(got, 0) {
		t.Errorf("near-duplicates of half the wire story at 0.4: %v, want the story (0) among them", got)
	}
	if got := x.Find(nil, half, NearDuplicate); len(got) != 0 {
		t.Errorf("near-duplicates of half the wire story at %v: %v, want none", NearDuplicate, got)
	}
}

// TestDuplicateIndexBBC measures near-duplicate detection against exact
// Jaccard indexes on the BBC News set, whose articles include about 150
// pairs of copies (word 5-shingle Jaccard >= 0.8): each article is looked
// up in an index of the ones before it, as a stream of articles is.
func TestDuplicateIndexBBC(t *testing.T) {
	texts := loadBBC(t)
	var sk Sketcher
	sets := make([][]uint32, len(texts))
	for i, text := range texts {
		sets[i] = slices.Clone(sk.Shingles(Words(nil, text)))
	}
	truth := make(map[[2]int]bool)
	for _, p := range exactPairs(sets, NearDuplicate) {
		truth[p] = true
	}
	if len(truth) < 100 {
		t.Fatalf("only %d true pairs in the BBC set; is the data complete?", len(truth))
	}
	var x DuplicateIndex
	var found []int
	tp, fp := 0, 0
	for i, text := range texts {
		s := sk.Sketch(Words(nil, text))
		found = x.Find(found[:0], s, NearDuplicate)
		for _, j := range found {
			if truth[[2]int{j, i}] {
				tp++
			} else {
				fp++
			}
		}
		x.Add(s)
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(len(truth))
	t.Logf("%d articles, %d true pairs, %d found: precision %.4f recall %.4f", len(texts), len(truth), tp+fp, precision, recall)
	if precision < 0.99 || recall < 0.99 {
		t.Errorf("precision %.4f recall %.4f, want both >= 0.99", precision, recall)
	}
}

// exactPairs returns the pairs {i, j}, i < j, of shingle sets whose
// Jaccard index is at least threshold, through an inverted index.
func exactPairs(sets [][]uint32, threshold float64) [][2]int {
	post := make(map[uint32][]int)
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
	var out [][2]int
	for p, c := range common {
		if float64(c)/float64(len(sets[p[0]])+len(sets[p[1]])-c) >= threshold {
			out = append(out, p)
		}
	}
	return out
}

// loadBBC reads the BBC News articles (../shared/data/related/bbc, one
// file each, headline first) in a fixed order, or skips the test when the
// shared data is not there.
func loadBBC(tb testing.TB) []string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "related", "bbc")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.txt"))
	if err != nil || len(paths) == 0 {
		tb.Skipf("evaluation data not found at %s (%v); see ../shared/data/README.md", dir, err)
	}
	slices.Sort(paths)
	texts := make([]string, len(paths))
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(fmt.Errorf("load bbc: %w", err))
		}
		texts[i] = string(b)
	}
	return texts
}
