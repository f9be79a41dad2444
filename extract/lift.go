package extract

import (
	"bytes"
	"strconv"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Inline scripts and style sheets are over a third of a news page's
// bytes, and the parser reads them a byte at a time for nothing but a
// text node. parse lifts the long ones out first: it puts a short marker
// in place of each one's text, parses that, and puts the texts back
// into the tree as the parser would have made them.
//
// The tree is the one html.Parse gives, which parse checks rather than
// assumes: each marker must come out as the whole text of a <script>
// (or <style>) in the HTML namespace. Up to the first marker the page
// parsed is the page itself, so that element's text starts where the
// marker does in the page too; it ends where the tokenizer's rules end
// it, which scriptEnd and rawEnd follow state by state
// (golang.org/x/net/html, token.go: readScript, readRawOrRCDATA;
// lift_test.go holds them to the tokenizer), and from its end tag on the
// two readings are again alike, the parser taking a script's text as it
// comes; and so on to the next marker. When a marker is found anywhere
// else (the scanner below misread the page: it follows the tokenizer's
// data state closely but not the parser's, which in SVG and MathML
// reads scripts and style sheets as markup), parse parses the page as
// it is.

// minLift is the shortest text worth lifting.
const minLift = 256

// liftMark starts the markers; a page that holds it is parsed as it is.
const liftMark = "\x01newsdesk-lifted-"

// lifted is the text of one script or style sheet: where it is in the
// page and which element holds it.
type lifted struct {
	start, end int
	tag        atom.Atom
}

// parse parses body as html.Parse does.
func parse(body []byte) (*html.Node, error) {
	return parseLifting(body, minLift)
}

// parseLifting is parse lifting the texts of min bytes or more.
func parseLifting(body []byte, min int) (*html.Node, error) {
	spans := rawTexts(body, min)
	if len(spans) == 0 || bytes.Contains(body, []byte(liftMark)) {
		return html.Parse(bytes.NewReader(body))
	}
	size := len(body)
	for _, s := range spans {
		size += len(liftMark) + 8 - (s.end - s.start)
	}
	page := make([]byte, 0, size)
	last := 0
	for i, s := range spans {
		page = append(page, body[last:s.start]...)
		page = append(page, liftMark...)
		page = strconv.AppendInt(page, int64(i), 10)
		last = s.end
	}
	page = append(page, body[last:]...)
	doc, err := html.Parse(bytes.NewReader(page))
	if err == nil && putBack(doc, body, spans) {
		return doc, nil
	}
	return html.Parse(bytes.NewReader(body))
}

// putBack puts the lifted texts back in place of their markers and
// reports whether it found each marker, once, as the whole text of an
// element of its kind in the HTML namespace.
func putBack(doc *html.Node, body []byte, spans []lifted) bool {
	found := make([]bool, len(spans))
	n := doc
	for n != nil {
		if n.Type == html.TextNode && len(n.Data) > len(liftMark) && n.Data[:len(liftMark)] == liftMark {
			i, err := strconv.Atoi(n.Data[len(liftMark):])
			p := n.Parent
			if err != nil || i < 0 || i >= len(spans) || found[i] || p == nil || p.Type != html.ElementNode ||
				p.DataAtom != spans[i].tag || p.Namespace != "" || p.FirstChild != n || p.LastChild != n {
				return false
			}
			found[i] = true
			n.Data = rawText(body[spans[i].start:spans[i].end])
		}
		n = nextNode(n)
	}
	for _, f := range found {
		if !f {
			return false
		}
	}
	return true
}

// rawText is the text the tokenizer makes of a script's or style
// sheet's bytes: line ends as "\n", NULs as U+FFFD, no character
// references read.
func rawText(b []byte) string {
	if bytes.IndexByte(b, '\r') < 0 && bytes.IndexByte(b, 0) < 0 {
		return string(b)
	}
	s := bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	s = bytes.ReplaceAll(s, []byte("\r"), []byte("\n"))
	s = bytes.ReplaceAll(s, []byte("\x00"), []byte("\ufffd"))
	return string(s)
}

// rawTags are the elements whose content the tokenizer reads as text up
// to their end tag.
var rawTags = []string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp"}

// rawTexts returns the texts of min bytes or more of the scripts and
// style sheets in b, reading b as html's tokenizer does (Next and what
// it calls), outside SVG and MathML, where the parser has the tokenizer
// read scripts and style sheets as markup.
func rawTexts(b []byte, min int) []lifted {
	var spans []lifted
	foreign := 0 // depth in <svg> and <math>
	i := 0
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 || i+j+1 >= len(b) {
			return spans
		}
		i += j + 1
		switch c := b[i]; {
		case isLetter(c):
			start := i
			end, ok := readTag(b, i+1)
			if !ok {
				return spans
			}
			name := b[start:tagNameEnd(b, start)]
			i = end
			if asciiEqualFold(name, "svg") || asciiEqualFold(name, "math") {
				if b[end-2] != '/' {
					foreign++
				}
				continue
			}
			if foreign > 0 {
				continue
			}
			raw := ""
			for _, t := range rawTags {
				if asciiEqualFold(name, t) {
					raw = t
					break
				}
			}
			switch raw {
			case "":
			case "plaintext":
				return spans
			case "script":
				e := scriptEnd(b, i)
				if e-i >= min && e > i {
					spans = append(spans, lifted{i, e, atom.Script})
				}
				i = e
			default:
				e := rawEnd(b, i, raw)
				if raw == "style" && e-i >= min && e > i {
					spans = append(spans, lifted{i, e, atom.Style})
				}
				i = e
			}
		case c == '/':
			if i+1 >= len(b) {
				return spans
			}
			switch c2 := b[i+1]; {
			case c2 == '>':
				i += 2
			case isLetter(c2):
				start := i + 1
				end, ok := readTag(b, i+2)
				if !ok {
					return spans
				}
				if name := b[start:tagNameEnd(b, start)]; foreign > 0 && (asciiEqualFold(name, "svg") || asciiEqualFold(name, "math")) {
					foreign--
				}
				i = end
			default:
				if i = closeAngle(b, i+1); i < 0 {
					return spans
				}
			}
		case c == '!':
			if i = markupDeclaration(b, i+1); i < 0 {
				return spans
			}
		case c == '?':
			if i = closeAngle(b, i); i < 0 {
				return spans
			}
		}
		// Anything else after '<' is text, read again from c.
	}
}

