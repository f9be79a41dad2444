package markdown

import (
	"strings"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// embed is a video player in place of a YouTube or Vimeo link that stood
// on a line of its own.
type embed struct {
	ast.BaseBlock
	player string // the privacy-friendly player's URL (extract.EmbedURL)
	url    string // the address as the editor wrote it, for the post's text
}

var kindEmbed = ast.NewNodeKind("Embed")

// Kind implements ast.Node.
func (n *embed) Kind() ast.NodeKind { return kindEmbed }

// Dump implements ast.Node.
func (n *embed) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Player": n.player, "URL": n.url}, nil)
}

// embedVideos gives a player to each YouTube or Vimeo link that stands
// alone on a line of a paragraph, splitting the paragraph around it, and
// to each pasted player <iframe>. A link in running text, in a list, a
// table or a heading stays a link: there the writer is citing, not
// showing.
func embedVideos(doc ast.Node, source []byte) {
	var paragraphs []*ast.Paragraph
	var blocks []*ast.HTMLBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			paragraphs = append(paragraphs, n)
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			blocks = append(blocks, n)
		}
		return ast.WalkContinue, nil
	})
	for _, p := range paragraphs {
		splitAtVideos(p, source)
	}
	for _, b := range blocks {
		if player := pastedPlayer(b, source); player != "" {
			// The text gives the player's address: the pasted one
			// carries the site's tracking parameters.
			b.Parent().ReplaceChild(b.Parent(), b, &embed{player: player, url: player})
		}
	}
}

// splitAtVideos replaces each line of p that holds only a video link by
// a player, keeping the lines around it as paragraphs.
func splitAtVideos(p *ast.Paragraph, source []byte) {
	var lines [][]ast.Node
	var line []ast.Node
	found := false
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		line = append(line, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			lines = append(lines, line)
			found = found || videoLine(line, source) != nil
			line = nil
		}
	}
	if len(line) > 0 {
		lines = append(lines, line)
		found = found || videoLine(line, source) != nil
	}
	if !found {
		return
	}
	parent := p.Parent()
	var para *ast.Paragraph
	flush := func() {
		if para == nil {
			return
		}
		if t, ok := para.LastChild().(*ast.Text); ok {
			t.SetSoftLineBreak(false)
			t.SetHardLineBreak(false)
		}
		parent.InsertBefore(parent, p, para)
		para = nil
	}
	for _, l := range lines {
		if e := videoLine(l, source); e != nil {
			flush()
			parent.InsertBefore(parent, p, e)
			continue
		}
		if para == nil {
			para = ast.NewParagraph()
		}
		for _, n := range l {
			para.AppendChild(para, n)
		}
	}
	flush()
	parent.RemoveChild(parent, p)
}

// videoLine returns a player for a line that holds nothing but a bare
// YouTube or Vimeo link, or nil.
func videoLine(line []ast.Node, source []byte) *embed {
	var link ast.Node
	for _, n := range line {
		if t, ok := n.(*ast.Text); ok && util.IsBlank(t.Value(source)) {
			continue
		}
		if link != nil {
			return nil
		}
		link = n
	}
	var href, written string
	switch l := link.(type) {
	case *ast.AutoLink:
		if l.AutoLinkType != ast.AutoLinkURL {
			return nil
		}
		href, written = string(l.URL(source)), string(l.Label(source))
	case *ast.Link:
		// [https://youtu.be/x](https://youtu.be/x), as rich-text
		// editors write a pasted address, is as bare as the address.
		t, ok := l.FirstChild().(*ast.Text)
		if !ok || l.ChildCount() != 1 || !sameAddress(string(t.Value(source)), string(l.Destination)) {
			return nil
		}
		href, written = string(l.Destination), string(l.Destination)
	default:
		return nil
	}
	player := extract.EmbedURL(href)
	if player == "" {
		return nil
	}
	return &embed{player: player, url: written}
}

// sameAddress reports whether a link's text is its own address, give or
// take the scheme.
func sameAddress(text, href string) bool {
	strip := func(s string) string {
		s = strings.TrimSpace(s)
		for _, p := range []string{"https://", "http://"} {
			if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
				return s[len(p):]
			}
		}
		return s
	}
	return strip(text) == strip(href)
}

// pastedPlayer returns the player for an HTML block that is one YouTube
// or Vimeo <iframe>, perhaps in a <div> and with a <script>, as those
// sites' "Embed" buttons give it; "" for a block with any text or any
// other element. Only the video's address is taken
// from the pasted HTML: the rest (tracking parameters, sizes, scripts)
// is dropped, and the sanitiser writes the player's attributes.
func pastedPlayer(b *ast.HTMLBlock, source []byte) string {
	var src string
	z := html.NewTokenizer(strings.NewReader(blockText(b, source)))
	frames := 0
	inScript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if frames != 1 {
				return ""
			}
			return extract.EmbedURL(src)
		case html.CommentToken:
		case html.TextToken:
			if !inScript && strings.TrimSpace(string(z.Text())) != "" {
				return ""
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, more := z.TagName()
			switch string(name) {
			case "iframe":
				if tt != html.StartTagToken {
					continue
				}
				frames++
				for more {
					var k, v []byte
					k, v, more = z.TagAttr()
					if string(k) == "src" {
						src = string(v)
					}
				}
			case "script":
				inScript = tt == html.StartTagToken
			case "div", "p", "span":
			default:
				return ""
			}
		default:
			return ""
		}
	}
}

// blockText returns the source of an HTML block, closing line included.
func blockText(b *ast.HTMLBlock, source []byte) string {
	var s strings.Builder
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		s.Write(seg.Value(source))
	}
	if b.HasClosure() {
		s.Write(b.ClosureLine.Value(source))
	}
	return s.String()
}

// rawHTMLText returns inline raw HTML's source.
func rawHTMLText(n *ast.RawHTML, source []byte) string {
	var s strings.Builder
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		s.Write(seg.Value(source))
	}
	return s.String()
}

// withoutComments returns s without its HTML comments; an unclosed one
// runs to the end.
func withoutComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	var b strings.Builder
	for {
		before, after, ok := strings.Cut(s, "<!--")
		b.WriteString(before)
		if !ok {
			return b.String()
		}
		_, rest, ok := strings.Cut(after, "-->")
		if !ok {
			return b.String()
		}
		s = rest
	}
}

// htmlRenderer writes what goldmark's own HTML renderer must not: the
// players, and raw HTML as text.
type htmlRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindEmbed, renderEmbed)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

// renderEmbed writes the player's frame; the sanitiser adds its size,
// sandbox and referrer policy, so they are written in one place.
func renderEmbed(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<iframe src="`)
		_, _ = w.WriteString(html.EscapeString(n.(*embed).player))
		_, _ = w.WriteString("\"></iframe>\n")
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock writes a block of raw HTML as a paragraph of its text,
// comments left out.
func renderHTMLBlock(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	s := strings.TrimSpace(withoutComments(blockText(n.(*ast.HTMLBlock), source)))
	if s != "" {
		_, _ = w.WriteString("<p>")
		_, _ = w.WriteString(html.EscapeString(s))
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkSkipChildren, nil
}

// renderRawHTML writes inline raw HTML as its text, comments left out.
func renderRawHTML(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(html.EscapeString(withoutComments(rawHTMLText(n.(*ast.RawHTML), source))))
	}
	return ast.WalkSkipChildren, nil
}
