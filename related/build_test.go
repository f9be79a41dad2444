package related

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBuildMatchesReference builds the same index twice, once with PutAll
// and settle and once with Put one document at a time and refSettle (the
// neighbour search as it was, kept in reference_test.go), and checks that
// every neighbour list is the same, to the bit, and so every related list:
// after a build from empty, and after replacing, removing and adding
// documents one at a time.
func TestBuildMatchesReference(t *testing.T) {
	docs := corpus(3000, 7)
	// Near-copies of some documents, for the duplicate test to have work.
	for i := 0; i < 300; i += 10 {
		d := docs[i]
		d.ID = d.ID + "-copy"
		d.Text = d.Text + " update"
		docs = append(docs, d)
	}
	// A document given twice in one batch: the second replaces the first.
	twice := docs[5]
	twice.Text = docs[6].Text
	docs = slices.Insert(docs, 1000, twice)
	fast, ref := New(Options{}), New(Options{})
	settle := func() {
		fast.mu.Lock()
		fast.settle()
		fast.mu.Unlock()
		ref.mu.Lock()
		ref.refSettle()
		ref.mu.Unlock()
	}
	fast.PutAll(docs[:2000])
	fast.PutAll(docs[2000:])
	for _, d := range docs {
		ref.Put(d)
	}
	if !maps.Equal(fast.dict, ref.dict) {
		t.Fatal("PutAll numbered the terms differently from Put")
	}
	settle()
	sameIndexes(t, "build", fast, ref, docs)

	// One change at a time, settled after each: newcomers join the lists
	// of settled documents.
	more := corpus(3200, 7)[3000:]
	for i := range 100 {
		switch i % 4 {
		case 0: // replace
			d := docs[i*13]
			d.Text = more[i].Text
			fast.Put(d)
			ref.Put(d)
		case 1: // remove
			fast.Remove(docs[i*17].ID)
			ref.Remove(docs[i*17].ID)
		default: // add
			fast.Put(more[100+i])
			ref.Put(more[100+i])
		}
		settle()
	}
	sameIndexes(t, "changes", fast, ref, append(docs, more...))
}

func sameIndexes(t *testing.T, when string, fast, ref *Index, docs []Doc) {
	t.Helper()
	if len(fast.docs) != len(ref.docs) {
		t.Fatalf("%s: %d slots, reference %d", when, len(fast.docs), len(ref.docs))
	}
	lists := 0
	for s := range fast.docs {
		a, b := fast.docs[s], ref.docs[s]
		if a.live != b.live || a.pending != b.pending {
			t.Fatalf("%s: slot %d live %v pending %v, reference %v %v", when, s, a.live, a.pending, b.live, b.pending)
		}
		if !slices.EqualFunc(a.nb, b.nb, func(m, n neighbour) bool {
			return m.slot == n.slot && math.Float32bits(m.sim) == math.Float32bits(n.sim)
		}) {
			t.Fatalf("%s: neighbours of %s differ:\n%v\nreference\n%v", when, a.id, a.nb, b.nb)
		}
		if len(a.nb) > 0 {
			lists++
		}
	}
	if lists < len(fast.docs)/2 {
		t.Fatalf("%s: only %d of %d slots have neighbours", when, lists, len(fast.docs))
	}
	for _, d := range docs {
		got, want := fast.Related(d.ID, 10), ref.Related(d.ID, 10)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: related to %s: %v, reference %v", when, d.ID, got, want)
		}
	}
}

// TestSettleCancelled stops a settle before it starts: the lists are left
// to the next query, which finds them as an uninterrupted settle would.
func TestSettleCancelled(t *testing.T) {
	docs := corpus(500, 3)
	a, b := New(Options{}), New(Options{})
	a.PutAll(docs)
	b.PutAll(docs)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Settle(ctx); err != context.Canceled {
		t.Fatalf("Settle with a cancelled context: %v", err)
	}
	if len(a.pending) != len(docs) {
		t.Fatalf("%d documents left to settle, want %d", len(a.pending), len(docs))
	}
	if err := b.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.Related(docs[0].ID, 1)
	sameIndexes(t, "settled after a cancelled settle", a, b, docs)
}

// corpus returns n made-up news-like documents, the same for the same
// seed (and the first n of a longer corpus): each is about one of 200
// topics, its words drawn from the topic's 40 and from 5,000 background
// words, common ones more often, with a tag for its topic and a time
// within two years.
func corpus(n int, seed uint64) []Doc {
	const topics, topicWords, background = 200, 40, 5000
	r := rand.New(rand.NewPCG(seed, 1))
	topic := make([][]int, topics)
	for i := range topic {
		topic[i] = make([]int, topicWords)
		for j := range topic[i] {
			topic[i][j] = 1000 + r.IntN(background-1000)
		}
	}
	pick := func(t int) string {
		if r.IntN(3) == 0 {
			return fmt.Sprintf("w%d", topic[t][r.IntN(topicWords)])
		}
		return fmt.Sprintf("w%d", r.IntN(r.IntN(background)+1))
	}
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]Doc, n)
	for i := range docs {
		t := r.IntN(topics)
		var title, text []string
		for range 6 {
			title = append(title, pick(t))
		}
		for range 80 + r.IntN(200) {
			text = append(text, pick(t))
		}
		docs[i] = Doc{
			ID:        fmt.Sprintf("doc-%05d", i),
			Title:     strings.Join(title, " "),
			Text:      strings.Join(text, " "),
			Tags:      []string{fmt.Sprintf("topic-%d", t)},
			Published: epoch.Add(time.Duration(r.IntN(2*365*24)) * time.Hour),
		}
	}
	return docs
}
