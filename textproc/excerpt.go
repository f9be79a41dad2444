package textproc

import (
	"cmp"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ExcerptWords is how many words an excerpt has when no length is asked
// for: about thirty, as in a "Related Articles" list.
const ExcerptWords = 30

// excerptRunesPerWord bounds an excerpt's length in characters when only
// words are counted, so that a text of a few enormous "words" still gives
// a short excerpt.
const excerptRunesPerWord = 16

// ExcerptOptions say how long an excerpt may be and how a cut one ends.
// The zero value asks for ExcerptWords words ended with "...".
type ExcerptOptions struct {
	// Words is the most words an excerpt keeps; 0 for no limit by words
	// (ExcerptWords when Runes is 0 too).
	Words int
	// Runes is the most characters an excerpt keeps, spaces included and
	// the ellipsis not; 0 for 16 a word.
	Runes int
	// Ellipsis ends an excerpt that was cut; "" for "...".
	Ellipsis string
}

// Excerpt returns the start of text as a teaser, such as an entry of a
// "Related Articles" list or a page's description: as many words as fit
// in opts. Runs of white space become single spaces. A text that fits is
// returned whole. A longer one is cut at a word boundary, loses the
// punctuation left dangling at the cut, and ends with the ellipsis.
//
// A web address is one word and is never cut: if keeping it whole would
// make the excerpt longer than asked, the excerpt stops before it. An
// excerpt that ends with an address gets a space before the ellipsis, so
// that the dots do not read as part of the address.
func Excerpt(text string, opts ExcerptOptions) string {
	words, budget := opts.Words, opts.Runes
	if words <= 0 && budget <= 0 {
		words = ExcerptWords
	}
	if budget <= 0 {
		budget = words * excerptRunesPerWord
	}
	if words <= 0 {
		words = math.MaxInt
	}
	ellipsis := cmp.Or(opts.Ellipsis, "...")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	var b strings.Builder
	n, runes := 0, 0
	truncated := false
	for w := range strings.FieldsSeq(text) {
		if n == words {
			truncated = true
			break
		}
		wr := utf8.RuneCountInString(w)
		if n > 0 {
			wr++ // the space before it
		}
		if runes+wr > budget {
			truncated = true
			if n == 0 && !isURL(w) {
				// One word longer than the whole budget is not a word a
				// reader can use; cut it rather than show nothing.
				b.WriteString(cutRunes(w, budget))
				n++
			}
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		n++
		runes += wr
	}
	out := b.String()
	if !truncated {
		return out
	}
	out = trimDangling(out)
	switch {
	case out == "":
		return ""
	case isURL(lastWord(out)):
		// The text went on; an address keeps its dots apart.
		return out + " " + ellipsis
	default:
		return out + ellipsis
	}
}

// trimDangling removes what would dangle before an ellipsis: trailing
// punctuation that ends or opens a clause ("word," "word (" "word —"),
// and a last word that was nothing but such punctuation. It stops at an
// address, which it never cuts into.
func trimDangling(s string) string {
	for s != "" {
		last := lastWord(s)
		if isURL(last) {
			return s
		}
		t := strings.TrimRightFunc(s, dangling)
		if t == s {
			return s
		}
		s = strings.TrimRightFunc(t, unicode.IsSpace)
	}
	return s
}

// dangling reports whether r, at the end of an excerpt, would read badly
// before "...": sentence and clause punctuation, dashes, opening brackets
// and quotes. Closing brackets and quotes stay, as they close something
// the excerpt opened.
func dangling(r rune) bool {
	switch r {
	case ')', ']', '}', '»', '›', '”', '’', '"', '\'':
		return false
	case '%', '#', '@', '&', '*', '/', '\\':
		return false
	}
	return unicode.IsPunct(r)
}

// lastWord returns the part of s after its last space.
func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// isURL reports whether a word is, or starts like, a web address:
// "https://youtu.be/…", "www.example.org/…", "(https://…)".
func isURL(w string) bool {
	w = strings.TrimLeft(w, `("'“‘[<`)
	lower := strings.ToLower(w)
	return strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.")
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
