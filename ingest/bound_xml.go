package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// scanXML is the pass over an XML feed that applies lim before the parser
// reads it. It finds the markup as encoding/xml does (as gofeed runs it:
// not strict), but keeps nothing of it but a stack of the open elements'
// names, each a slice of b, so that it costs little more than reading b.
//
// Under the root element (and an RSS channel), each child is a piece: an
// item, or the channel's title, image and so on. A piece larger than
// lim.itemBytes is left out whole. Reading stops before the item past
// lim.items, or before the piece that would take the count of elements
// and attributes past lim.nodes, and the open elements are closed there.
// A feed nested deeper than lim.depth, or with an element of more than
// lim.attrs attributes, is refused.
//
// b must be as encoding/xml will read it: with no C0 control bytes, in
// UTF-8 or in an encoding that is a superset of ASCII byte for byte (see
// decodeXML). Where the pass finds b malformed it stops, keeping a little
// more so that the parser's error says what is wrong.
func scanXML(b []byte, lim limits) (*bounded, error) {
	s := &xmlScan{b: b, lim: lim, sp: splice{body: b}, piece: -1}
	err := s.run()
	if err != nil {
		return nil, err
	}
	return &s.out, nil
}

type xmlScan struct {
	b   []byte
	lim limits
	sp  splice
	out bounded

	stack []xmlOpen
	nodes int // elements and attributes kept
	// piece is the index in stack of the piece being read, or -1.
	piece      int
	pieceStart int // offset of the piece's '<'
	pieceNodes int
}

type xmlOpen struct {
	name      []byte // as written, prefix and all
	container bool   // the root, or an RSS channel
	item      bool
}

func (s *xmlScan) run() error {
	b := s.b
	pos := 0
	for pos < len(b) {
		lt := bytes.IndexByte(b[pos:], '<')
		if lt < 0 {
			s.junk(pos, len(b))
			break
		}
		if lt > 0 {
			s.junk(pos, pos+lt)
		}
		pos += lt
		end, done, err := s.markup(pos)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if end < 0 {
			// Malformed: the parser fails here too. Keep a little more
			// than the pass read, for the parser's error to say why.
			s.end(min(len(b), pos+malformedContext))
			return nil
		}
		pos = end
	}
	// The feed ended with elements open: the parser says so.
	s.end(len(b))
	return nil
}

// end keeps what lies before i, and no more: the parser fails at i. A
// piece open there, if too large to keep, is still left out.
func (s *xmlScan) end(i int) {
	if s.piece >= 0 && i-s.pieceStart > s.lim.itemBytes {
		i = s.pieceStart
	}
	s.out.parts = s.sp.end(i)
}

// junk is text, or markup that is not an element, from i to j. Outside
// pieces it means nothing to the parser: a long run is left out.
func (s *xmlScan) junk(i, j int) {
	if s.piece < 0 && j-i > s.lim.junkBytes {
		s.sp.drop(i, j)
	}
}

// markup reads the markup at b[p] == '<' and returns where it ends, -1
// if it is malformed, or done when the pass has decided the rest.
func (s *xmlScan) markup(p int) (end int, done bool, err error) {
	b := s.b
	rest := b[p:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		// As encoding/xml: the comment ends at the first "--", which
		// must be followed by '>'.
		i := bytes.Index(rest[4:], []byte("--"))
		if i < 0 || p+4+i+2 >= len(b) || b[p+4+i+2] != '>' {
			return -1, false, nil
		}
		end = p + 4 + i + 3
		s.junk(p, end)
		return end, false, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		i := bytes.Index(rest[9:], []byte("]]>"))
		if i < 0 {
			return -1, false, nil
		}
		end = p + 9 + i + 3
		s.junk(p, end)
		return end, false, nil
	case bytes.HasPrefix(rest, []byte("<![")):
		return -1, false, nil
	case bytes.HasPrefix(rest, []byte("<!-")):
		return -1, false, nil
	case bytes.HasPrefix(rest, []byte("<!")):
		end = s.directive(p)
		if end >= 0 {
			s.junk(p, end)
		}
		return end, false, nil
	case bytes.HasPrefix(rest, []byte("<?")):
		return s.procInst(p), false, nil
	case bytes.HasPrefix(rest, []byte("</")):
		return s.endTag(p)
	}
	return s.startTag(p)
}

