package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textWriter renders nodes as plain text the way a reader sees them:
// white space collapsed, a blank line between blocks, a line break for
// <br> and between list items and table rows.
type textWriter struct {
	b     strings.Builder
	brk   int // pending break: 0 none, 1 line, 2 paragraph
	space bool
}

func (t *textWriter) write(s string) {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if spaceByte[c] != 0 {
				t.space = true
				i++
				continue
			}
			// A run of ASCII that is not white space is written whole.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && spaceByte[s[j]] == 0 {
				j++
			}
			t.separate()
			t.b.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\u00a0', '\u200b':
			t.space = true
			continue
		case utf8.RuneError:
			if size == 1 {
				r = '\uFFFD'
			}
		}
		t.separate()
		t.b.WriteRune(r)
	}
}

// separate writes the break or space due before more text.
func (t *textWriter) separate() {
	if t.b.Len() > 0 {
		switch {
		case t.brk == 2:
			t.b.WriteString("\n\n")
		case t.brk == 1:
			t.b.WriteByte('\n')
		case t.space:
			t.b.WriteByte(' ')
		}
	}
	t.brk, t.space = 0, false
}

func (t *textWriter) breakLine(k int) {
	if k > t.brk {
		t.brk = k
	}
	t.space = false
}

func (t *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		t.write(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	k := 0
	switch n.DataAtom {
	case atom.Br:
		t.breakLine(1)
		return
	case atom.Li, atom.Tr, atom.Dt, atom.Dd:
		k = 1
	case atom.Td, atom.Th:
		t.space = true
	default:
		if blockTags.has(n.DataAtom) {
			k = 2
		}
	}
	if k > 0 {
		t.breakLine(k)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.node(c)
	}
	if k > 0 {
		t.breakLine(k)
	} else if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
		t.space = true
	}
}

// plainText renders nodes as text.
func plainText(nodes []*html.Node) string {
	var t textWriter
	for _, n := range nodes {
		t.breakLine(2)
		t.node(n)
	}
	// Soft hyphens (&shy;) mark where a word may break; they are no
	// part of it ("Mit&shy;tel&shy;al&shy;ter" is "Mittelalter").
	if s := t.b.String(); strings.Contains(s, "\u00ad") {
		return strings.ReplaceAll(s, "\u00ad", "")
	}
	return t.b.String()
}
