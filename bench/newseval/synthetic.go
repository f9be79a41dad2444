package newseval

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/related"
	"github.com/newsdesk/newsdesk/textproc"
)

// Vocabulary returns the distinct words of docs, most frequent first (ties
// in byte order), for Synthetic to sample from.
func Vocabulary(docs []related.Doc) []string {
	freq := make(map[string]int)
	for _, d := range docs {
		for _, w := range textproc.Words(textproc.Words(nil, d.Title), d.Text) {
			freq[w]++
		}
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if c := cmp.Compare(freq[b], freq[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return words
}

// Synthetic returns n generated news-like documents, the same for the same
// arguments. Words come from vocab, most frequent first (nil: made-up
// words). Each document has a main topic, sometimes a second one, and
// background words: topics are 300 words each, and words are drawn with
// Zipf's law from a topic and from the whole vocabulary, so that term
// frequencies look like those of real text. Documents have 120 to 480 words
// of text, a title of 5 to 11 words, one or two tags tied to their topic,
// and a publication time within two years.
func Synthetic(n int, vocab []string, seed uint64) []related.Doc {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	if len(vocab) < 2000 {
		vocab = madeUpWords(r, 30000)
	}
	const topics, topicWords = 400, 300
	topic := make([][]string, topics)
	for i := range topic {
		// Topic words come from beyond the most common thousand, as the
		// words that tell subjects apart do.
		topic[i] = make([]string, topicWords)
		for j := range topic[i] {
			topic[i][j] = vocab[1000+r.IntN(len(vocab)-1000)]
		}
	}
	background := newZipf(len(vocab), 1.05)
	inTopic := newZipf(topicWords, 0.9)
	popular := newZipf(topics, 0.7)
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

	word := func(main, second int) string {
		switch p := r.Float64(); {
		case p < 0.35:
			return topic[main][inTopic.draw(r)]
		case p < 0.45 && second >= 0:
			return topic[second][inTopic.draw(r)]
		default:
			return vocab[background.draw(r)]
		}
	}
	docs := make([]related.Doc, n)
	var b strings.Builder
	for i := range docs {
		main, second := popular.draw(r), -1
		if r.IntN(3) == 0 {
			second = popular.draw(r)
		}
		b.Reset()
		for j := range 5 + r.IntN(7) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word(main, second))
		}
		title := b.String()
		b.Reset()
		for j := range 120 + r.IntN(361) {
			if j > 0 {
				b.WriteByte(' ')
				if r.IntN(15) == 0 {
					b.WriteString(". ")
				}
			}
			b.WriteString(word(main, second))
		}
		tags := []string{fmt.Sprintf("topic-%d", main)}
		if second >= 0 {
			tags = append(tags, fmt.Sprintf("topic-%d", second))
		}
		docs[i] = related.Doc{
			ID:        fmt.Sprintf("syn-%07d", i),
			Title:     title,
			Text:      b.String(),
			Tags:      tags,
			Published: epoch.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour)))),
		}
	}
	return docs
}

func madeUpWords(r *rand.Rand, n int) []string {
	const consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteByte(consonants[r.IntN(len(consonants))])
			b.WriteByte(vowels[r.IntN(len(vowels))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// zipf draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s.
type zipf struct{ cdf []float64 }

func newZipf(n int, s float64) zipf {
	cdf := make([]float64, n)
	var sum float64
	for i := range cdf {
		sum += 1 / math.Pow(float64(i+1), s)
		cdf[i] = sum
	}
	for i := range cdf {
		cdf[i] /= sum
	}
	return zipf{cdf}
}

func (z zipf) draw(r *rand.Rand) int {
	i, _ := slices.BinarySearch(z.cdf, r.Float64())
	return min(i, len(z.cdf)-1)
}
