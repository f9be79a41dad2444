package markdown

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// Text returns the plain text of src, a post's Markdown, for excerpts,
// search, feed summaries and page descriptions: the words a reader sees,
// with no markup characters, paragraphs (and headings, list items, code
// blocks, table rows) separated by blank lines. A link keeps its text,
// an image is left out (its description is not part of the text), and a
// video that HTML shows as a player is its address, on its own line, so
// that an excerpt can show it as a link. Quotes and dashes are the
// typographic ones the HTML shows.
//
// Markdown that HTML refuses is returned as written (cut to MaxSize):
// no such post is stored, so this only keeps a caller that skipped HTML
// from getting nothing.
func Text(src string) string {
	doc, source, err := parse(src)
	if err != nil {
		if len(src) > MaxSize {
			src = strings.ToValidUTF8(src[:MaxSize], "")
		}
		return strings.TrimSpace(src)
	}
	var buf bytes.Buffer
	w := textWriter{source: source, w: bufio.NewWriter(&buf)}
	w.block(doc)
	_ = w.w.Flush()
	// The parts were written escaped, as goldmark writes text into
	// HTML, so that entities and backslash escapes resolve as they do
	// in the page; one unescape makes them plain.
	return html.UnescapeString(buf.String())
}

// textWriter writes a tree's text, HTML-escaped, to w.
type textWriter struct {
	source []byte
	w      *bufio.Writer
	paras  int // paragraphs written
	open   bool
}

// start begins a paragraph, after a blank line if one came before.
func (t *textWriter) start() {
	if t.open {
		return
	}
	if t.paras > 0 {
		_, _ = t.w.WriteString("\n\n")
	}
	t.paras++
	t.open = true
}

// raw writes s as it is, escaped.
func (t *textWriter) raw(s []byte) {
	if len(bytes.TrimSpace(s)) == 0 {
		return
	}
	t.start()
	gmhtml.DefaultWriter.RawWrite(t.w, bytes.TrimSpace(s))
}

func (t *textWriter) block(n ast.Node) {
	t.open = false
	defer func() { t.open = false }()
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		t.inlines(n)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		var b bytes.Buffer
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(t.source))
		}
		t.raw(b.Bytes())
	case *ast.HTMLBlock:
		t.raw([]byte(withoutComments(blockText(n, t.source))))
	case *embed:
		t.raw([]byte(n.url))
	case *ast.ThematicBreak:
	case *east.TableHeader, *east.TableRow:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c != n.FirstChild() && t.open {
				_ = t.w.WriteByte('\t')
			}
			t.inlines(c)
		}
	default: // the document, quotes, lists, items, tables
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			t.block(c)
		}
	}
}

// inlines writes the text of n's children.
func (t *textWriter) inlines(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			// Space alone does not start a paragraph: between images
			// that are left out, it would make one of nothing.
			if v := c.Value(t.source); len(v) > 0 && (t.open || !util.IsBlank(v)) {
				t.start()
				gmhtml.DefaultWriter.Write(t.w, v)
			}
			if t.open && c.HardLineBreak() {
				_ = t.w.WriteByte('\n')
			} else if t.open && c.SoftLineBreak() {
				_ = t.w.WriteByte(' ')
			}
		case *ast.String:
			// The typographer's marks, written as entities.
			t.start()
			if c.IsCode() {
				_, _ = t.w.Write(c.Value)
			} else {
				gmhtml.DefaultWriter.Write(t.w, c.Value)
			}
		case *ast.CodeSpan:
			t.start()
			for s := c.FirstChild(); s != nil; s = s.NextSibling() {
				if s, ok := s.(*ast.Text); ok {
					gmhtml.DefaultWriter.RawWrite(t.w, bytes.ReplaceAll(s.Value(t.source), []byte("\n"), []byte(" ")))
				}
			}
		case *ast.AutoLink:
			t.start()
			gmhtml.DefaultWriter.RawWrite(t.w, c.Label(t.source))
		case *ast.RawHTML:
			if s := withoutComments(rawHTMLText(c, t.source)); s != "" {
				t.start()
				gmhtml.DefaultWriter.RawWrite(t.w, []byte(s))
			}
		case *ast.Image:
		default: // emphasis, links, strikethrough
			t.inlines(c)
		}
	}
}
