// Package markdown turns the Markdown an editor writes into the HTML a
// post shows its readers, and into the plain text its excerpts, search
// and feed summaries use.
//
// It wraps github.com/yuin/goldmark: CommonMark, with the GitHub
// Flavored Markdown tables, strikethrough and autolinks (a pasted
// address becomes a link) and typographic punctuation (curly quotes and
// apostrophes, dashes, ellipses), as a newsroom prints them. What
// goldmark writes then goes through the allow-list writer that
// sanitises articles (extract.SanitizeFragment): two defences, each
// enough alone.
//
// What a post's Markdown cannot do:
//
//   - Raw HTML is never markup. It is shown as the text it is, so that a
//     writer sees at once, in the preview, that it did nothing, and
//     nothing written is silently lost (a whole <div> block would be).
//     HTML comments alone are dropped, as notes to colleagues. The one
//     exception is a YouTube or Vimeo <iframe> pasted on its own, as the
//     sites' "Embed" buttons give it: it becomes the privacy-friendly
//     player.
//   - A post's headings start at <h2>, since the page's <h1> is the
//     headline: the post's highest level becomes <h2> and each lower
//     level used the next one, so "#" and "##" keep their difference.
//   - A YouTube or Vimeo address on a line of its own, as editors paste
//     them, becomes a player from youtube-nocookie.com or
//     player.vimeo.com with dnt=1 (extract.EmbedURL); an address in
//     running text stays a link. No other frame is ever written.
//
// The work is bounded: input over MaxSize, and the few shapes on which
// goldmark's work grows faster than its input, are refused with a
// message, and emphasis and code marks beyond a hundred in a paragraph
// are shown as typed (see limits.go). A typical post renders in about a
// quarter of a millisecond, and the worst 100 KB in under a tenth of a
// second (BenchmarkWorst).
package markdown

import (
	"bytes"
	"fmt"
	"net/url"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// converter is configured once and never changed: a goldmark.Markdown
// keeps nothing between conversions and is safe for concurrent use
// (TestConcurrent), and building one for each post would add a third to
// the allocations of rendering a typical one (236 to 792).
var converter = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		// goldmark's own inline parsers (parser.DefaultInlineParsers)
		// and the GFM strikethrough's, with the same priorities, but
		// capped where their work grows with the square of a block's
		// marks (see capped).
		parser.WithInlineParsers(
			util.Prioritized(capped{parser.NewCodeSpanParser(), parser.NewContextKey(), maxCodeSpanMarks}, 100),
			util.Prioritized(parser.NewLinkParser(), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewRawHTMLParser(), 400),
			util.Prioritized(capped{parser.NewEmphasisParser(), delimiters, maxDelimiters}, 500),
			util.Prioritized(capped{extension.NewStrikethroughParser(), delimiters, maxDelimiters}, 500),
		),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)),
	goldmark.WithExtensions(
		extension.Table,
		extension.Linkify,
		extension.NewTypographer(extension.WithTypographicSubstitutions(map[extension.TypographicPunctuation][]byte{
			// Writers type "--" for the dash of a sentence, as
			// SmartyPants reads it; an en dash can be typed as itself.
			extension.EnDash: []byte("&mdash;"),
			// "<<" and ">>" stay as typed: a newsroom quotes with
			// curly quotes, and "a << b" in a text about code should
			// not turn into guillemets.
			extension.LeftAngleQuote:  nil,
			extension.RightAngleQuote: nil,
		})),
	),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
		// Ahead of goldmark's own HTML renderer (priority 1000: lower
		// goes first), so these replace its functions for the same
		// nodes.
		util.Prioritized(htmlRenderer{}, 100),
	)),
)

// delimiters holds, in a parse's context, how many emphasis and
// strikethrough delimiters the block being parsed has: they share one
// list.
var delimiters = parser.NewContextKey()

// capped lets an inline parser succeed at most max times in one block,
// counted under key in the parse's context; beyond, its marks are plain
// text. No real paragraph comes near the limits (see limits.go), and
// they keep goldmark from work that grows with the square of a block's
// marks.
type capped struct {
	parser.InlineParser
	key parser.ContextKey
	max int
}

