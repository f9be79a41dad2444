// Package related ranks the articles most related to a given one. (The
// excerpts shown beside them are textproc.Excerpt's.)
//
// The package is pure: text in, results out. It keeps its index in memory,
// imports neither the store nor anything that serves HTTP, and is
// deterministic: the same calls in the same order give the same results.
//
// # How relatedness is scored
//
// Each document is a vector of terms (words of the title and text, less
// English function words; title words count twice). A term's weight is
// (1 + ln tf) · sqrt(ln(N/df)), and vectors are scaled to unit length. The
// square root damps the inverse document frequency: a cosine multiplies the
// weights of both documents, so a shared term counts by ln(N/df), its
// information content, instead of its square. Terms found in one document
// only are left out; they can match nothing.
//
// Each document keeps a list of its nearest neighbours by that cosine,
// maintained as documents come and go. The similarity of a document d to a
// query q is then smoothed over both neighbourhoods:
//
//	P(q, d)     = cos(q, d) + a · Σj A(q, j) cos(j, d)     (j ≠ d)
//	score(q, d) = P(q, d)   + b · Σj A(d, j) P(q, j)
//
// where A(x, ·) are x's neighbours weighted by their similarity to x and
// summing to one. The first line is pseudo-relevance feedback: q's
// neighbours vote for the documents they resemble. The second asks whether
// d's own neighbourhood lies where q's does. Together they prefer documents
// of q's subject over ones that share only a few words with it. A bonus for
// shared tags and a mild one for being published close in time are added.
//
// A query reads the inverted index for the query's strongest terms only,
// then scores the best candidates exactly.
package related

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsdesk/newsdesk/textproc"
)

// Doc is a document to index.
type Doc struct {
	ID        string
	Title     string
	Text      string
	Tags      []string
	Published time.Time // zero when unknown
}

// Result is one related document.
type Result struct {
	ID string
	// Score is the document's relatedness: higher is more related. Text
	// similarity is roughly between 0 and 1; the tag and recency bonuses
	// are added to it.
	Score float64
}

// Options tune an Index. The zero value gives the defaults, which were
// chosen on news articles (see the package documentation, and the BBC
// evaluation in bench/newseval); a negative value turns a feature off
// where that makes sense.
type Options struct {
	// TitleWeight is how many times a word of the title counts. Default 2.
	TitleWeight int
	// Neighbours is the size of the neighbourhood each document keeps and
	// the similarity is smoothed over. Default 30.
	Neighbours int
	// Feedback is the weight a of the query's neighbourhood. Default 2.
	Feedback float64
	// Reciprocal is the weight b of the candidate's neighbourhood.
	// Default 2.
	Reciprocal float64
	// TagWeight is added to the score, times the cosine of the two tag
	// sets. Default 0.05; negative turns tags off.
	TagWeight float64
	// RecencyWeight is added to the score, times 2^(-Δt/RecencyHalfLife),
	// when both documents have a publication time. Default 0.02; negative
	// turns recency off.
	RecencyWeight float64
	// RecencyHalfLife defaults to 30 days.
	RecencyHalfLife time.Duration
	// NearDuplicate is the resemblance (Jaccard index of word 5-shingles)
	// at or above which two documents are copies of one another. Default
	// 0.8.
	NearDuplicate float64
	// KeepNearDuplicates lets results include copies of the query and of
	// each other. By default they are left out: a reader gains nothing from
	// the same wire story twice.
	KeepNearDuplicates bool
	// QueryTerms is how many of a document's strongest terms are read from
	// the inverted index when its neighbours are found. Default 32.
	QueryTerms int
	// Candidates is how many of the documents found that way are then
	// compared exactly. Default 300.
	Candidates int
}

func (o Options) withDefaults() Options {
	if o.TitleWeight <= 0 {
		o.TitleWeight = 2
	}
	if o.TitleWeight > 8 {
		o.TitleWeight = 8
	}
	if o.Neighbours <= 0 {
		o.Neighbours = 30
	}
	if o.Feedback == 0 {
		o.Feedback = 2
	}
	if o.Reciprocal == 0 {
		o.Reciprocal = 2
	}
	if o.Feedback < 0 {
		o.Feedback = 0
	}
	if o.Reciprocal < 0 {
		o.Reciprocal = 0
	}
	if o.TagWeight == 0 {
		o.TagWeight = 0.05
	}
	if o.TagWeight < 0 {
		o.TagWeight = 0
	}
	if o.RecencyWeight == 0 {
		o.RecencyWeight = 0.02
	}
	if o.RecencyWeight < 0 {
		o.RecencyWeight = 0
	}
	if o.RecencyHalfLife <= 0 {
		o.RecencyHalfLife = 30 * 24 * time.Hour
	}
	if o.NearDuplicate <= 0 || o.NearDuplicate > 1 {
		o.NearDuplicate = textproc.NearDuplicate
	}
	if o.QueryTerms <= 0 {
		o.QueryTerms = 32
	}
	if o.Candidates <= 0 {
		o.Candidates = 300
	}
	return o
}

