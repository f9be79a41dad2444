// Package extract finds the article in a web page: its main text (as
// plain text and as sanitised HTML), title, byline, publication date,
// site name, language and lead image.
//
// It is pure: bytes and a URL in, a Result out. It imports neither the
// store nor anything that serves HTTP, so the ingest workers, the CLI and
// the benchmark all call the same function.
//
// The work per page is bounded whatever the page: at most MaxBytes of
// input are read (so the parse tree has at most a few million nodes),
// elements nested deeper than maxDepth are flattened into their
// ancestor at that depth, and every pass over the tree is linear.
package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxBytes is the most of a page Extract reads; the rest is ignored.
// Articles sit well inside it: the largest page of the evaluation set is
// about 3 MB, most of it scripts.
const MaxBytes = 6 << 20

// maxDepth is the deepest element Extract keeps; deeper ones are
// flattened. Real pages rarely nest beyond 60.
const maxDepth = 200

// Result is what Extract finds in a page: the article and its metadata. (It
// is not called Article, which newsdesk.Article is: an item's article as
// stored.)
type Result struct {
	Title     string
	Byline    string
	SiteName  string
	Language  string
	Image     string    // absolute URL of the lead image, "" if none
	Published time.Time // zero if unknown
	Text      string    // plain text of the body (the title is in Title), paragraphs separated by blank lines
	HTML      string    // sanitised HTML of the main content
}

// Extract finds the article in body, an HTML page served with
// contentType (which may be "") from pageURL (which may be nil; links
// and images are then kept only when absolute). It fails only when the
// page cannot be parsed at all; a page with no article gives a Result
// with empty Text.
func Extract(body []byte, contentType string, pageURL *url.URL) (*Result, error) {
	return extract(body, contentType, pageURL, nil)
}

// extract is Extract, recording how it went in ex when ex is not nil
// (ExtractExplain). Every record is behind a nil check, so that
// Extract pays nothing for it.
func extract(body []byte, contentType string, pageURL *url.URL, ex *Explanation) (*Result, error) {
	if len(body) > MaxBytes {
		body = body[:MaxBytes]
	}
	body = decode(body, contentType)
	doc, err := parse(body)
	if err != nil {
		// The parser refuses pages nested deeper than it allows; read
		// them again with the deepest tags dropped and their text kept.
		doc, err = html.Parse(bytes.NewReader(shallow(body, maxDepth)))
		if err != nil {
			return nil, fmt.Errorf("parse html: %w", err)
		}
	}
	flatten(doc, 0)

	root := findBody(doc)
	m := pageMeta{meta: make(map[string]string, 32), body: root}
	m.walk(doc, pageURL)
	a := &Result{}
	m.fill(a, pageURL)
	if ex != nil {
		ex.Declared = m.declared()
	}

	var ed edits
	cl := cleaner{cls: newClassifier(), bodyText: m.bodyText, ed: &ed, byline: a.Byline}
	if ex != nil {
		cl.ex = ex.start("first: remove boilerplate by tag, class and id, then score")
		ex.Why = "the only reading"
	}
	nodes, text := cl.content(root)
	if len(text) < fallbackBelow {
		// Little text: perhaps the class names that mark boilerplate
		// also marked the article ("widget", "share" in a page
		// builder's wrappers). Read the page again removing only what
		// is certainly not the article, and keep that reading when it
		// finds much more.
		// The first reading's removals are kept to be made again
		// should it win, which is cheaper than reading the page a
		// third time and gives the same tree.
		first := slices.Clone(ed.log)
		ed.undo()
		cl.gentle = true
		if ex != nil {
			cl.ex = ex.start(fmt.Sprintf("gentle, as the first found only %d bytes of text (under %d): remove only what is certainly not the article", len(text), fallbackBelow))
		}
		nodes2, text2 := cl.content(root)
		if len(text2) > 2*len(text) {
			if ex != nil {
				ex.Kept, ex.Why = 1, fmt.Sprintf("it found %d bytes, more than twice the first reading's %d", len(text2), len(text))
			}
			nodes, text = nodes2, text2
		} else {
			ed.undo()
			ed.ex = nil
			ed.redo(first)
			if ex != nil {
				ex.Kept, ex.Why = 0, fmt.Sprintf("the gentle reading found %d bytes, not twice the first reading's %d", len(text2), len(text))
			}
		}
	}
	if strings.TrimSpace(text) == "" {
		// No block holds a paragraph, or what did was all links: the
		// page is a short note, a list, or text laid out without
		// paragraphs. Its visible text, furniture removed, is a better
		// answer than nothing.
		ed.undo()
		cl.gentle = true
		if ex != nil {
			cl.ex = ex.start("whole page, as no reading found any text: remove only what is certainly not the article, keep the rest")
		}
		cl.ed.ex, cl.ed.stage = cl.ex, ""
		cl.clean(root)
		nodes, text = []*html.Node{root}, plainText([]*html.Node{root})
		if ex != nil {
			cl.ex.Text = len(text)
			ex.Kept, ex.Why = len(ex.Readings)-1, "no other reading found any text"
		}
	}
	a.Text = text
	a.HTML = sanitizedHTML(nodes, pageURL)
	if !utf8.ValidString(a.Text) {
		a.Text = strings.ToValidUTF8(a.Text, "\uFFFD")
	}
	return a, nil
}

