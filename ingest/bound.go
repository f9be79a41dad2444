package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/newsdesk/newsdesk"
)

// Limits on the work one feed can make newsdesk do. The fetcher bounds a
// feed's bytes (DefaultMaxBodyBytes); these bound what parsing does with
// them, so that a hostile feed of that size costs no more to read than an
// honest one. A cheap pass over the feed applies them before the parser
// sees it (see scanXML and scanJSON): the parser reads only what is kept.
const (
	// MaxItems is the most items (entries) of a feed read at a time, by a
	// poll, an add or a WebSub delivery. Feeds list their newest first;
	// the rest of the feed is not read.
	MaxItems = 1000
	// MaxDepth is the deepest nesting of elements (or JSON values) in a
	// feed; a feed nested deeper is refused.
	MaxDepth = 256
	// MaxAttrs is the most attributes one element may have; a feed with
	// more on one element is refused.
	MaxAttrs = 256
	// MaxNodes is the most elements and attributes (or JSON values) of a
	// feed read; reading stops before the item that would pass it.
	MaxNodes = 50_000
	// MaxItemBytes is the largest item read, and the largest of anything
	// else in a feed's channel (its title, its image): larger ones are
	// left out, and the rest of the feed is read.
	MaxItemBytes = 2 << 20
	// maxJunkBytes bounds text, comments and declarations outside any
	// item, which a parser reads and drops: longer ones are left out.
	maxJunkBytes = 64 << 10
	// malformedContext is how much is kept after the place where the
	// pre-pass finds a feed malformed, so that the parser's error says
	// what is wrong there rather than that the feed ended.
	malformedContext = 64
)

// limits are the limits a pass applies: feedLimits in use, smaller ones
// in tests.
type limits struct {
	items, depth, attrs, nodes, itemBytes, junkBytes int
}

func feedLimits() limits {
	return limits{MaxItems, MaxDepth, MaxAttrs, MaxNodes, MaxItemBytes, maxJunkBytes}
}

// bounded is a feed cut to its limits: what the parser is to read, and
// what was left out.
type bounded struct {
	// parts are read in order: spans of the body, and the end tags that
	// close a feed cut short.
	parts [][]byte
	root  string // the XML root element's local name, lowercased
	items int    // items kept
	// more is set when reading stopped at the item limit, full when it
	// stopped at the node limit.
	more, full bool
	dropped    int // items left out for their size
}

// reader returns what the parser reads.
func (b *bounded) reader() io.Reader { return &partsReader{parts: slices.Clone(b.parts)} }

// bytes returns what the parser reads, as one slice: the body itself when
// nothing was cut.
func (b *bounded) bytes() []byte {
	if len(b.parts) == 1 {
		return b.parts[0]
	}
	return bytes.Join(b.parts, nil)
}

// notes says what a user should know of what was left out; kind names
// what a node is in the feed's format.
func (b *bounded) notes(kind string, lim limits) []string {
	var notes []string
	switch {
	case b.more:
		notes = append(notes, fmt.Sprintf("The feed lists more than %d items; newsdesk reads the first %d.", lim.items, lim.items))
	case b.full:
		notes = append(notes, fmt.Sprintf("The feed has more than %d %s; newsdesk read its first %d items.", lim.nodes, kind, b.items))
	}
	switch b.dropped {
	case 0:
	case 1:
		notes = append(notes, fmt.Sprintf("newsdesk left out 1 item larger than %s.", megabytes(lim.itemBytes)))
	default:
		notes = append(notes, fmt.Sprintf("newsdesk left out %d items larger than %s each.", b.dropped, megabytes(lim.itemBytes)))
	}
	return notes
}

// megabytes says n bytes in MB, or in bytes below one.
func megabytes(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

type partsReader struct{ parts [][]byte }

func (r *partsReader) Read(p []byte) (int, error) {
	for len(r.parts) > 0 && len(r.parts[0]) == 0 {
		r.parts = r.parts[1:]
	}
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	return n, nil
}

// splice builds a bounded's parts from a body, front to back: each span
// of the body is kept or dropped once.
type splice struct {
	body  []byte
	from  int // body[:from] is decided
	parts [][]byte
}

// drop keeps what lies before i and leaves out body[i:j].
func (s *splice) drop(i, j int) {
	if i > s.from {
		s.parts = append(s.parts, s.body[s.from:i])
	}
	s.from = max(s.from, j)
}

// insert keeps what lies before i, then p.
func (s *splice) insert(i int, p []byte) {
	s.drop(i, i)
	s.parts = append(s.parts, p)
}

// end keeps what lies before i and drops the rest.
func (s *splice) end(i int) [][]byte {
	s.drop(i, len(s.body))
	return s.parts
}

// tooDeep and tooManyAttrs are refusals: a feed past these limits is
// not read at all. what is what nests: "elements" or "values".
func tooDeep(what string, lim limits) error {
	return newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The feed nests %s more than %d deep; newsdesk does not read it.", what, lim.depth)
}

func tooManyAttrs(lim limits) error {
	return newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "An element of the feed has more than %d attributes; newsdesk does not read it.", lim.attrs)
}

// errNoFeedRoot is scanXML's answer for XML whose root is not a feed's.
var errNoFeedRoot = errors.New("the root element is not rss, rdf or feed")