// neighbourSlack is how many neighbours a document keeps beyond
// Options.Neighbours, so that most removals do not force its list to be
// computed again.
const neighbourSlack = 8

// Index holds documents and answers which are related to which. Put and
// Remove update it incrementally. It is safe for concurrent use.
//
// Corpus statistics (document frequencies) are exact at all times; each
// document's vector length is recomputed when the corpus has changed by a
// sixteenth since the last time, so that scores drift by at most a few per
// cent in between. Neighbour lists are brought up to date before the next
// query after a change.
type Index struct {
	mu   sync.RWMutex
	opts Options

	docs  []entry          // by slot; slots of removed documents are dead
	norms []float32        // by slot: 1/|v|, 0 for an empty vector or a dead slot
	floor []float32        // by slot: what a newcomer must beat to join the list (see setFloor)
	byID  map[string]int32 // live documents only
	alive int

	dict  map[string]int32 // term → term id
	df    []int32          // term id → live documents containing it
	idf   []float32        // term id → sqrt(ln(N/df)), 0 when df < 2
	post  []postings       // term id → postings, dead slots included
	total int              // postings, dead ones included
	dead  int              // postings of dead slots

	tags map[string][]int32 // tag → slots, dead ones included

	pending []int32 // slots whose neighbour lists must be computed
	changes int     // Puts and Removes since the vector lengths were computed

	scratch sync.Pool
}

type postings struct {
	docs []int32
	tfs  []uint8
}

type entry struct {
	id        string
	tags      []string
	published time.Time
	terms     []int32 // sorted
	tfs       []uint8 // weighted term frequency, capped at 255
	sketch    textproc.Sketch
	live      bool
	pending   bool
	nb        []neighbour // best first, at most Neighbours+neighbourSlack
}

// analysis is a document cut into terms, before the terms have ids.
type analysis struct {
	entry
	words  []string // distinct terms, sorted
	counts []uint8  // their weighted frequencies
}

type neighbour struct {
	slot int32
	sim  float32
}

// New returns an empty index.
func New(opts Options) *Index {
	return &Index{
		opts: opts.withDefaults(),
		byID: make(map[string]int32),
		dict: make(map[string]int32),
		tags: make(map[string][]int32),
	}
}

// Len returns the number of documents in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.alive
}

// Put adds doc to the index, or replaces the document with the same ID.
func (x *Index) Put(doc Doc) {
	x.PutAll([]Doc{doc})
}

// PutAll adds docs to the index, or replaces the documents with the same
// IDs, as many Puts would one after the other, but using every processor
// and taking the lock once.
func (x *Index) PutAll(docs []Doc) {
	as := make([]*analysis, len(docs))
	parallel(len(docs), func(i int) { as[i] = x.analyze(docs[i]) })
	x.mu.Lock()
	defer x.mu.Unlock()
	x.assignTerms(as)
	for _, e := range as {
		if s, ok := x.byID[e.id]; ok {
			x.remove(s)
		}
		x.add(e)
	}
}

// parallel calls f(i) for i from 0 to n-1, on every processor when n is
// large enough for that to pay.
func parallel(n int, f func(i int)) {
	const batch = 16
	workers := min(runtime.GOMAXPROCS(0), (n+batch-1)/batch)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(batch)) - batch
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+batch, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// Remove removes the document with the given ID, if there is one.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if s, ok := x.byID[id]; ok {
		x.remove(s)
		x.maybeCompact()
	}
}

// analyze turns doc into an entry, without touching the index: the costly
// part of Put runs outside the lock.
func (x *Index) analyze(doc Doc) *analysis {
	a := analyzers.Get().(*analyzer)
	defer analyzers.Put(a)
	words := textproc.Words(a.words[:0], doc.Title)
	nTitle := len(words)
	words = textproc.Words(words, doc.Text)
	a.words = words
	e := &analysis{entry: entry{
		id:        doc.ID,
		tags:      normalizeTags(doc.Tags),
		published: doc.Published,
		sketch:    a.sketcher.Sketch(words),
		live:      true,
	}}
	tf := a.tf
	clear(tf)
	for i, w := range words {
		if !textproc.IsTerm(w) {
			continue
		}
		if i < nTitle {
			tf[w] += x.opts.TitleWeight
		} else {
			tf[w]++
		}
	}
	// Term ids are assigned under the lock; keep the words for now, in a
	// deterministic order.
	e.words = make([]string, 0, len(tf))
	for w := range tf {
		e.words = append(e.words, w)
	}
	slices.Sort(e.words)
	e.counts = make([]uint8, len(e.words))
	for i, w := range e.words {
		e.counts[i] = uint8(min(tf[w], 255))
	}
	clear(a.words) // let go of the text
	return e
}

