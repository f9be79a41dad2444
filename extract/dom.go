package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// classAndID returns n's class and id attributes.
func classAndID(n *html.Node) (class, id string) {
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			class = a.Val
		case "id":
			id = a.Val
		}
	}
	return class, id
}

// classID returns n's class and id, lower-cased and joined.
func classID(n *html.Node) string {
	c, id := classAndID(n)
	// Most elements have a class or an id, not both, already in lower
	// case: return it as it is rather than building a new string. The
	// space that would join it to an empty other half is not kept; no
	// reader of the result looks for spaces at its ends.
	switch {
	case c == "" && id == "":
		return ""
	case id == "":
		return strings.ToLower(c)
	case c == "":
		return strings.ToLower(id)
	}
	return strings.ToLower(c + " " + id)
}

// textOf appends the text content of n to b, as a browser's textContent
// would, skipping nothing.
func textOf(b *strings.Builder, n *html.Node) {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		textOf(b, c)
	}
}

// innerText is the whitespace-collapsed text content of n.
func innerText(n *html.Node) string {
	var b strings.Builder
	textOf(&b, n)
	return collapse(b.String())
}

// collapse trims s and turns each run of white space into one space.
func collapse(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if spaceByte[c] != 0 {
				space = true
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && spaceByte[s[j]] == 0 {
				j++
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == '\u00a0' || r == '\u200b' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// collapsed reports whether s is ASCII that collapse would leave as it
// is: no white space but single spaces between words.
func collapsed(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c != ' ' && spaceByte[c] != 0 || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// edits records the nodes removed from a page's tree, so that the tree
// can be put back as it was and read again another way (see Extract's
// fallback) without parsing the page twice.
type edits struct {
	log []removal
}

type removal struct{ n, parent, next *html.Node }

// remove detaches n from its parent, remembering where it was.
func (e *edits) remove(n *html.Node) {
	if n.Parent == nil {
		return
	}
	e.log = append(e.log, removal{n, n.Parent, n.NextSibling})
	n.Parent.RemoveChild(n)
}

// undo puts back every removed node, last removed first, which restores
// the tree exactly.
func (e *edits) undo() {
	for i := len(e.log) - 1; i >= 0; i-- {
		r := e.log[i]
		r.parent.InsertBefore(r.n, r.next)
	}
	e.log = e.log[:0]
}

// redo makes again, in their order, removals that undo put back: as
// each finds the tree as it was when first made, the tree ends as it
// was after them.
func (e *edits) redo(log []removal) {
	for _, r := range log {
		e.remove(r.n)
	}
}

// blockTags are elements that break lines in rendered text.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dialog: true,
	atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true, atom.Li: true,
	atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true,
	atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true,
	atom.Tr: true, atom.Ul: true, atom.Caption: true, atom.Iframe: true, atom.Legend: true,
}

func isBlock(n *html.Node) bool {
	return n.Type == html.ElementNode && blockTags[n.DataAtom]
}
