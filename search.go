package newsdesk

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SearchKind says what a search looks through.
type SearchKind string

// What a search can look through.
const (
	SearchAll      SearchKind = "all"      // articles and posts
	SearchArticles SearchKind = "articles" // ingested items, by their extracted text or feed summary
	SearchPosts    SearchKind = "posts"    // posts, by headline, summary and tags
)

// Search limits. A query longer than MaxSearchQuery bytes, or with more
// than MaxSearchTerms terms, is refused with EINVALID.
const (
	MaxSearchQuery = 500
	MaxSearchTerms = 12
	MaxSearchLimit = 100
	// MaxSearchOffset bounds paging: deep pages cost the database as much
	// as all the pages before them.
	MaxSearchOffset = 1000
)

// SearchQuery is one search.
type SearchQuery struct {
	// Text is the query as the user typed it, in the one syntax every
	// database behaves the same on: words, all of which must match;
	// "quoted phrases", whose words must appear together in order; word*
	// for words that start with word; -word or -"a phrase" for what must
	// not appear. Anything else only separates words, and very common
	// words (the, of, and) are skipped outside phrases. The
	// SearchService reads it.
	Text     string
	Kind     SearchKind // empty for SearchAll
	SourceID int64      // only articles from this source (and posts crediting its items); zero for all
	// Tag, a tag's slug, keeps only posts with that tag; articles have no
	// tags, so a search with a tag finds posts only.
	Tag  string
	From *time.Time // only what was published at or after this time
	To   *time.Time // only what was published before this time
	// Drafts includes draft posts. The public site and the API never set
	// it; the desk does.
	Drafts bool
	Limit  int // zero for 20, at most MaxSearchLimit
	Offset int // at most MaxSearchOffset
}

// SearchHit is one result.
type SearchHit struct {
	Kind  SearchKind // SearchArticles or SearchPosts
	ID    int64      // the item's or the post's ID
	Title string
	// URL is the original article's address, for articles and posts.
	URL string
	// Slug names a post on the site (/posts/{slug}); empty for articles.
	Slug        string
	Status      PostStatus // a post's status; empty for articles
	SourceName  string
	PublishedAt *time.Time
	// Snippet is a short passage of the text around what matched, with
	// the matches marked.
	Snippet Snippet
}

// Snippet is a passage of text with the parts that matched a search. It
// is plain text, not HTML: a page escapes it and marks the matches where
// it is rendered. Text is valid UTF-8, its white space collapsed to
// single spaces; "…" stands where the passage was cut from a longer text.
type Snippet struct {
	Text string
	// Matches are the parts of Text that matched, in order and not
	// overlapping, each counted in characters (Unicode code points, not
	// bytes) from the start of Text.
	Matches []TextRange
}

// TextRange is a part of a text: its characters from Start up to, but
// not including, End, counted in Unicode code points from 0.
type TextRange struct {
	Start, End int
}

// Parts calls yield with each part of s.Text in order, with whether it
// is a match, so that the parts joined are Text. It holds whatever
// Matches say, since a snippet may come from elsewhere than the store:
// ranges out of order are taken in order, what a range shares with one
// before it is left to the earlier, and what lies outside the text or
// runs backwards is ignored. A byte of Text that is not UTF-8 counts as
// one character.
func (s Snippet) Parts() iter.Seq2[string, bool] {
	return func(yield func(string, bool) bool) {
		text := s.Text
		ranges := slices.Clone(s.Matches)
		slices.SortFunc(ranges, func(a, b TextRange) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		// The ranges, taken in order, only move forwards through the
		// text: one pass turns characters into byte offsets.
		char, at := 0, 0 // a character's number and its byte offset
		seek := func(to int) int {
			for char < to && at < len(text) {
				_, size := utf8.DecodeRuneInString(text[at:])
				at += size
				char++
			}
			return at
		}
		from, done := 0, 0 // the first byte and the first character not yielded
		for _, r := range ranges {
			start := max(r.Start, done)
			if r.End <= start {
				continue
			}
			i, j := seek(start), seek(r.End)
			if i == j { // past the end of the text
				break
			}
			if i > from && !yield(text[from:i], false) {
				return
			}
			if !yield(text[i:j], true) {
				return
			}
			from, done = j, r.End
		}
		if from < len(text) {
			yield(text[from:], false)
		}
	}
}

// ParseDateRange reads the dates that bound a search, as people type
// them (2026-03-10): from is the first day and to the last, both days
// included, each a day in UTC. It returns the instants a SearchQuery
// takes: from's midnight, and the midnight after to. An empty date
// (spaces around a date are ignored) leaves that end open, nil. It
// returns EINVALID, naming the parameter, for anything else, and for a
// range whose "from" is after its "to".
func ParseDateRange(from, to string) (start, end *time.Time, err error) {
	if start, err = parseDay(from, "from", 0); err != nil {
		return nil, nil, err
	}
	// "To 10 March" includes that day.
	if end, err = parseDay(to, "to", 24*time.Hour); err != nil {
		return nil, nil, err
	}
	// A range that ends before it starts finds nothing: say so rather
	// than show an empty page as if nothing matched.
	if start != nil && end != nil && !start.Before(*end) {
		return nil, nil, Errorf(EINVALID, "The \"from\" date (%s) is after the \"to\" date (%s): swap them, such as from 2026-03-10 to 2026-03-12.",
			start.Format(time.DateOnly), end.Add(-24*time.Hour).Format(time.DateOnly))
	}
	return start, end, nil
}

// parseDay parses one date of ParseDateRange as midnight UTC plus shift.
func parseDay(s, name string, shift time.Duration) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, Errorf(EINVALID, "The %q date must be written as 2026-03-10, not %q.", name, Truncate(s, 40))
	}
	t = t.Add(shift)
	return &t, nil
}

// SearchResults is one page of results, best first.
type SearchResults struct {
	Hits []SearchHit
	// More says there are results after this page.
	More bool
}

// SearchService finds articles and posts by their words.
type SearchService interface {
	// Search returns the hits of q, best first. It returns EINVALID, with
	// a message fit for the user, when q.Text has nothing to search for or
	// is too long, and never for the characters it contains.
	Search(ctx context.Context, q SearchQuery) (*SearchResults, error)
}