// attrNameEnd and attrValueEnd are the bytes that end an attribute's
// name and its unquoted value.
var attrNameEnd, attrValueEnd = func() (n, v [256]bool) {
	for _, c := range []byte(" \n\r\t\f") {
		n[c], v[c] = true, true
	}
	n['='], n['/'], n['>'], v['>'] = true, true, true, true
	return n, v
}()

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isTagSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

// asciiEqualFold reports whether b is s (lower case) in any ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if c := b[i]; c != s[i] && c+('a'-'A') != s[i] {
			return false
		}
	}
	return true
}

// tagNameEnd is where the tag name starting at i ends (readTagName).
func tagNameEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		if c := b[i]; isTagSpace(c) || c == '/' || c == '>' {
			return i
		}
	}
	return i
}

// skipSpace is the first position from i that is not white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isTagSpace(b[i]) {
		i++
	}
	return i
}

// readTag reads a tag whose name's first letter is just before i, up to
// and including its '>', and returns the position after it; false when
// the page ends first (readTag and the functions it calls).
func readTag(b []byte, i int) (int, bool) {
	i = tagNameEnd(b, i-1)
	if i < len(b) && isTagSpace(b[i]) {
		i++
	}
	for {
		if i = skipSpace(b, i); i >= len(b) {
			return 0, false
		}
		if b[i] == '>' {
			return i + 1, true
		}
		// An attribute's name; '=' first is part of it.
		for k := i; i < len(b); i++ {
			if c := b[i]; attrNameEnd[c] && (c != '=' || i != k) {
				break
			}
		}
		// Its value.
		if i = skipSpace(b, i); i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '/':
			i++
		case '=':
			if i = skipSpace(b, i+1); i >= len(b) {
				return 0, false
			}
			switch q := b[i]; q {
			case '>':
			case '\'', '"':
				e := bytes.IndexByte(b[i+1:], q)
				if e < 0 {
					return 0, false
				}
				i += e + 2
			default:
				for i++; i < len(b) && !attrValueEnd[b[i]]; i++ {
				}
				if i < len(b) && b[i] != '>' {
					i++
				}
			}
		}
	}
}

// closeAngle returns the position after the next '>' from i, or -1
// (readUntilCloseAngle).
func closeAngle(b []byte, i int) int {
	e := bytes.IndexByte(b[i:], '>')
	if e < 0 {
		return -1
	}
	return i + e + 1
}