// Parse implements parser.InlineParser.
func (p capped) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	n := pc.ComputeIfAbsent(p.key, func() any { return new(int) }).(*int)
	if *n >= p.max {
		return nil
	}
	node := p.InlineParser.Parse(parent, block, pc)
	if node != nil {
		*n++
	}
	return node
}

// CloseBlock implements parser.CloseBlocker: the next block starts a
// new count.
func (p capped) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if n, ok := pc.Get(p.key).(*int); ok {
		*n = 0
	}
	if c, ok := p.InlineParser.(parser.CloseBlocker); ok {
		c.CloseBlock(parent, block, pc)
	}
}

// HTML returns src, a post's Markdown, as sanitised HTML ready to be
// placed in a page or a feed. Relative links and images are resolved
// against base, the page's URL; with a nil base they lose their address.
//
// It returns ETOOLARGE for Markdown over MaxSize and EINVALID for
// Markdown of a shape no post has (see limits.go), each with a message
// that says what to change.
func HTML(src string, base *url.URL) (string, error) {
	doc, source, err := parse(src)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.Grow(len(source) + len(source)/4)
	if err := converter.Renderer().Render(&b, source, doc); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	out, err := extract.SanitizeFragment(b.String(), base)
	if err != nil {
		// parse keeps nesting far below what the HTML parser refuses.
		return "", fmt.Errorf("sanitise markdown: %w", err)
	}
	return out, nil
}

// parse checks src's shape, parses it, and rewrites the tree as a post
// needs it: headings from level 2 and players for video links on their
// own lines. HTML and Text both start here, so they agree on what a post
// says.
func parse(src string) (ast.Node, []byte, error) {
	if err := checkShape(src); err != nil {
		return nil, nil, err
	}
	source := []byte(src)
	doc := converter.Parser().Parse(text.NewReader(source))
	if nesting(doc) > maxNesting {
		return nil, nil, newsdesk.Errorf(newsdesk.EINVALID, tooDeep, maxNesting)
	}
	promoteHeadings(doc)
	embedVideos(doc, source)
	return doc, source, nil
}

// nesting returns how deeply the nodes that can hold their own kind
// (quotes, lists, emphasis, links, images) nest in root's tree. Each
// level writes at most two HTML elements (<ul><li>), and the others
// (paragraphs, tables) add a few, so the HTML stays far below the 512
// levels the HTML parser accepts. It walks without recursion, as the
// tree it checks may be deep.
func nesting(root ast.Node) int {
	deepest, d := 0, 0
	n := root
	for {
		if c := n.FirstChild(); c != nil {
			n = c
			d += nests(n)
			deepest = max(deepest, d)
			continue
		}
		for n != root && n.NextSibling() == nil {
			d -= nests(n)
			n = n.Parent()
		}
		if n == root {
			return deepest
		}
		d -= nests(n)
		n = n.NextSibling()
		d += nests(n)
		deepest = max(deepest, d)
	}
}

// nests is 1 for a node that can hold its own kind, else 0.
func nests(n ast.Node) int {
	switch n.Kind() {
	case ast.KindBlockquote, ast.KindList, ast.KindEmphasis, ast.KindLink, ast.KindImage, east.KindStrikethrough:
		return 1
	}
	return 0
}

// promoteHeadings renumbers the headings from level 2, keeping their
// order: the highest level used becomes 2, the next one 3, and so on to
// 6. The sanitiser's renaming of <h1> to <h2> alone would make "#" and
// "##" the same level.
func promoteHeadings(doc ast.Node) {
	var headings []*ast.Heading
	var used [7]bool
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			headings = append(headings, h)
			used[h.Level] = true
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	var level [7]int
	next := 2
	for l := 1; l <= 6; l++ {
		if used[l] {
			level[l] = min(next, 6)
			next++
		}
	}
	for _, h := range headings {
		h.Level = level[h.Level]
	}
}
