package store

import (
	"strings"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/ftstoken"
)

// SQLite's article index keeps no copy of the text (migration 0011), so
// FTS5's snippet() and highlight() cannot run on it: the snippets of
// articles and the words of a query found in their titles are worked out
// here, on text tokenized as FTS5 tokenizes it (ftstoken), so that a
// word is found here exactly when the index found it. Article snippets
// on PostgreSQL are cut here too (ts_headline re-parsed whole texts);
// its stemmer is snowball's, not Porter's, so a rare word it matched may
// go unmarked.

// queryMatcher finds the terms of a query in tokenized text.
type queryMatcher struct {
	terms [][]string // each wanted term's words as index terms
	// prefix marks the terms whose last word matches any index term
	// that starts with it.
	prefix []bool
}

func newQueryMatcher(p *parsedSearch) *queryMatcher {
	m := &queryMatcher{}
	for _, t := range p.Terms {
		if t.Exclude {
			continue
		}
		words := make([]string, 0, len(t.Words))
		for _, w := range t.Words {
			words = append(words, ftstoken.Term(w))
		}
		m.terms = append(m.terms, words)
		m.prefix = append(m.prefix, t.Prefix)
	}
	return m
}

// matchAt returns how many tokens term k of the query covers when it
// starts at toks[i], or 0 when it is not there.
func (m *queryMatcher) matchAt(toks []ftstoken.Token, i, k int) int {
	words := m.terms[k]
	if i+len(words) > len(toks) {
		return 0
	}
	for j, w := range words {
		got := toks[i+j].Term
		last := j == len(words)-1
		if w == "" || got != w && !(last && m.prefix[k] && strings.HasPrefix(got, w)) {
			return 0
		}
	}
	return len(words)
}

// titleMatches returns how many of the query's terms are in title.
func (m *queryMatcher) titleMatches(title string, toks []ftstoken.Token) ([]ftstoken.Token, int) {
	toks = ftstoken.Tokens(toks[:0], title)
	n := 0
	for k := range m.terms {
		for i := range toks {
			if m.matchAt(toks, i, k) > 0 {
				n++
				break
			}
		}
	}
	return toks, n
}

// hit is a match of one term of the query in tokenized text.
type hit struct {
	at, n int // first token, tokens covered
	term  int
}

// snippet returns a passage of about size tokens of text around the
// matches of the query, in the shape FTS5's snippet() gives: matches
// between markStart and markEnd, "…" where the text was cut. The passage
// chosen holds the most distinct terms of the query, then the most
// matches, then comes first; it is centred on its matches.
func (m *queryMatcher) snippet(text string, size int) string {
	toks := ftstoken.Tokens(nil, text)
	if len(toks) == 0 {
		return ""
	}
	var hits []hit
	for i := range toks {
		for k := range m.terms {
			if n := m.matchAt(toks, i, k); n > 0 {
				hits = append(hits, hit{at: i, n: n, term: k})
				break
			}
		}
	}
	start, end := 0, min(size, len(toks))
	if len(hits) > 0 {
		best, bestScore, bestLast := 0, -1, 0
		seen := make([]bool, len(m.terms))
		for i, h := range hits {
			clear(seen)
			score, last := 0, i
			for j := i; j < len(hits) && hits[j].at+hits[j].n <= h.at+size; j++ {
				if !seen[hits[j].term] {
					seen[hits[j].term] = true
					score += 1000
				}
				score++
				last = j
			}
			if score > bestScore {
				best, bestScore, bestLast = i, score, last
			}
		}
		first, lastEnd := hits[best].at, hits[bestLast].at+hits[bestLast].n
		start = max(0, first-(size-(lastEnd-first))/2)
		end = min(len(toks), start+size)
		start = max(0, end-size)
	}

	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	// A passage at either end of the text runs to that end.
	from := 0
	if start > 0 {
		from = toks[start].Start
	}
	write := func(to int) {
		// The text's own marker characters must not read as ours.
		b.WriteString(strings.Map(func(r rune) rune {
			if r == rune(markStart[0]) || r == rune(markEnd[0]) {
				return ' '
			}
			return r
		}, text[from:to]))
		from = to
	}
	next := start
	for _, h := range hits {
		if h.at < next {
			continue
		}
		if h.at+h.n > end {
			break
		}
		next = h.at + h.n
		write(toks[h.at].Start)
		b.WriteString(markStart)
		write(toks[h.at+h.n-1].End)
		b.WriteString(markEnd)
	}
	if end < len(toks) {
		write(toks[end-1].End)
		b.WriteString("…")
	} else {
		write(len(text))
	}
	return b.String()
}

// markedSnippet turns a passage with the match markers (markStart,
// markEnd) in it into a snippet: its white space collapsed, the markers
// taken out and what each pair held recorded as a match. The pairs are
// balanced whatever the text held: a marker that does not open or close
// one is dropped, and one left open closes at the end.
func markedSnippet(s string) newsdesk.Snippet {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	var b strings.Builder
	b.Grow(len(s))
	var matches []newsdesk.TextRange
	n, open := 0, -1 // characters written; where the open match began
	for s != "" {
		i := strings.IndexAny(s, markStart+markEnd)
		if i < 0 {
			i = len(s)
		}
		b.WriteString(s[:i])
		n += utf8.RuneCountInString(s[:i])
		if i == len(s) {
			break
		}
		switch {
		case s[i] == markStart[0] && open < 0:
			open = n
		case s[i] == markEnd[0] && open >= 0:
			if n > open {
				matches = append(matches, newsdesk.TextRange{Start: open, End: n})
			}
			open = -1
		}
		s = s[i+1:]
	}
	if open >= 0 && n > open {
		matches = append(matches, newsdesk.TextRange{Start: open, End: n})
	}
	return newsdesk.Snippet{Text: b.String(), Matches: matches}
}