// fallbackBelow is the length of text under which Extract reads the
// page a second, gentler way.
const fallbackBelow = 2000

// content cleans root, chooses the article's nodes and returns them with
// their text.
func (cl *cleaner) content(root *html.Node) ([]*html.Node, string) {
	cl.ed.ex, cl.ed.stage = cl.ex, ""
	cl.clean(root)
	s := scorer{cls: cl.cls}
	nodes := s.selectContent(root)
	if cl.ex != nil {
		cl.ex.candidates(&s, nodes)
	}
	for _, n := range nodes {
		cl.ed.stage = stageTeasers
		cl.ed.dropTeasers(n)
		cl.ed.stage = stagePrune
		cl.ed.prune(n)
		cl.ed.stage = stageHeadings
		cl.ed.trimTrailingHeadings(n)
	}
	cl.ed.stage = stageLabels
	cl.ed.dropLabels(nodes)
	cl.ed.stage = stageHeadings
	cl.ed.dropOrphanHeadings(nodes)
	cl.ed.stage = stageTail
	cl.ed.trimTail(nodes, cl.byline)
	cl.ed.stage = stageHead
	cl.ed.trimHead(nodes)
	cl.ed.stage = ""
	text := plainText(nodes)
	if cl.ex != nil {
		cl.ex.Text = len(text)
	}
	return nodes, text
}

func findBody(doc *html.Node) *html.Node {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.DataAtom == atom.Html {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.DataAtom == atom.Body || c.DataAtom == atom.Frameset) {
					return c
				}
			}
			return n
		}
	}
	return doc
}

// flatten moves the children of elements at maxDepth up and drops the
// elements below them, keeping their text, so that no later pass
// recurses deeper than maxDepth.
func flatten(n *html.Node, depth int) {
	if depth < maxDepth {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			flatten(c, depth+1)
		}
		return
	}
	var b strings.Builder
	// Iterative, so that a pathologically deep subtree costs no stack.
	stack := []*html.Node{}
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		stack = append(stack, c)
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
			continue
		}
		if c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style) {
			continue
		}
		for d := c.LastChild; d != nil; d = d.PrevSibling {
			stack = append(stack, d)
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		c = next
	}
	if b.Len() > 0 {
		n.AppendChild(&html.Node{Type: html.TextNode, Data: b.String()})
	}
}

// jsonArticle is the JSON form of a Result, for the CLI.
type jsonArticle struct {
	Title     string `json:"title"`
	Byline    string `json:"byline"`
	Published string `json:"published"`
	SiteName  string `json:"site_name"`
	Language  string `json:"language"`
	Image     string `json:"image"`
	Text      string `json:"text"`
	HTML      string `json:"html"`
}

// WriteJSON writes a as one JSON object on one line, with the keys
// title, byline, published (RFC 3339, "" when unknown), site_name,
// language, image, text and html.
func WriteJSON(w io.Writer, a *Result) error {
	j := jsonArticle{Title: a.Title, Byline: a.Byline, SiteName: a.SiteName, Language: a.Language,
		Image: a.Image, Text: a.Text, HTML: a.HTML}
	if !a.Published.IsZero() {
		j.Published = a.Published.Format(time.RFC3339)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

// shallow rewrites a page, dropping the tags that open deeper than
// depth (counted naively, as start tags less end tags) and keeping all
// text, so that the parser accepts it.
func shallow(body []byte, depth int) []byte {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body) / 2)
	d := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			if d < depth {
				out.Write(z.Raw())
			}
			name, _ := z.TagName()
			if !voidTags[atom.Lookup(name)] {
				d++
			}
		case html.EndTagToken:
			if d > 0 {
				d--
			}
			if d < depth {
				out.Write(z.Raw())
			}
		case html.CommentToken, html.DoctypeToken:
		default:
			out.Write(z.Raw())
		}
	}
}
