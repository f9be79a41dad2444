// Package textproc is newsdesk's one text stack: what story clustering,
// near-duplicate detection and related articles know about English text
// is here, once, so that a word, a copy and an excerpt mean the same
// thing to each of them.
//
//   - Words and Terms cut text into words and terms.
//   - A Sketcher hashes a text's word 5-shingles into a Sketch; two
//     sketches estimate the Jaccard index of their texts' shingles, and
//     at NearDuplicate (0.8) one text counts as a copy of the other. A
//     DuplicateIndex finds a new text's copies among many.
//   - Excerpt cuts the teaser shown beside a link.
//
// A word is a maximal run of letters and digits, lower-cased. An apostrophe
// between two letters does not end a word and is dropped ("don't" is
// "dont"), and a possessive "'s" is removed ("Obama's" is "obama"). Every
// other character separates words. A term is a word that is not an English
// stop word and is longer than one character.
//
// Search is the one thing that does not cut text here, because there the
// database decides what a word is: store/ftstoken reproduces SQLite's
// FTS5 tokenizer bit for bit (so that snippets mark what FTS5 matched),
// and the search query parser skips PostgreSQL's stop words, as
// PostgreSQL's index does. The databases' words are stemmed and split at
// apostrophes, which measured worse for similarity: see ftstoken's
// package comment.
//
// The package is pure and allocation-conscious: words that are already
// lower-case ASCII in the input are returned as substrings of it.
package textproc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words appends the words of text to dst, in order, and returns the extended
// slice. It keeps stop words and one-character words: near-duplicate
// detection needs the running text as written.
func Words(dst []string, text string) []string {
	return scan(dst, text, false)
}

// Terms appends the terms of text to dst, in order, and returns the extended
// slice: the words of text without stop words and one-character words.
func Terms(dst []string, text string) []string {
	return scan(dst, text, true)
}

// IsTerm reports whether the word w (as Words returns it) is a term:
// words of one byte and English function words say nothing about what a
// text is about.
func IsTerm(w string) bool {
	if len(w) < 2 {
		return false
	}
	_, stop := stopWords[w]
	return !stop
}

func scan(dst []string, text string, terms bool) []string {
	i := 0
	for i < len(text) {
		// Skip to the start of a word.
		c := text[i]
		if c < utf8.RuneSelf {
			if !isASCIIWordByte(c) {
				i++
				continue
			}
		} else {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				i += n
				continue
			}
		}
		start := i
		simple := true // lower-case ASCII letters and digits only, so far
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				switch {
				case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
					i++
					continue
				case 'A' <= c && c <= 'Z':
					simple = false
					i++
					continue
				case c == '\'':
					if inWordApostrophe(text, start, i, 1) {
						simple = false
						i++
						continue
					}
				}
				break
			}
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				simple = false
				i += n
				continue
			}
			if r == '\u2019' && inWordApostrophe(text, start, i, n) {
				simple = false
				i += n
				continue
			}
			break
		}
		w := text[start:i]
		if !simple {
			w = normalize(w)
		}
		if w == "" {
			continue
		}
		if terms && !IsTerm(w) {
			continue
		}
		dst = append(dst, w)
	}
	return dst
}

// inWordApostrophe reports whether the apostrophe of n bytes at text[i] sits
// between two letters of a word that started at start.
func inWordApostrophe(text string, start, i, n int) bool {
	if i == start || i+n >= len(text) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(text[start:i])
	next, _ := utf8.DecodeRuneInString(text[i+n:])
	return unicode.IsLetter(prev) && unicode.IsLetter(next)
}

// normalize lower-cases w, drops a possessive "'s" and the apostrophes
// inside it.
func normalize(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if r == '\'' || r == '\u2019' {
			b.WriteByte('\'')
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	s := b.String()
	s = strings.TrimSuffix(s, "'s")
	if strings.IndexByte(s, '\'') >= 0 {
		s = strings.ReplaceAll(s, "'", "")
	}
	return s
}

func isASCIIWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIWordByte(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// stopWords are English function words and the reporting verbs every news
// story uses: enough to keep them from dominating similarity (with the
// damped inverse document frequency related uses they would otherwise
// count for a lot), short enough never to hide a topic word.
var stopWords = func() map[string]struct{} {
	m := make(map[string]struct{})
	for _, w := range strings.Fields(`
a about above after again against all also am an and any are as at
be because been before being below between both but by
can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how
i if in into is it its itself just me more most my myself
no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up us
very was we were what when where which while who whom why will with would
you your yours yourself yourselves
said says say mr mrs ms`) {
		m[w] = struct{}{}
	}
	return m
}()
