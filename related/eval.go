package related

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/textproc"
)

// Labeled is a document with the label of the class it belongs to, for
// measuring how often related documents share it.
type Labeled struct {
	Doc
	Label string
}

// LoadBBC reads the BBC News data set (Greene and Cunningham, 2006) from
// dir: one folder per class, one article per file, the headline on the
// first line. Files that are not UTF-8 are read as Latin-1. Documents are
// returned in folder then file order, with IDs "folder/file".
func LoadBBC(dir string) ([]Labeled, error) {
	folders, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load bbc: %w", err)
	}
	var docs []Labeled
	for _, f := range folders {
		if !f.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, f.Name(), "*.txt"))
		if err != nil {
			return nil, fmt.Errorf("load bbc: %w", err)
		}
		slices.Sort(files)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("load bbc: %w", err)
			}
			title, text, _ := strings.Cut(latin1(b), "\n")
			docs = append(docs, Labeled{
				Doc:   Doc{ID: f.Name() + "/" + filepath.Base(p), Title: strings.TrimSpace(title), Text: text},
				Label: f.Name(),
			})
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("load bbc: no articles under %s", dir)
	}
	return docs, nil
}

func latin1(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	Docs int
	// DuplicatePairs is the number of pairs with word 5-shingle Jaccard
	// index >= 0.8, left out of both the candidates and the results.
	DuplicatePairs int
	// P10 is the mean share of each document's 10 related documents that
	// carry its label, ranked by an Index with the given options.
	P10 float64
	// Baseline is P10 for a plain TF-IDF cosine: raw term frequency times
	// ln(N/df), the same words and stop words, nothing else.
	Baseline float64
	// BaselineSublinear is Baseline with 1 + ln(tf) for the term frequency.
	BaselineSublinear float64
	// Build is how long it took to index the documents and compute their
	// neighbour lists; Query the total time of the Related calls.
	Build, Query time.Duration
}

// Evaluate measures leave-one-out precision at 10 on docs: every document
// is a query, the rest are candidates, except exact near-duplicates of the
// query (word 5-shingle Jaccard >= 0.8), which are left out of both the
// candidates and the results.
func Evaluate(docs []Labeled, opts Options) Evaluation {
	const k = 10
	ev := Evaluation{Docs: len(docs)}
	dups := exactDuplicates(docs, 0.8)
	for i := range dups {
		ev.DuplicatePairs += len(dups[i])
	}
	ev.DuplicatePairs /= 2

	label := make(map[string]string, len(docs))
	index := make(map[string]int, len(docs))
	for i, d := range docs {
		label[d.ID] = d.Label
		index[d.ID] = i
	}
	start := time.Now()
	x := New(opts)
	for _, d := range docs {
		x.Put(d.Doc)
	}
	x.mu.Lock()
	x.settle()
	x.mu.Unlock()
	ev.Build = time.Since(start)

	start = time.Now()
	var sum float64
	for i, d := range docs {
		res := x.Related(d.ID, k+len(dups[i]))
		hits, n := 0, 0
		for _, r := range res {
			if slices.Contains(dups[i], index[r.ID]) {
				continue
			}
			if label[r.ID] == d.Label {
				hits++
			}
			if n++; n == k {
				break
			}
		}
		if n > 0 {
			sum += float64(hits) / float64(n)
		}
	}
	ev.Query = time.Since(start)
	ev.P10 = sum / float64(len(docs))
	ev.Baseline = baselineP10(docs, dups, k, false)
	ev.BaselineSublinear = baselineP10(docs, dups, k, true)
	return ev
}

// exactDuplicates returns, for each document, the indexes of the others
// whose word 5-shingle sets have a Jaccard index of at least threshold.
func exactDuplicates(docs []Labeled, threshold float64) [][]int {
	sets := make([][]uint32, len(docs))
	inv := make(map[uint32][]int)
	var sk textproc.Sketcher
	for i, d := range docs {
		sets[i] = slices.Clone(sk.Shingles(textproc.Words(nil, d.Title+"\n"+d.Text)))
		for _, h := range sets[i] {
			inv[h] = append(inv[h], i)
		}
	}
	out := make([][]int, len(docs))
	for i := range docs {
		shared := make(map[int]int)
		for _, h := range sets[i] {
			for _, j := range inv[h] {
				if j != i {
					shared[j]++
				}
			}
		}
		for j, c := range shared {
			if float64(c)/float64(len(sets[i])+len(sets[j])-c) >= threshold {
				out[i] = append(out[i], j)
			}
		}
		slices.Sort(out[i])
	}
	return out
}

// baselineP10 ranks by the cosine of plain TF-IDF vectors.
func baselineP10(docs []Labeled, dups [][]int, k int, sublinear bool) float64 {
	dict := make(map[string]int)
	vecs := make([]map[int]float64, len(docs))
	var df []int
	for i, d := range docs {
		v := make(map[int]float64)
		for _, w := range textproc.Words(nil, d.Title+"\n"+d.Text) {
			if !textproc.IsTerm(w) {
				continue
			}
			t, ok := dict[w]
			if !ok {
				t = len(dict)
				dict[w] = t
				df = append(df, 0)
			}
			v[t]++
		}
		for t := range v {
			df[t]++
		}
		vecs[i] = v
	}
	type posting struct {
		doc int
		w   float64
	}
	post := make([][]posting, len(df))
	n := float64(len(docs))
	for i, v := range vecs {
		var norm float64
		for t, tf := range v {
			if sublinear {
				tf = 1 + math.Log(tf)
			}
			v[t] = tf * math.Log(n/float64(df[t]))
			norm += v[t] * v[t]
		}
		norm = math.Sqrt(norm)
		for t := range v {
			v[t] /= norm
			post[t] = append(post[t], posting{i, v[t]})
		}
	}
	var sum float64
	acc := make([]float64, len(docs))
	order := make([]int, 0, len(docs))
	for i, v := range vecs {
		clear(acc)
		for t, w := range v {
			for _, p := range post[t] {
				acc[p.doc] += w * p.w
			}
		}
		order = order[:0]
		for j := range docs {
			if j != i && !slices.Contains(dups[i], j) {
				order = append(order, j)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(acc[b], acc[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		hits := 0
		for _, j := range order[:k] {
			if docs[j].Label == docs[i].Label {
				hits++
			}
		}
		sum += float64(hits) / float64(k)
	}
	return sum / n
}