// directive reads a <!DOCTYPE ...> or the like, as encoding/xml does:
// angle brackets nest outside quotes, and comments inside are skipped.
func (s *xmlScan) directive(p int) int {
	b := s.b
	// encoding/xml takes the byte after "<!" as it is, whatever it is.
	i := p + 3
	if i > len(b) {
		return -1
	}
	var quote byte
	depth := 0
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>' && depth == 0:
			return i + 1
		case c == '\'' || c == '"':
			quote = c
		case c == '>':
			depth--
		case c == '<':
			if bytes.HasPrefix(b[i:], []byte("<!--")) {
				j := bytes.Index(b[i+4:], []byte("-->"))
				if j < 0 {
					return -1
				}
				i += 4 + j + 2
				continue
			}
			depth++
		}
	}
	return -1
}

// procInst reads a processing instruction. An XML declaration anywhere
// but at the start is left out: encoding/xml would switch to the
// encoding it names, and the pass would no longer see what the parser
// sees.
func (s *xmlScan) procInst(p int) int {
	b := s.b
	ne := xmlName(b, p+2)
	if ne == p+2 {
		return -1
	}
	i := bytes.Index(b[skipSpace(b, ne):], []byte("?>"))
	if i < 0 {
		return -1
	}
	end := skipSpace(b, ne) + i + 2
	switch atStart := p == 0 || p == len(utf8BOM) && bytes.HasPrefix(b, utf8BOM); {
	case string(b[p+2:ne]) != "xml":
		s.junk(p, end)
	case !atStart:
		s.sp.drop(p, end)
	}
	return end
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// startTag reads an element's start tag.
func (s *xmlScan) startTag(p int) (int, bool, error) {
	b := s.b
	ne := xmlName(b, p+1)
	if ne == p+1 {
		return -1, false, nil
	}
	name := b[p+1 : ne]
	attrs := 0
	empty := false
	i := ne
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return -1, false, nil
		}
		if b[i] == '/' {
			if i+1 >= len(b) || b[i+1] != '>' {
				return -1, false, nil
			}
			empty = true
			i += 2
			break
		}
		if b[i] == '>' {
			i++
			break
		}
		ae := xmlName(b, i)
		if ae == i {
			return -1, false, nil
		}
		if attrs++; attrs > s.lim.attrs {
			return 0, false, tooManyAttrs(s.lim)
		}
		i = skipSpace(b, ae)
		if i >= len(b) {
			return -1, false, nil
		}
		if b[i] != '=' {
			continue // not strict: the value is the name
		}
		if i = attrValue(b, skipSpace(b, i+1)); i < 0 {
			return -1, false, nil
		}
	}
	end := i

	depth := len(s.stack) + 1
	if depth > s.lim.depth {
		return 0, false, tooDeep("elements", s.lim)
	}
	open := xmlOpen{name: name}
	if depth == 1 {
		switch strings.ToLower(string(localName(name))) {
		case "rss", "rdf", "feed":
			s.out.root = strings.ToLower(string(localName(name)))
		default:
			return 0, false, errNoFeedRoot
		}
		open.container = true
	} else if s.piece < 0 {
		if depth == 2 && bytes.EqualFold(localName(name), []byte("channel")) {
			open.container = true
		} else {
			// A piece begins.
			open.item = bytes.EqualFold(localName(name), []byte("item")) || bytes.EqualFold(localName(name), []byte("entry"))
			if open.item && s.out.items >= s.lim.items {
				s.out.more = true
				return 0, true, s.cut(p)
			}
			s.piece, s.pieceStart, s.pieceNodes = len(s.stack), p, 0
		}
	}
	if s.piece >= 0 {
		s.pieceNodes += 1 + attrs
		if s.nodes+s.pieceNodes > s.lim.nodes {
			s.out.full = true
			return 0, true, s.cut(s.pieceStart)
		}
	} else {
		s.nodes += 1 + attrs
	}
	s.stack = append(s.stack, open)
	if empty {
		return s.closed(end, end)
	}
	return end, false, nil
}

