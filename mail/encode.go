package mail

import (
	"encoding/base64"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// Encode returns m as an RFC 5322 message in 7-bit ASCII with CRLF line
// ends: header lines folded under 78 characters where they can be (and
// never over 998), names and subjects outside ASCII as RFC 2047 encoded
// words, and each body part as it is, quoted-printable or base64,
// whichever keeps it in limits at the smaller size. It returns EINVALID
// or ETOOLARGE for a message that cannot be written safely (see Message),
// and for a zero Date, which Senders fill from their clock.
func (m *Message) Encode() ([]byte, error) {
	if m.Date.IsZero() {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "A message needs a date.")
	}
	b, _, err := m.encode(nil, m.Date)
	return b, err
}

// envelope is what SMTP needs besides the message's bytes.
type envelope struct {
	from      string   // MAIL FROM path, in angle brackets
	to        []string // RCPT TO paths, in angle brackets
	messageID string   // without angle brackets
	subject   string   // as checked, before encoding
	headers   []string // names of the header fields written, in order
}

// encode appends the encoded message to dst.
func (m *Message) encode(dst []byte, date time.Time) ([]byte, *envelope, error) {
	from, err := checkMailbox("sender", m.From)
	if err != nil {
		return dst, nil, err
	}
	if len(m.To) == 0 {
		return dst, nil, newsdesk.Errorf(newsdesk.EINVALID, "A message needs a recipient.")
	}
	if len(m.To) > MaxRecipients {
		return dst, nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "A message may have at most %d recipients.", MaxRecipients)
	}
	env := &envelope{to: make([]string, len(m.To)), headers: make([]string, 0, 12+len(m.Headers))}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		box, err := checkMailbox("recipient", a)
		if err != nil {
			return dst, nil, err
		}
		to[i], env.to[i] = box.header(), box.angle
	}
	var replyTo mailbox
	if m.ReplyTo != (Address{}) {
		if replyTo, err = checkMailbox("reply-to", m.ReplyTo); err != nil {
			return dst, nil, err
		}
	}
	env.from = from.angle
	if m.ReturnPath != "" {
		if env.from, _, err = checkAddress("return path", m.ReturnPath); err != nil {
			return dst, nil, err
		}
	}
	if env.subject, err = checkText("subject", m.Subject, MaxSubjectLength); err != nil {
		return dst, nil, err
	}
	if m.MessageID != "" {
		if env.messageID, err = checkMessageID(m.MessageID); err != nil {
			return dst, nil, err
		}
	} else {
		env.messageID = NewMessageID(from.domain)
	}
	unsubscribe := ""
	if len(m.ListUnsubscribe) > 0 {
		if unsubscribe, err = listUnsubscribe(m.ListUnsubscribe, m.ListUnsubscribePost); err != nil {
			return dst, nil, err
		}
	} else if m.ListUnsubscribePost {
		return dst, nil, newsdesk.Errorf(newsdesk.EINVALID, "One-click unsubscribe needs an https: unsubscribe address.")
	}
	if len(m.Headers) > MaxHeaders {
		return dst, nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "A message may have at most %d extra headers.", MaxHeaders)
	}
	extra := make([]Header, len(m.Headers))
	for i, h := range m.Headers {
		if extra[i], err = checkHeader(h); err != nil {
			return dst, nil, err
		}
	}
	if m.Text == "" && m.HTML == "" {
		return dst, nil, newsdesk.Errorf(newsdesk.EINVALID, "A message needs a text or an HTML part.")
	}
	for _, p := range []struct{ what, body string }{{"text part", m.Text}, {"HTML part", m.HTML}} {
		if len(p.body) > MaxPartLength {
			return dst, nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "The %s is longer than %d bytes.", p.what, MaxPartLength)
		}
		if !utf8.ValidString(p.body) {
			return dst, nil, newsdesk.Errorf(newsdesk.EINVALID, "The %s is not valid UTF-8 text.", p.what)
		}
	}

	if dst == nil {
		dst = make([]byte, 0, 1024+len(m.Text)*5/4+len(m.HTML)*5/4)
	}
	w := headerWriter{dst: dst, names: env.headers}
	w.field("Date", date.Format(time.RFC1123Z))
	w.field("From", from.header())
	w.field("To", strings.Join(to, ", "))
	if replyTo.angle != "" {
		w.field("Reply-To", replyTo.header())
	}
	if env.subject != "" {
		w.field("Subject", unstructured(env.subject))
	}
	w.field("Message-ID", "<"+env.messageID+">")
	if unsubscribe != "" {
		w.field("List-Unsubscribe", unsubscribe)
		if m.ListUnsubscribePost {
			w.field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	for _, h := range extra {
		w.field(h.Name, h.Value)
	}
	w.field("MIME-Version", "1.0")
	if w.err != nil {
		return dst, nil, w.err
	}
	dst = w.dst
	switch {
	case m.Text == "":
		dst = appendPart(dst, &w, "text/html; charset=utf-8", m.HTML)
	case m.HTML == "":
		dst = appendPart(dst, &w, "text/plain; charset=utf-8", m.Text)
	default:
		// The boundary starts with "=_", which quoted-printable and base64
		// never write and a 7bit part is never allowed to hold, so no
		// part can end the multipart early; it is derived from the
		// Message-ID only so that the same message encodes the same.
		h := fnv.New64a()
		h.Write([]byte(env.messageID))
		boundary := "=_" + strconv.FormatUint(h.Sum64(), 36) + "_alt"
		w.dst = dst
		w.field("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		dst = append(w.dst, "\r\n"...)
		dst = append(dst, "--"...)
		dst = append(dst, boundary...)
		dst = append(dst, "\r\n"...)
		dst = appendPart(dst, nil, "text/plain; charset=utf-8", m.Text)
		dst = append(dst, "\r\n--"...)
		dst = append(dst, boundary...)
		dst = append(dst, "\r\n"...)
		dst = appendPart(dst, nil, "text/html; charset=utf-8", m.HTML)
		dst = append(dst, "\r\n--"...)
		dst = append(dst, boundary...)
		dst = append(dst, "--\r\n"...)
	}
	env.headers = w.names
	return dst, env, nil
}

// appendPart appends a body part's Content-Type and
// Content-Transfer-Encoding fields, a blank line and the encoded body. A
// part of the message itself (w set) records its field names; a part of
// a multipart has only the fields it writes here.
func appendPart(dst []byte, w *headerWriter, contentType, body string) []byte {
	cte := chooseEncoding(body)
	if w != nil {
		w.names = append(w.names, "Content-Type", "Content-Transfer-Encoding")
	}
	dst = append(dst, "Content-Type: "...)
	dst = append(dst, contentType...)
	dst = append(dst, "\r\nContent-Transfer-Encoding: "...)
	dst = append(dst, cte...)
	dst = append(dst, "\r\n\r\n"...)
	switch cte {
	case "7bit":
		dst = appendLines(dst, body)
	case "base64":
		dst = appendBase64(dst, body)
	default:
		dst = appendQuotedPrintable(dst, body)
	}
	if w != nil && (len(dst) < 2 || dst[len(dst)-1] != '\n') {
		// A message ends with a line break (SMTP adds one before its
		// final dot anyway).
		dst = append(dst, "\r\n"...)
	}
	return dst
}

// headerWriter appends header fields, folding each, and keeps the first
// error.
type headerWriter struct {
	dst   []byte
	names []string
	err   error
}

// maxLine is the length RFC 5322 asks lines to keep under (78, without
// the CRLF); hardLine is the length no line may pass (998).
const (
	maxLine  = 78
	hardLine = 998
)

// field appends "name: value" CRLF, folding at single spaces (and after
// the colon) so that lines keep under maxLine where the value allows.
// Folding happens only where there is one space: a reader unfolds by
// joining the lines with one space (net/textproto does), so the value
// reads back exactly as given.
func (w *headerWriter) field(name, value string) {
	if w.err != nil {
		return
	}
	w.names = append(w.names, name)
	w.dst = append(w.dst, name...)
	w.dst = append(w.dst, ':')
	col := len(name) + 1
	first := true
	for value != "" {
		seg := value
		rest := ""
		for i := 1; i+1 < len(value); i++ {
			if value[i] == ' ' && value[i-1] != ' ' && value[i+1] != ' ' {
				seg, rest = value[:i], value[i+1:]
				break
			}
		}
		switch {
		case first && (col+1+len(seg) <= maxLine || len(seg) > maxLine-1):
			// The first word goes after the colon, unless it would fit
			// a line of its own better than this one.
			w.dst = append(w.dst, ' ')
			col++
		case col+1+len(seg) <= maxLine:
			w.dst = append(w.dst, ' ')
			col++
		default:
			w.dst = append(w.dst, "\r\n "...)
			col = 1
		}
		first = false
		w.dst = append(w.dst, seg...)
		col += len(seg)
		if col > hardLine {
			w.err = newsdesk.Errorf(newsdesk.ETOOLARGE, "The %s header has a word too long for a line of mail.", name)
			return
		}
		value = rest
	}
	w.dst = append(w.dst, "\r\n"...)
}

// phrase returns a display name as an address header writes it: as it
// is when it is plain words, in quotes when it holds other ASCII, and as
// base64 encoded words (RFC 2047) when it holds more than ASCII. Base64
// rather than Q: Q leaves characters such as '<' and ',' as they are,
// and in a phrase they would end the name and start an address.
func phrase(name string) string {
	if name == "" {
		return ""
	}
	if !isPrintableASCII(name) {
		return encodedWords(name, 'b', maxLine-len("Reply-To: "))
	}
	plain := !strings.Contains(name, "  ")
	for i := 0; plain && i < len(name); i++ {
		plain = name[i] == ' ' || isAtext(name[i])
	}
	// An atom that looks like an encoded word would be decoded by the
	// reader; in quotes it is read as it stands.
	if plain && !strings.Contains(name, "=?") {
		return name
	}
	var b strings.Builder
	b.Grow(len(name) + 4)
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		if name[i] == '"' || name[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	b.WriteByte('"')
	return b.String()
}

// unstructured returns a subject as its header writes it: as it is when
// it is printable ASCII that a reader would not take for an encoded
// word, else as encoded words, Q for text that is mostly ASCII (readable
// in the source, and shorter) and base64 for the rest.
func unstructured(s string) string {
	if isPrintableASCII(s) && !strings.Contains(s, "=?") {
		return s
	}
	high := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			high++
		}
	}
	// The first word is kept short enough to share the first line with
	// "Subject: ", as mail programs do.
	first := maxLine - len("Subject: ")
	if high*3 > len(s) {
		return encodedWords(s, 'b', first)
	}
	return encodedWords(s, 'q', first)
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// maxWord is the longest an encoded word may be (RFC 2047 section 2).
const maxWord = 75

// encodedWords encodes s as UTF-8 encoded words of at most maxWord
// characters (first, the first of them), split between characters (never
// inside one, as RFC 2047 asks), separated by single spaces, which
// readers drop between encoded words and a header may fold at. Q words
// write only letters, digits and "!*+-/" as they are, the characters
// allowed in every context.
func encodedWords(s string, enc byte, first int) string {
	const prefixLen = len("=?utf-8?b?")
	var b strings.Builder
	b.Grow(len(s)*2 + 16)
	maxWord := min(first, maxWord)
	for s != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
			maxWord = 75
		}
		b.WriteString("=?utf-8?")
		b.WriteByte(enc)
		b.WriteByte('?')
		n := 0 // bytes of s in this word
		if enc == 'b' {
			room := (maxWord - prefixLen - 2) / 4 * 3
			for n < len(s) {
				_, size := utf8.DecodeRuneInString(s[n:])
				if n+size > room {
					break
				}
				n += size
			}
			b.WriteString(base64.StdEncoding.EncodeToString([]byte(s[:n])))
		} else {
			room := maxWord - prefixLen - 2
			used := 0
			for n < len(s) {
				_, size := utf8.DecodeRuneInString(s[n:])
				width := 0
				for i := n; i < n+size; i++ {
					width += qWidth(s[i])
				}
				if used+width > room {
					break
				}
				for i := n; i < n+size; i++ {
					writeQ(&b, s[i])
				}
				used += width
				n += size
			}
		}
		if n == 0 {
			// Never reached with the budgets used here; but a word must
			// hold at least one character, or this would never end.
			_, n = utf8.DecodeRuneInString(s)
			if enc == 'b' {
				b.WriteString(base64.StdEncoding.EncodeToString([]byte(s[:n])))
			} else {
				for i := 0; i < n; i++ {
					writeQ(&b, s[i])
				}
			}
		}
		b.WriteString("?=")
		s = s[n:]
	}
	return b.String()
}

func qLiteral(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!*+-/", c) >= 0
}

func qWidth(c byte) int {
	if c == ' ' || qLiteral(c) {
		return 1
	}
	return 3
}

const upperHex = "0123456789ABCDEF"

func writeQ(b *strings.Builder, c byte) {
	switch {
	case c == ' ':
		b.WriteByte('_')
	case qLiteral(c):
		b.WriteByte(c)
	default:
		b.WriteByte('=')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
}
