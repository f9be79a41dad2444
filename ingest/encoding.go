package ingest

import (
	"bytes"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// decodeXML returns an XML feed's bytes as the pre-pass and the parser
// are to read them.
//
// A feed that declares a single-byte encoding (ISO-8859-1, windows-1252
// and the like) is left in it, for the parser to decode: every byte is a
// character there, and ASCII stays ASCII, so the pre-pass sees the markup
// the parser will. A feed in any other encoding it declares (Shift_JIS,
// UTF-16 and so on) is decoded to UTF-8 here, its declaration rewritten
// to say so: in those a byte that looks like '<' may be half of a
// character. Either way the C0 control bytes the parser drops (all but
// tab, CR and LF) are dropped first, as the pre-pass must not see them.
//
// The body is copied only when something must change.
func decodeXML(body []byte) []byte {
	switch enc := declaredEncoding(body); {
	case enc == nil:
	case isSingleByte(enc):
	default:
		text, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			break // the parser will say what is wrong
		}
		_, end := xmlDecl(text)
		body = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), text[end:]...)
	}
	return dropControls(body)
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
