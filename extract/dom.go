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
	// ex and stage, when ex is set, record each removal with the
	// stage that made it (ExtractExplain).
	ex    *Reading
	stage string
}

type removal struct{ n, parent, next *html.Node }

// remove detaches n from its parent, remembering where it was.
func (e *edits) remove(n *html.Node) {
	if n.Parent == nil {
		return
	}
	if e.ex != nil && e.stage != "" {
		e.ex.removed(&e.ex.Edits, n, e.stage)
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
var blockTags = newAtomSet(
	atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Center, atom.Dd,
	atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Fieldset,
	atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4,
	atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Li, atom.Main,
	atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section, atom.Summary, atom.Table,
	atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul, atom.Caption,
	atom.Iframe, atom.Legend,
)

func isBlock(n *html.Node) bool {
	return n.Type == html.ElementNode && blockTags.has(n.DataAtom)
}

// atomSet is a set of elements by their atom. It is an open-addressed
// table looked up with one multiplication, cheaper than a map's hashing
// for the sets asked about every element of a page.
type atomSet struct{ slots [256]atom.Atom }

func newAtomSet(atoms ...atom.Atom) *atomSet {
	var s atomSet
	if len(atoms) > len(s.slots)/2 {
		panic("extract: atom set too large")
	}
	for _, a := range atoms {
		if !s.has(a) {
			i := atomSlot(a)
			for s.slots[i] != 0 {
				i = (i + 1) % uint32(len(s.slots))
			}
			s.slots[i] = a
		}
	}
	return &s
}

// has reports whether a is in the set; never the zero atom.
func (s *atomSet) has(a atom.Atom) bool {
	for i := atomSlot(a); ; i = (i + 1) % uint32(len(s.slots)) {
		switch s.slots[i] {
		case 0:
			return false
		case a:
			return true
		}
	}
}

func atomSlot(a atom.Atom) uint32 { return uint32(a) * 0x9E3779B1 >> 24 }