// analyzer is the working memory of analyze, kept for the next call.
type analyzer struct {
	words    []string
	tf       map[string]int
	sketcher textproc.Sketcher
}

var analyzers = sync.Pool{New: func() any { return &analyzer{tf: make(map[string]int)} }}

func normalizeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.ToLower(strings.Join(strings.Fields(t), " "))
		if t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// assignTerms gives the words of each analysis their term ids, new terms
// numbered in the order the analyses come in, and sorts each analysis's
// terms by id. The caller holds the write lock.
func (x *Index) assignTerms(as []*analysis) {
	// Known words are looked up in parallel: nothing writes the dictionary
	// meanwhile. New ones are numbered in order, as adding the documents
	// one at a time would.
	ids := make([][]int32, len(as))
	parallel(len(as), func(i int) {
		e := as[i]
		ids[i] = make([]int32, len(e.words))
		for j, w := range e.words {
			id, ok := x.dict[w]
			if !ok {
				id = -1
			}
			ids[i][j] = id
		}
	})
	for i, e := range as {
		for j, w := range e.words {
			if ids[i][j] >= 0 {
				continue
			}
			id, ok := x.dict[w]
			if !ok {
				id = int32(len(x.post))
				x.dict[strings.Clone(w)] = id
				x.post = append(x.post, postings{})
				x.df = append(x.df, 0)
				x.idf = append(x.idf, 0)
			}
			ids[i][j] = id
		}
	}
	parallel(len(as), func(i int) {
		e := as[i]
		type tt struct {
			term int32
			tf   uint8
		}
		pairs := make([]tt, len(e.words))
		for j, id := range ids[i] {
			pairs[j] = tt{id, e.counts[j]}
		}
		slices.SortFunc(pairs, func(a, b tt) int { return cmp.Compare(a.term, b.term) })
		e.terms = make([]int32, len(pairs))
		e.tfs = make([]uint8, len(pairs))
		for j, p := range pairs {
			e.terms[j], e.tfs[j] = p.term, p.tf
		}
		e.words, e.counts = nil, nil
	})
}

// add puts the analysed entry, its terms assigned, into a new slot.
func (x *Index) add(e *analysis) {
	slot := int32(len(x.docs))
	for i, t := range e.terms {
		pl := &x.post[t]
		pl.docs = append(pl.docs, slot)
		pl.tfs = append(pl.tfs, e.tfs[i])
		x.df[t]++
	}
	x.total += len(e.terms)
	x.alive++
	x.changes++
	for _, t := range e.terms {
		x.idf[t] = idfWeight(x.alive, x.df[t])
	}
	for _, t := range e.tags {
		x.tags[t] = append(x.tags[t], slot)
	}
	x.docs = append(x.docs, e.entry)
	x.norms = append(x.norms, 0)
	x.floor = append(x.floor, math.MaxFloat32)
	x.byID[e.id] = slot
	x.norms[slot] = x.invNorm(slot)
	x.docs[slot].pending = true
	x.pending = append(x.pending, slot)
}

// remove takes the document in slot s out of the index. Its postings stay
// until the next compaction; dead slots are skipped by every reader.
func (x *Index) remove(s int32) {
	e := &x.docs[s]
	delete(x.byID, e.id)
	e.live = false
	e.pending = false
	x.norms[s] = 0
	x.floor[s] = math.MaxFloat32
	e.nb = nil
	x.alive--
	x.changes++
	x.dead += len(e.terms)
	for _, t := range e.terms {
		x.df[t]--
		x.idf[t] = idfWeight(x.alive, x.df[t])
	}
	// Drop s from every list that holds it. A list left shorter than the
	// neighbourhood is computed again before the next query.
	for i := range x.docs {
		d := &x.docs[i]
		if !d.live {
			continue
		}
		j := slices.IndexFunc(d.nb, func(n neighbour) bool { return n.slot == s })
		if j < 0 {
			continue
		}
		d.nb = slices.Delete(d.nb, j, j+1)
		if len(d.nb) < x.opts.Neighbours && !d.pending {
			d.pending = true
			x.pending = append(x.pending, int32(i))
		}
		x.setFloor(int32(i))
	}
}