// markupDeclaration reads what follows "<!" at i, a comment, a doctype
// or a bogus comment, and returns the position after it, or -1 when the
// page ends in it (readMarkupDeclaration; there is no CDATA outside SVG
// and MathML).
func markupDeclaration(b []byte, i int) int {
	if i+2 > len(b) {
		return -1
	}
	if b[i] == '-' && b[i+1] == '-' {
		return commentEnd(b, i+2)
	}
	if i+7 <= len(b) && asciiEqualFold(b[i:i+7], "doctype") {
		return closeAngle(b, skipSpace(b, i+7))
	}
	return closeAngle(b, i)
}

// commentEnd returns the position after the comment whose text starts
// at i, or -1 (readComment).
func commentEnd(b []byte, i int) int {
	dashes := 0
	beginning := true
	for ; i < len(b); i++ {
		switch b[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return i + 1
			}
		case '!':
			if dashes >= 2 {
				i++
				if i >= len(b) {
					return -1
				}
				if b[i] == '>' {
					return i + 1
				}
				if b[i] == '-' {
					dashes = 1
					beginning = false
					continue
				}
			}
		}
		dashes = 0
		beginning = false
	}
	return -1
}

// rawEndTag reports whether b at i, just after "</", holds the end tag
// of tag followed by white space, '/' or '>' (readRawEndTag).
func rawEndTag(b []byte, i int, tag string) bool {
	if i+len(tag) >= len(b) {
		return false
	}
	for k := 0; k < len(tag); k++ {
		if c := b[i+k]; c != tag[k] && c != tag[k]-('a'-'A') {
			return false
		}
	}
	c := b[i+len(tag)]
	return isTagSpace(c) || c == '/' || c == '>'
}

// rawEnd returns where the raw text of tag starting at i ends: at the
// '<' of its end tag, or at the end of the page (readRawOrRCDATA).
func rawEnd(b []byte, i int, tag string) int {
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return len(b)
		}
		i += j + 1
		if i < len(b) && b[i] == '/' && rawEndTag(b, i+1, tag) {
			return i - 1
		}
	}
}

// scriptEnd returns where a script's text starting at i ends: at the
// '<' of its end tag, or at the end of the page. It follows the
// tokenizer's script states, escaped ("<!--") and double-escaped
// ("<!--<script>"), state by state (readScript).
func scriptEnd(b []byte, i int) int {
	var c byte
	var k int
	next := func() bool {
		if i >= len(b) {
			return false
		}
		c = b[i]
		i++
		return true
	}

scriptData:
	// Only '<' leaves this state: look for it many bytes at a time.
	k = bytes.IndexByte(b[i:], '<')
	if k < 0 {
		return len(b)
	}
	i += k + 1
	goto scriptDataLessThanSign

scriptDataLessThanSign:
	if !next() {
		return len(b)
	}
	switch c {
	case '/':
		if rawEndTag(b, i, "script") {
			return i - 2
		}
		goto scriptData
	case '!':
		goto scriptDataEscapeStart
	}
	i--
	goto scriptData

scriptDataEscapeStart:
	if !next() {
		return len(b)
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	i--
	goto scriptData

scriptDataEscapeStartDash:
	if !next() {
		return len(b)
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	i--
	goto scriptData

scriptDataEscaped:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	if !next() {
		return len(b)
	}
	if c == '/' {
		if rawEndTag(b, i, "script") {
			return i - 2
		}
		goto scriptDataEscaped
	}
	if isLetter(c) {
		i--
		goto scriptDataDoubleEscapeStart
	}
	i--
	goto scriptData

scriptDataDoubleEscapeStart:
	for k := 0; k < len("script"); k++ {
		if !next() {
			return len(b)
		}
		if c != "script"[k] && c != "SCRIPT"[k] {
			i--
			goto scriptDataEscaped
		}
	}
	if !next() {
		return len(b)
	}
	if isTagSpace(c) || c == '/' || c == '>' {
		goto scriptDataDoubleEscaped
	}
	i--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	if !next() {
		return len(b)
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	if !next() {
		return len(b)
	}
	if c == '/' {
		if rawEndTag(b, i, "script") {
			i += len("script") + 1
			goto scriptDataEscaped
		}
		goto scriptDataDoubleEscaped
	}
	i--
	goto scriptDataDoubleEscaped
}