// cut ends what is kept at i, before a piece, closing the containers.
func (s *xmlScan) cut(i int) error {
	var closers []byte
	for k := len(s.stack) - 1; k >= 0; k-- {
		if s.stack[k].container {
			closers = append(closers, "</"...)
			closers = append(closers, s.stack[k].name...)
			closers = append(closers, '>')
		}
	}
	s.out.parts = s.sp.end(i)
	s.out.parts = append(s.out.parts, closers)
	return nil
}

// endTag reads an element's end tag. Not strict, encoding/xml closes the
// open elements up to the one of the same local name.
func (s *xmlScan) endTag(p int) (int, bool, error) {
	b := s.b
	ne := xmlName(b, p+2)
	if ne == p+2 {
		return -1, false, nil
	}
	name := b[p+2 : ne]
	i := skipSpace(b, ne)
	if i >= len(b) || b[i] != '>' {
		return -1, false, nil
	}
	end := i + 1
	for {
		if len(s.stack) == 0 {
			return -1, false, nil
		}
		top := s.stack[len(s.stack)-1]
		if !bytes.Equal(localName(top.name), localName(name)) {
			// The end tag goes on to close what is outside: were this
			// element left out, its end tag must stay.
			if _, done, err := s.closed(p, end); done || err != nil {
				return end, done, err
			}
			continue
		}
		if !bytes.Equal(prefix(top.name), prefix(name)) {
			return -1, false, nil
		}
		return s.closed(end, end)
	}
}

// closed pops the innermost open element, which ends at end. Were it left
// out, what is left out ends at until.
func (s *xmlScan) closed(until, end int) (int, bool, error) {
	k := len(s.stack) - 1
	top := s.stack[k]
	s.stack = s.stack[:k]
	switch {
	case k == 0:
		// The root is closed: the parser reads no further.
		s.out.parts = s.sp.end(end)
		return end, true, nil
	case k == s.piece:
		s.piece = -1
		if end-s.pieceStart > s.lim.itemBytes {
			s.sp.drop(s.pieceStart, until)
			if top.item {
				s.out.dropped++
			}
			break
		}
		s.nodes += s.pieceNodes
		if top.item {
			s.out.items++
		}
	}
	return end, false, nil
}

// xmlName returns where the name at b[i] ends: i if there is none. As
// encoding/xml, it takes every byte of a multi-byte character, leaving
// the parser to refuse those that may not be in a name.
func xmlName(b []byte, i int) int {
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf && !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-') {
			break
		}
		i++
	}
	return i
}

// attrValue returns where the attribute value at b[i] ends, or -1.
func attrValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	if q := b[i]; q == '"' || q == '\'' {
		j := bytes.IndexByte(b[i+1:], q)
		if j < 0 {
			return -1
		}
		return i + 1 + j + 1
	}
	// Not strict, encoding/xml takes an unquoted value as HTML does.
	for i < len(b) {
		c := b[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '-') {
			break
		}
		i++
	}
	return i
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// localName and prefix split a qualified name as encoding/xml does: at
// its one colon, when both sides are not empty.
func localName(name []byte) []byte {
	if p, l, ok := bytes.Cut(name, []byte(":")); ok && len(p) > 0 && len(l) > 0 && bytes.IndexByte(l, ':') < 0 {
		return l
	}
	return name
}

func prefix(name []byte) []byte {
	if p, l, ok := bytes.Cut(name, []byte(":")); ok && len(p) > 0 && len(l) > 0 && bytes.IndexByte(l, ':') < 0 {
		return p
	}
	return nil
}
