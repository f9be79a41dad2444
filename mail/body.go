package mail

import (
	"encoding/base64"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// chooseEncoding returns the Content-Transfer-Encoding for a body part:
// 7bit when it is printable ASCII in lines of at most maxLine characters
// (and does not hold "=_", which starts the multipart boundary, nor a
// line that starts with a dot, which SMTP would have to stuff);
// otherwise quoted-printable when most of it is ASCII, base64 when the
// encoded text would be smaller that way (most text in Hebrew, Greek or
// Chinese).
func chooseEncoding(s string) string {
	if high := countHigh(s); high > 0 || strings.Contains(s, "=_") {
		if high*6 > len(s) {
			return "base64"
		}
		return "quoted-printable"
	}
	for s != "" {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		line = strings.TrimSuffix(line, "\r")
		if len(line) > maxLine || strings.HasPrefix(line, ".") {
			return "quoted-printable"
		}
		for i := 0; i < len(line); i++ {
			if c := line[i]; c < ' ' && c != '\t' || c == 0x7f {
				return "quoted-printable" // a control character, or a bare CR
			}
		}
	}
	return "7bit"
}

// countHigh returns how many bytes of s are not ASCII, eight at a time:
// a newsletter's parts are read here once for every reader.
func countHigh(s string) int {
	n, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		n += bits.OnesCount64(w & 0x8080808080808080)
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

// appendLines appends s with every line end (CRLF, LF or CR) as CRLF.
func appendLines(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			dst = append(dst, '\r', '\n')
		case '\n':
			dst = append(dst, '\r', '\n')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendQuotedPrintable appends s encoded as quoted-printable (RFC 2045
// section 6.7) with CRLF line ends and lines of at most 76 characters. A
// line's leading '.' and "From " are encoded too, so that no server on
// the way dot-stuffs or quotes them and breaks a DKIM signature. Runs of
// characters written as they are go in one copy: this is the hot path of
// a newsletter send.
func appendQuotedPrintable(dst []byte, s string) []byte {
	col := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\r' || c == '\n' {
			if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			i++
			dst = append(dst, '\r', '\n')
			col = 0
			continue
		}
		enc := qpEncodes(s, i, col)
		if width := qpWidth(enc); col+width > 75 {
			dst = append(dst, '=', '\r', '\n')
			col = 0
			enc = qpEncodes(s, i, col) // a line's first character has rules of its own
		}
		if enc {
			dst = append(dst, '=', upperHex[c>>4], upperHex[c&15])
			col += 3
			i++
			continue
		}
		j := i + 1
		for limit := min(len(s), i+75-col); j < limit && qpPlain(s, j); j++ {
		}
		dst = append(dst, s[i:j]...)
		col += j - i
		i = j
	}
	return dst
}

// qpSafe marks the bytes quoted-printable may write as they are anywhere
// but at a line's start: printable ASCII but '='.
var qpSafe = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '='
	}
	return t
}()

// qpPlain reports whether s[i], not at a line's start, is written as it
// is: a safe byte, or a space or tab with more of the line after it
// (whitespace at a line's end would be taken off on the way).
func qpPlain(s string, i int) bool {
	c := s[i]
	if qpSafe[c] {
		return true
	}
	return (c == ' ' || c == '\t') && i+1 < len(s) && s[i+1] != '\r' && s[i+1] != '\n'
}

// qpEncodes reports whether s[i], at column col, must be encoded.
func qpEncodes(s string, i, col int) bool {
	if col == 0 {
		if c := s[i]; c == '.' || c == 'F' && strings.HasPrefix(s[i:], "From ") {
			return true
		}
	}
	return !qpPlain(s, i)
}

func qpWidth(enc bool) int {
	if enc {
		return 3
	}
	return 1
}

// appendBase64 appends s in base64, 76 characters a line. Line ends are
// made CRLF first, as RFC 2045 asks of text.
func appendBase64(dst []byte, s string) []byte {
	var text []byte
	if strings.ContainsAny(s, "\r\n") {
		text = appendLines(make([]byte, 0, len(s)+len(s)/32), s)
	} else {
		text = []byte(s)
	}
	const chunk = 57 // bytes that make 76 characters
	for len(text) > 0 {
		n := min(chunk, len(text))
		dst = base64.StdEncoding.AppendEncode(dst, text[:n])
		dst = append(dst, '\r', '\n')
		text = text[n:]
	}
	return dst
}
