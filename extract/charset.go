package extract

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
)

// decode returns body as UTF-8, choosing its encoding the way a browser
// does: a byte-order mark, then the Content-Type charset, then a
// <meta charset> or http-equiv in the first 1,024 bytes (the HTML
// standard's prescan). Pages that declare their charset later than the
// prescan looks (common in practice) are caught by a wider look for a
// meta charset; after that, valid UTF-8 is UTF-8, Shift_JIS-looking bytes
// are Shift_JIS, and anything else is windows-1252, as browsers default
// for most locales.
func decode(body []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain && hasMultibyteUTF8(body) {
		// Only the page itself names a legacy charset, yet its bytes
		// are UTF-8 with characters beyond ASCII: a declaration left
		// behind when the site moved to UTF-8. Text in a legacy
		// encoding almost never reads as valid UTF-8 across a page.
		if utf8.Valid(body) || validUTF8Prefix(body) {
			return body
		}
	}
	if !certain {
		if e := lateMetaCharset(body); e != nil {
			enc, name = e, "meta"
			if n, _ := htmlindex.Name(e); n == "utf-8" {
				name = "utf-8"
			}
		} else if utf8.Valid(body) || validUTF8Prefix(body) {
			return body
		} else if looksShiftJIS(body) {
			enc, name = japanese.ShiftJIS, "shift_jis"
		}
	}
	if name == "utf-8" || enc == encoding.Nop {
		if !utf8.Valid(body) {
			return bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// hasMultibyteUTF8 reports whether body holds a few UTF-8 sequences of
// two bytes or more; it looks no further than it needs to.
func hasMultibyteUTF8(body []byte) bool {
	n := 0
	for i := 0; i+1 < len(body); i++ {
		c := body[i]
		if c < 0xc2 || c > 0xf4 {
			continue
		}
		if d := body[i+1]; d&0xc0 == 0x80 {
			if n++; n >= 8 {
				return true
			}
			i++
		}
	}
	return false
}

// validUTF8Prefix accepts a body whose only invalid UTF-8 is a sequence
// cut at the end, as happens when a body is truncated at the size cap.
func validUTF8Prefix(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for i := 1; i <= 3; i++ {
		if utf8.Valid(b[:len(b)-i]) {
			return true
		}
	}
	return false
}

// lateMetaCharset looks for a charset declaration in a meta element in
// the first 64 KiB.
func lateMetaCharset(body []byte) encoding.Encoding {
	head := body[:min(len(body), 64<<10)]
	off := 0
	for {
		i := indexMeta(head[off:])
		if i < 0 {
			return nil
		}
		off += i + 5
		end := bytes.IndexByte(head[off:], '>')
		if end < 0 {
			return nil
		}
		tag := strings.ToLower(string(head[off : off+end]))
		j := strings.Index(tag, "charset")
		if j < 0 {
			continue
		}
		v := strings.TrimLeft(tag[j+len("charset"):], " \t\n\r=\"'")
		k := strings.IndexAny(v, " \t\n\r\"';/>")
		if k >= 0 {
			v = v[:k]
		}
		if e, err := htmlindex.Get(v); err == nil {
			if n, _ := htmlindex.Name(e); n == "utf-16le" || n == "utf-16be" {
				return nil // a page that says UTF-16 in ASCII is not UTF-16
			}
			return e
		}
		if _, params, err := mime.ParseMediaType("text/html; charset=" + v); err == nil {
			if e, err := htmlindex.Get(params["charset"]); err == nil {
				return e
			}
		}
	}
}

// indexMeta finds "<meta" in b in any case, without lower-casing b.
func indexMeta(b []byte) int {
	off := 0
	for {
		i := bytes.IndexByte(b[off:], '<')
		if i < 0 {
			return -1
		}
		off += i
		if off+5 <= len(b) && (b[off+1]|0x20) == 'm' && (b[off+2]|0x20) == 'e' && (b[off+3]|0x20) == 't' && (b[off+4]|0x20) == 'a' {
			return off
		}
		off++
	}
}

// looksShiftJIS reports whether the bytes decode as Shift_JIS with many
// two-byte characters and no errors, a cheap sniff for Japanese pages
// that declare nothing.
func looksShiftJIS(b []byte) bool {
	b = b[:min(len(b), 16<<10)]
	pairs := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c < 0x80 || (c >= 0xa1 && c <= 0xdf):
		case (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc):
			if i+1 >= len(b) {
				return pairs > 8
			}
			d := b[i+1]
			if d < 0x40 || d == 0x7f || d > 0xfc {
				return false
			}
			pairs++
			i++
		default:
			return false
		}
	}
	return pairs > 8
}
