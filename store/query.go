package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// The query syntax of newsdesk.SearchQuery is read here, once, into terms
// that each database's syntax is then written from (fts5Query, tsquery)
// and that the snippets' matcher looks for: no surface needs the terms,
// and what a term may hold is a promise between this parser and the
// query writers beside it.

// searchTerm is one part of a parsed query: a word, or a quoted phrase of
// several words, that results must contain (or must not, when Exclude is
// set). Words are lower-case runs of letters and digits.
type searchTerm struct {
	Words   []string
	Prefix  bool // the last word also matches longer words that start with it
	Exclude bool
}

// parsedSearch is a query read by parseSearch.
type parsedSearch struct {
	Terms []searchTerm
}

// parseSearch reads the one query syntax that every database behaves the
// same on: words, all of which must match; "quoted phrases", whose words
// must appear together in order; word* for words that start with word;
// and -word or -"a phrase" for what must not appear. Anything else, such
// as punctuation, quotes left open or another search engine's operators,
// only separates words. Very common words (the, of, and) are skipped
// outside phrases, as PostgreSQL does.
//
// It returns EINVALID when the query is too long, has too many terms, or
// has no word to look for.
func parseSearch(text string) (*parsedSearch, error) {
	if len(text) > newsdesk.MaxSearchQuery {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "A search can be at most %d characters long.", newsdesk.MaxSearchQuery)
	}
	text = strings.ToValidUTF8(text, " ")
	var p parsedSearch
	positive := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isSearchSpace(r) {
			i += size
			continue
		}
		var t searchTerm
		if r == '-' {
			t.Exclude = true
			i += size
			if i >= len(text) {
				break
			}
			r, size = utf8.DecodeRuneInString(text[i:])
			if isSearchSpace(r) {
				continue
			}
		}
		var raw string
		quoted := r == '"'
		if quoted {
			i += size
			end := strings.IndexByte(text[i:], '"')
			if end < 0 {
				end = len(text) - i // an open quote runs to the end
			}
			raw = text[i : i+end]
			i += end + 1
		} else {
			end := strings.IndexFunc(text[i:], isSearchSpace)
			if end < 0 {
				end = len(text) - i
			}
			raw = text[i : i+end]
			i += end
		}
		if quoted && i < len(text) && text[i] == '*' {
			t.Prefix = true // "a phrase"*
			i++
		}
		if !quoted && strings.HasSuffix(raw, "*") {
			t.Prefix = true
		}
		t.Words = searchWords(raw)
		if len(t.Words) == 0 || !t.Prefix && allStopWords(t.Words) {
			continue
		}
		if t.Prefix && len([]rune(t.Words[len(t.Words)-1])) < 2 {
			// One letter and a star would match most of the index.
			t.Prefix = false
			if len(t.Words) == 1 && !quoted {
				continue
			}
		}
		if len(p.Terms) == newsdesk.MaxSearchTerms {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "A search can have at most %d words or phrases.", newsdesk.MaxSearchTerms)
		}
		p.Terms = append(p.Terms, t)
		positive = positive || !t.Exclude
	}
	if !positive {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Type at least one word to search for (very common words such as \"the\" are skipped, and a search cannot only exclude words).")
	}
	return &p, nil
}

// isSearchSpace reports whether r separates terms in a query.
func isSearchSpace(r rune) bool { return unicode.IsSpace(r) || r == 0 || unicode.IsControl(r) }

// isWordRune reports whether r is part of a word, as the databases'
// tokenizers see it.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// searchWords splits s into lower-case words. A word longer than 64
// characters is cut: no real word is that long.
func searchWords(s string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) }) {
		w = strings.ToLower(w)
		if utf8.RuneCountInString(w) > 64 {
			w = string([]rune(w)[:64])
		}
		words = append(words, w)
	}
	return words
}

// allStopWords reports whether every word is a stop word.
func allStopWords(words []string) bool {
	for _, w := range words {
		if !stopWords[w] {
			return false
		}
	}
	return true
}

// stopWords are PostgreSQL's English stop words: it leaves them out of
// its index, so parseSearch leaves them out of queries on every database.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself
	yourselves he him his himself she her hers herself it its itself they them their theirs
	themselves what which who whom this that these those am is are was were be been being have
	has had having do does did doing a an the and but if or because as until while of at by for
	with about against between into through during before after above below to from up down in
	out on off over under again further then once here there when where why how all any both
	each few more most other some such no nor not only own same so than too very s t can will
	just don should now`) {
		m[w] = true
	}
	return m
}()
