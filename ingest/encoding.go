package ingest

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// decodeXML returns an XML feed's bytes as the pre-pass is to read them,
// and whether they are to be UTF-8, to be repaired where they are not
// (see bounded.repairUTF8) before the parser reads them.
//
// Feed readers forgive a feed a stray byte in the wrong encoding; the
// parser does not (encoding/xml stops at the first with "invalid UTF-8").
// So a feed in UTF-8, as it declares or by default, has each run of bytes
// that is not UTF-8 replaced by U+FFFD, as the store cleans text, and so
// do the two code points XML forbids that UTF-8 allows, U+FFFE and
// U+FFFF. A feed that declares a single-byte encoding (ISO-8859-1,
// windows-1252 and the like) is left in it, for the parser to decode:
// every byte is a character there, and ASCII stays ASCII, so the pre-pass
// sees the markup the parser will. A feed in any other encoding it
// declares (Shift_JIS, UTF-16 and so on) is decoded to UTF-8 here, its
// declaration rewritten to say so: in those a byte that looks like '<'
// may be half of a character. Either way the C0 control bytes the parser
// drops (all but tab, CR and LF) are dropped first.
//
// The body is copied only when something must change.
func decodeXML(body []byte) ([]byte, bool) {
	switch enc := declaredEncoding(body); {
	case enc == nil:
	case isSingleByte(enc):
		return dropControls(body), false
	default:
		text, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			break // the parser will say what is wrong
		}
		_, end := xmlDecl(text)
		body = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), text[end:]...)
	}
	return dropControls(body), true
}

// repairUTF8 repairs each part the parser reads (see repairUTF8) and
// says in how many places. Parts are cut at markup, which is ASCII, so
// no character spans two of them.
func (b *bounded) repairUTF8() int {
	n := 0
	for i, p := range b.parts {
		var k int
		b.parts[i], k = repairUTF8(p)
		n += k
	}
	return n
}

// declaredEncoding returns the encoding an XML document declares, by its
// byte order mark or its XML declaration: nil for UTF-8, or for an
// encoding newsdesk does not know, which the parser then refuses itself.
func declaredEncoding(b []byte) encoding.Encoding {
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		// UTF-16 says so by its byte order mark: its declaration, if
		// any, cannot be read as ASCII.
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	label, _ := xmlDecl(b)
	if label == "" {
		return nil
	}
	enc, name := charset.Lookup(label)
	if name == "utf-8" {
		return nil
	}
	return enc
}

// xmlDecl returns the encoding an XML declaration at the start of b
// names, and where the declaration ends.
func xmlDecl(b []byte) (string, int) {
	start := 0
	if bytes.HasPrefix(b, utf8BOM) {
		start = len(utf8BOM)
	}
	if !bytes.HasPrefix(b[start:], []byte("<?xml")) || len(b) <= start+5 || !isSpace(b[start+5]) {
		return "", 0
	}
	i := bytes.Index(b[start:], []byte("?>"))
	if i < 0 {
		return "", 0
	}
	end := start + i + 2
	decl := b[start+5 : end-2]
	j := bytes.Index(decl, []byte("encoding"))
	if j < 0 {
		return "", end
	}
	v := bytes.TrimLeft(decl[j+len("encoding"):], " \t\r\n")
	if len(v) == 0 || v[0] != '=' {
		return "", end
	}
	v = bytes.TrimLeft(v[1:], " \t\r\n")
	if len(v) == 0 || v[0] != '"' && v[0] != '\'' {
		return "", end
	}
	k := bytes.IndexByte(v[1:], v[0])
	if k < 0 {
		return "", end
	}
	return string(v[1 : 1+k]), end
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isSingleByte reports whether enc maps each byte to one character,
// ASCII to itself.
func isSingleByte(enc encoding.Encoding) bool {
	_, ok := enc.(*charmap.Charmap)
	return ok
}

// dropControls drops the C0 control bytes XML forbids, as gofeed does.
func dropControls(b []byte) []byte {
	i := bytes.IndexFunc(b, isControl)
	if i < 0 {
		return b
	}
	out := make([]byte, i, len(b))
	copy(out, b[:i])
	for _, c := range b[i:] {
		if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
			out = append(out, c)
		}
	}
	return out
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }

// repairUTF8 replaces each run of bytes that is not UTF-8, and each
// U+FFFE and U+FFFF, with U+FFFD, and says how many it replaced.
func repairUTF8(b []byte) ([]byte, int) {
	first := firstInvalid(b)
	if first < 0 {
		return b, 0
	}
	out := make([]byte, first, len(b)+16)
	copy(out, b[:first])
	n := 0
	bad := false // the last byte written was a replacement for a run
	for i := first; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			bad = false
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if !bad {
				out = append(out, "\uFFFD"...)
				n++
			}
			bad = true
		case r == 0xFFFE || r == 0xFFFF:
			out = append(out, "\uFFFD"...)
			n++
			bad = false
		default:
			out = append(out, b[i:i+size]...)
			bad = false
		}
		i += size
	}
	return out, n
}

// firstInvalid returns the offset of the first byte repairUTF8 would
// replace, or -1.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			return i
		}
		i += size
	}
	return -1
}

// repairNote is the note for a feed repaired in n places.
func repairNote(n int) string {
	places := "1 place"
	if n != 1 {
		places = fmt.Sprintf("%d places", n)
	}
	return fmt.Sprintf("The feed is not valid UTF-8 in %s; newsdesk read those as U+FFFD (\uFFFD) and read on.", places)
}

// invalidRuns counts the runs of bytes of b that are not UTF-8.
func invalidRuns(b []byte) int {
	n := 0
	bad := false
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if !bad {
				n++
			}
			bad = true
		} else {
			bad = false
		}
		i += size
	}
	return n
}
