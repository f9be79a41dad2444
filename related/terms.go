package related

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// appendWords appends the words of text to dst: maximal runs of letters,
// digits and combining marks, lower-cased. An apostrophe between two letters
// is dropped ("don't" is "dont") and a possessive "'s" is removed, so that
// "Obama's" and "Obama" are one word.
func appendWords(dst []string, text string) []string {
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		simple := true // only lower-case ASCII letters and digits so far
		for i < len(text) {
			c := text[i]
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				simple = false
				i += n
				continue
			}
			if (r == '\'' || r == '\u2019') && innerApostrophe(text, start, i, n) {
				simple = false
				i += n
				continue
			}
			break
		}
		w := text[start:i]
		if !simple {
			w = normalizeWord(w)
		}
		if w != "" {
			dst = append(dst, w)
		}
	}
	return dst
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// innerApostrophe reports whether the apostrophe of n bytes at text[i] sits
// between two letters of the word that started at start.
func innerApostrophe(text string, start, i, n int) bool {
	if i == start || i+n >= len(text) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(text[start:i])
	next, _ := utf8.DecodeRuneInString(text[i+n:])
	return unicode.IsLetter(prev) && unicode.IsLetter(next)
}

func normalizeWord(w string) string {
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
	return strings.ReplaceAll(s, "'", "")
}

// isTerm reports whether the word w counts for similarity: words of one
// byte and English function words say nothing about what a text is about.
func isTerm(w string) bool {
	if len(w) < 2 {
		return false
	}
	_, stop := stopWords[w]
	return !stop
}

// stopWords are English function words and the reporting verbs every news
// story uses. With the damped inverse document frequency this package uses
// (see weight.go) they would otherwise count for a lot.
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
