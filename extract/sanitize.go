package extract

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML of an article is written by an allow-list serializer over the
// tree the extractor already holds: only the elements and attributes
// below are written, every attribute is escaped, and every URL is
// resolved against the page and kept only when it is http(s) (or mailto
// for links). Elements that are not allowed are dropped with their
// content when they can hold code (codeTags, SVG and MathML; the cleaner
// removes them from an article before) and otherwise replaced by their
// content. Serializing the parsed tree once is cheaper than rendering it
// and having bluemonday parse it again (see BenchmarkSanitizers), and
// the result is safe by construction rather than by filtering.

// allowed maps each allowed element to its allowed attributes.
var allowed = map[atom.Atom][]string{
	atom.P: nil, atom.Br: nil, atom.Hr: nil, atom.Div: nil,
	atom.H2: nil, atom.H3: nil, atom.H4: nil, atom.H5: nil, atom.H6: nil,
	atom.Ul: nil, atom.Ol: {"start"}, atom.Li: nil, atom.Dl: nil, atom.Dt: nil, atom.Dd: nil,
	atom.Blockquote: nil, atom.Pre: nil, atom.Code: nil, atom.Em: nil, atom.Strong: nil,
	atom.B: nil, atom.I: nil, atom.U: nil, atom.S: nil, atom.Sub: nil, atom.Sup: nil,
	atom.Small: nil, atom.Mark: nil, atom.Q: nil, atom.Cite: nil, atom.Abbr: {"title"},
	atom.Del: nil, atom.Ins: nil, atom.Kbd: nil, atom.Samp: nil, atom.Var: nil,
	atom.A: {"href", "title"}, atom.Img: {"src", "alt", "title", "width", "height"},
	atom.Figure: nil, atom.Figcaption: nil, atom.Table: nil, atom.Caption: nil,
	atom.Thead: nil, atom.Tbody: nil, atom.Tfoot: nil, atom.Tr: nil,
	atom.Th: {"colspan", "rowspan", "scope"}, atom.Td: {"colspan", "rowspan"},
	atom.Time: {"datetime"},
}

// renamed maps elements written under another name: the page's own
// <h1> is the title, so headings inside the article start at <h2>.
var renamed = map[atom.Atom]atom.Atom{
	atom.H1: atom.H2, atom.Section: atom.Div, atom.Article: atom.Div, atom.Main: atom.Div,
	atom.Center: atom.Div, atom.Tt: atom.Code,
}

// codeTags hold code, or text that is not the page's (a <title>), and are
// dropped with their content. The cleaner has removed them from an
// article already; a fragment comes straight from its author.
var codeTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Object: true, atom.Embed: true, atom.Applet: true, atom.Title: true,
}

// voidTags have no end tag.
var voidTags = map[atom.Atom]bool{atom.Br: true, atom.Hr: true, atom.Img: true}

type htmlWriter struct {
	b    strings.Builder
	base *url.URL

	// authored is set for HTML a person wrote to be shown as written (a
	// post's Markdown, rendered): its links stay links wherever they
	// stand, and only its iframes become players, since its author put
	// them where a player belongs. A scraped page's bare video links and
	// URLs in text become players instead, as the page's own embeds were
	// mostly scripts that the cleaner removed.
	authored bool
}

func (w *htmlWriter) node(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if n.DataAtom == atom.Iframe {
		if e := embedURL(attr(n, "src")); e != "" {
			w.embed(e)
		}
		return
	}
	if n.DataAtom == atom.A && !w.authored {
		if e := bareVideoLink(n); e != "" {
			w.embed(e)
			return
		}
	}
	if codeTags[n.DataAtom] || n.Namespace != "" {
		// Scripts, and SVG and MathML with all they hold (they can hold
		// scripts and styles of their own).
		return
	}
	a := n.DataAtom
	if r, ok := renamed[a]; ok {
		a = r
	}
	attrs, ok := allowed[a]
	if !ok || depth > maxDepth {
		// Not allowed: write the content only.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.node(c, depth+1)
		}
		return
	}
	if a == atom.Img {
		src := imageSrc(n, w.base)
		if src == "" {
			return
		}
		w.b.WriteString(`<img src="`)
		writeEscaped(&w.b, src)
		w.b.WriteByte('"')
		w.attrs(n, attrs, "src")
		w.b.WriteString(">")
		return
	}
	w.b.WriteByte('<')
	w.b.WriteString(a.String())
	w.attrs(n, attrs, "")
	w.b.WriteByte('>')
	if voidTags[a] {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, depth+1)
	}
	w.b.WriteString("</")
	w.b.WriteString(a.String())
	w.b.WriteByte('>')
}

func (w *htmlWriter) attrs(n *html.Node, keys []string, skip string) {
	for _, k := range keys {
		if k == skip {
			continue
		}
		v := attr(n, k)
		if v == "" {
			continue
		}
		switch k {
		case "href":
			v = cleanLink(v, w.base)
			if v == "" {
				continue
			}
		case "start", "colspan", "rowspan", "width", "height":
			if !isDigits(v) {
				continue
			}
		}
		w.b.WriteByte(' ')
		w.b.WriteString(k)
		w.b.WriteString(`="`)
		writeEscaped(&w.b, v)
		w.b.WriteByte('"')
	}
}

// text writes s, followed by a player for each bare YouTube or Vimeo
// URL in it, as editors paste them into text.
func (w *htmlWriter) text(s string) {
	writeEscaped(&w.b, s)
	if w.authored || (!strings.Contains(s, "youtu") && !strings.Contains(s, "vimeo.com")) {
		return
	}
	for _, f := range strings.Fields(s) {
		if e := embedURL(strings.TrimRight(f, ".,;:!?)")); e != "" {
			w.embed(e)
		}
	}
}

func (w *htmlWriter) embed(src string) {
	w.b.WriteString(`<iframe src="`)
	writeEscaped(&w.b, src)
	w.b.WriteString(`" width="560" height="315" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" allowfullscreen></iframe>`)
}

// writeEscaped writes s to b escaped as html.EscapeString escapes it,
// without building the escaped string first.
func writeEscaped(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\r':
			esc = "&#13;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func isDigits(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sanitizedHTML writes nodes as sanitised HTML.
func sanitizedHTML(nodes []*html.Node, base *url.URL) string {
	w := htmlWriter{base: base}
	for _, n := range nodes {
		w.node(n, 0)
	}
	return strings.TrimSpace(w.b.String())
}

// SanitizeFragment returns the HTML fragment s written as the sanitiser
// writes an article: only the allowed elements and attributes, headings
// from <h2>, links and images resolved against base and kept only when
// they are http(s) (or mailto: for links), and YouTube and Vimeo iframes
// as privacy-friendly players; nothing that runs and no other frame.
// Unlike an article's, the fragment's links stay links wherever they
// stand: it is HTML someone wrote (a post's Markdown, rendered), and an
// iframe is how it asks for a player.
//
// It fails only when s nests elements deeper than the HTML parser
// accepts (512).
func SanitizeFragment(s string, base *url.URL) (string, error) {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "", fmt.Errorf("parse html fragment: %w", err)
	}
	w := htmlWriter{base: base, authored: true}
	for _, n := range nodes {
		w.node(n, 0)
	}
	return strings.TrimSpace(w.b.String()), nil
}
