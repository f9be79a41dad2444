package cluster

import (
	"cmp"
	"math"
	"slices"

	"github.com/newsdesk/newsdesk/textproc"
)

// entry is one term of a sparse vector.
type entry struct {
	term   int32
	weight float32
}

// vocabulary interns terms and keeps their document frequencies, updated
// as each article arrives, so that IDF weights follow the stream without a
// recount.
type vocabulary struct {
	ids  map[string]int32
	df   []int32
	docs int
	buf  []string // reused by the tokenizer
	// Reused while counting.
	tf     []entry
	counts []float32 // by term id; zero between calls
}

func newVocabulary() *vocabulary {
	return &vocabulary{ids: make(map[string]int32)}
}

// id returns the id of term, adding it if it is new.
func (v *vocabulary) id(term string) int32 {
	if id, ok := v.ids[term]; ok {
		return id
	}
	id := int32(len(v.df))
	// Clone: the term is usually a substring of a whole article, which the
	// vocabulary must not keep alive.
	v.ids[cloneString(term)] = id
	v.df = append(v.df, 0)
	return id
}

func cloneString(s string) string { return string([]byte(s)) }

// idf is the smoothed inverse document frequency of term: rare terms say
// more about which story an article belongs to than common ones.
func (v *vocabulary) idf(term int32) float64 {
	return math.Log(1 + float64(v.docs)/float64(v.df[term]))
}

// count counts the terms of an article, records them in the document
// frequencies, and returns the article's sublinear term frequencies, sorted
// by term, cut to the maxTerms terms heaviest by TF-IDF. A title word
// counts titleWeight times: headlines name the event in few words. Text
// that already starts with the title (as a summary often does) has its
// first occurrence counted as one of those times.
func (v *vocabulary) count(title, text string, titleWeight float64, maxTerms int) []entry {
	v.buf = textproc.Terms(v.buf[:0], title)
	nTitle := len(v.buf)
	v.buf = textproc.Terms(v.buf, text)
	titleTerms, textTerms := v.buf[:nTitle], v.buf[nTitle:]
	extra := titleWeight
	if len(textTerms) >= nTitle && slices.Equal(titleTerms, textTerms[:nTitle]) {
		extra--
	}
	// Count into a dense array by term id, listing each term once.
	tf := v.tf[:0]
	add := func(t string, w float32) {
		id := v.id(t)
		for int(id) >= len(v.counts) {
			v.counts = append(v.counts, 0)
		}
		if v.counts[id] == 0 {
			tf = append(tf, entry{term: id})
		}
		v.counts[id] += w
	}
	for _, t := range textTerms {
		add(t, 1)
	}
	if extra > 0 {
		for _, t := range titleTerms {
			add(t, float32(extra))
		}
	}
	clear(v.buf) // let the article's text go
	v.docs++
	for _, e := range tf {
		v.df[e.term]++
	}
	if maxTerms > 0 && len(tf) > maxTerms {
		// Rank by TF-IDF and keep the heaviest.
		for i, e := range tf {
			tf[i].weight = float32(sublinear(float64(v.counts[e.term])) * v.idf(e.term))
		}
		selectHeaviest(tf, maxTerms)
		for _, e := range tf[maxTerms:] {
			v.counts[e.term] = 0
		}
		tf = tf[:maxTerms]
	}
	out := make([]entry, len(tf))
	for i, e := range tf {
		out[i] = entry{e.term, float32(sublinear(float64(v.counts[e.term])))}
		v.counts[e.term] = 0
	}
	v.tf = tf[:0]
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
	return out
}

// weigh appends to dst the TF-IDF unit vector of the term frequencies tf,
// by the document frequencies as they are now.
func (v *vocabulary) weigh(tf, dst []entry) []entry {
	n := len(dst)
	for _, e := range tf {
		dst = append(dst, entry{e.term, float32(float64(e.weight) * v.idf(e.term))})
	}
	normalize(dst[n:])
	return dst
}

// sublinear dampens a term count: the tenth mention of a word says less
// than the second. Counts below 1 (a title word weighted down) stay as they
// are.
func sublinear(tf float64) float64 {
	if tf <= 1 {
		return tf
	}
	return 1 + math.Log(tf)
}

// topTerms keeps the n heaviest entries of vec (ties go to the lower term
// id, so the result depends on nothing but the input), sorted by term
// again. n <= 0 keeps all.
func topTerms(vec []entry, n int) []entry {
	if n <= 0 || len(vec) <= n {
		return vec
	}
	selectHeaviest(vec, n)
	vec = vec[:n]
	slices.SortFunc(vec, func(a, b entry) int { return cmp.Compare(a.term, b.term) })
	return vec
}

// heavier orders entries by weight, heaviest first, then by term.
func heavier(a, b entry) bool {
	return a.weight > b.weight || a.weight == b.weight && a.term < b.term
}

// selectHeaviest moves the n heaviest entries of vec to its front, in no
// particular order (Hoare's selection, with a median-of-three pivot).
func selectHeaviest(vec []entry, n int) {
	lo, hi := 0, len(vec)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if heavier(vec[mid], vec[lo]) {
			vec[mid], vec[lo] = vec[lo], vec[mid]
		}
		if heavier(vec[hi], vec[lo]) {
			vec[hi], vec[lo] = vec[lo], vec[hi]
		}
		if heavier(vec[hi], vec[mid]) {
			vec[hi], vec[mid] = vec[mid], vec[hi]
		}
		pivot := vec[mid]
		i, j := lo, hi
		for i <= j {
			for heavier(vec[i], pivot) {
				i++
			}
			for heavier(pivot, vec[j]) {
				j--
			}
			if i <= j {
				vec[i], vec[j] = vec[j], vec[i]
				i++
				j--
			}
		}
		switch {
		case n-1 <= j:
			hi = j
		case n-1 >= i:
			lo = i
		default:
			return
		}
	}
}

func normalize(vec []entry) {
	var ss float64
	for _, e := range vec {
		ss += float64(e.weight) * float64(e.weight)
	}
	if ss == 0 {
		return
	}
	inv := 1 / math.Sqrt(ss)
	for i := range vec {
		vec[i].weight = float32(float64(vec[i].weight) * inv)
	}
}
