package newsdesk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// How much text newsdesk keeps, in characters (runes). Text that comes
// from outlets (feeds, OPML files, pages), which nobody can correct, is
// cut to fit by Truncate; a name that staff type is refused when longer
// (see Validate). Each limit is many times what a real outlet writes, so
// only a broken or hostile feed reaches one; what they stop is one
// outlet's megabyte of title being stored, then repeated on every page,
// list and message that names it.
const (
	// MaxNameLength bounds a source's name (a feed's title) and a
	// user's. Outlets' names run to a few dozen characters.
	MaxNameLength = 200
	// MaxTitleLength bounds an item's and an article's title. Headlines
	// stay under 200 characters; some feeds put a first paragraph in
	// the title, which this still keeps whole.
	MaxTitleLength = 1000
	// MaxAuthorLength bounds an item's author and an article's byline:
	// a list of a dozen co-authors fits.
	MaxAuthorLength = 500
	// MaxSummaryLength bounds an item's summary, its plain text. Some
	// feeds give a whole article there, and the summary is what search
	// and clustering read until the page is extracted, so it is generous:
	// about 15,000 words, longer than nearly any article.
	MaxSummaryLength = 100_000
	// MaxContentLength bounds an item's full content as the feed gives
	// it (HTML) and an article's extracted text. The longest long reads,
	// markup and all, are a few hundred thousand characters.
	MaxContentLength = 1_000_000
	// MaxCategoryLength bounds one of an item's categories.
	MaxCategoryLength = 100
	// MaxMessageLength bounds what newsdesk records about a source or an
	// article for staff to read (a poll's error, a note), which can quote
	// what an outlet sent.
	MaxMessageLength = 1000
	// MaxURLLength bounds a web address that a feed or page gives (an
	// item's link, its images, a site's home page), in bytes. A longer
	// one is dropped rather than cut, since a cut address leads somewhere
	// else; web servers refuse request lines over about 8 KB anyway
	// (Apache's and nginx's defaults), so it could not be fetched.
	MaxURLLength = 8192
	// MaxFeedURLLength bounds a followed feed's address, in bytes: the
	// address sitemaps and most browsers' limits allow, under the 2,704
	// bytes a row of PostgreSQL's index (one source per feed) can hold.
	MaxFeedURLLength = 2048
)

// Truncate returns s cut to at most max characters, ending with "…" when
// it was cut. The cut falls between characters as a reader sees them: it
// never separates a letter from its accents, a flag's two halves, or the
// parts of an emoji joined by zero-width joiners, and white space before
// the ellipsis is dropped. Text that fits is returned as it is.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s // no more bytes than max, so no more characters
	}
	if max <= 0 {
		return ""
	}
	// cut is the byte offset after max-1 characters, leaving room for
	// the ellipsis; s is cut only once it proves to have more than max.
	cut, n := 0, 0
	for i := range s {
		switch n {
		case max - 1:
			cut = i
		case max:
			cut = graphemeBoundary(s, cut)
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// graphemeBoundary moves cut back, if need be, to the nearest place at or
// before it where one user-perceived character ends and the next begins.
// It follows the rules of Unicode's extended grapheme clusters (UAX #29)
// that text in feeds meets: marks, joiners and selectors extend what
// precedes them, a virama joins consonants into one conjunct (Hindi's
// स्त), and regional indicators pair into flags. It leaves out
// the rarer ones (Hangul jamo sequences, prepended marks), whose worst
// case is a letter drawn in parts.
func graphemeBoundary(s string, cut int) int {
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		prev, size := utf8.DecodeLastRuneInString(s[:cut])
		switch {
		case extendsCluster(r), prev == '\u200D', isConjunctLinker(prev) && unicode.IsLetter(r):
			cut -= size
		case isRegionalIndicator(r) && isRegionalIndicator(prev):
			// Indicators pair from the left: an odd count before the cut
			// means the cut splits a flag.
			k := 0
			for i := cut; i > 0; {
				p, sz := utf8.DecodeLastRuneInString(s[:i])
				if !isRegionalIndicator(p) {
					break
				}
				k++
				i -= sz
			}
			if k%2 == 1 {
				cut -= size
			}
			return cut
		default:
			return cut
		}
	}
	return cut
}

// extendsCluster reports whether r belongs to the character before it.
func extendsCluster(r rune) bool {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		return true // accents, vowel signs, enclosing marks, variation selectors
	case r == '\u200D': // zero-width joiner
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin tones
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tags, as in subdivision flags
		return true
	}
	return false
}

// isConjunctLinker reports whether r is a virama that joins the letters
// on either side into one character (Unicode's Indic_Conjunct_Break=Linker).
func isConjunctLinker(r rune) bool {
	switch r {
	case '\u094D', '\u09CD', '\u0ACD', '\u0B4D', '\u0C4D', '\u0D4D':
		return true
	}
	return false
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// IsBlank reports whether s shows a reader nothing: whether it is empty or
// holds only white space (of any script: no-break and ideographic spaces
// too), invisible formatting characters (Unicode's category Cf: zero-width
// spaces and joiners, soft hyphens, byte order marks, direction marks and
// bidirectional controls), control characters, characters that are drawn
// as blank (Hangul fillers, the blank Braille pattern), and marks with
// nothing to sit on. Every check that text is present (a post's headline,
// a tag, a name) asks IsBlank rather than comparing with "", so that a
// headline of one zero-width space is refused like an empty one.
func IsBlank(s string) bool {
	for _, r := range s {
		if !invisible(r) {
			return false
		}
	}
	return true
}

// invisible reports whether r shows nothing by itself.
func invisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0': // Hangul fillers
		return true
	case '\u2800': // Braille pattern blank
		return true
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Cc, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Mn, unicode.Me)
}
