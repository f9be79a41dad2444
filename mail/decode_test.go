package mail_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
)

// decoded is a message read back by the standard library alone (net/mail,
// mime, mime/multipart), as an independent reader would.
type decoded struct {
	Header  netmail.Header
	Names   []string // header field names, in order
	From    *netmail.Address
	To      []*netmail.Address
	ReplyTo *netmail.Address
	Subject string
	Text    string
	HTML    string
	Parts   []string // Content-Type of each part, in order
}

// decode reads a message back.
func decode(raw []byte) (*decoded, error) {
	names, err := fieldNames(raw)
	if err != nil {
		return nil, err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	d := &decoded{Header: msg.Header, Names: names}
	if d.From, err = netmail.ParseAddress(msg.Header.Get("From")); err != nil {
		return nil, fmt.Errorf("From %q: %w", msg.Header.Get("From"), err)
	}
	if d.To, err = msg.Header.AddressList("To"); err != nil {
		return nil, fmt.Errorf("To %q: %w", msg.Header.Get("To"), err)
	}
	if rt := msg.Header.Get("Reply-To"); rt != "" {
		if d.ReplyTo, err = netmail.ParseAddress(rt); err != nil {
			return nil, fmt.Errorf("Reply-To %q: %w", rt, err)
		}
	}
	if d.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("Subject %q: %w", msg.Header.Get("Subject"), err)
	}
	if msg.Header.Get("MIME-Version") != "1.0" {
		return nil, fmt.Errorf("MIME-Version %q", msg.Header.Get("MIME-Version"))
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("Content-Type: %w", err)
	}
	if mediaType != "multipart/alternative" {
		body, err := decodeBody(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		if err != nil {
			return nil, err
		}
		return d, d.addPart(mediaType, params, body)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("part: %w", err)
		}
		pt, pparams, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			return nil, fmt.Errorf("part Content-Type: %w", err)
		}
		body, err := decodeBody(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return nil, err
		}
		if err := d.addPart(pt, pparams, body); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *decoded) addPart(mediaType string, params map[string]string, body string) error {
	if cs := params["charset"]; cs != "utf-8" {
		return fmt.Errorf("%s charset %q", mediaType, cs)
	}
	d.Parts = append(d.Parts, mediaType)
	switch mediaType {
	case "text/plain":
		d.Text = body
	case "text/html":
		d.HTML = body
	default:
		return fmt.Errorf("unexpected part %s", mediaType)
	}
	return nil
}

func decodeBody(cte string, r io.Reader) (string, error) {
	switch strings.ToLower(cte) {
	case "7bit", "":
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	default:
		return "", fmt.Errorf("unexpected Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("decode %s: %w", cte, err)
	}
	return string(b), nil
}

// fieldNames returns the names of the message's header fields in order,
// reading the lines as a mail server would: a line that starts with
// space or tab continues the field before.
func fieldNames(raw []byte) ([]string, error) {
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			return names, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("header line without a colon: %q", line)
		}
		names = append(names, name)
	}
	return nil, fmt.Errorf("no end of header")
}

// normBody is how a body part compares after the round trip: line ends
// become LF, and the line end that ends the part does not count.
func normBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimRight(s, "\n")
}

// lineTrouble returns the first problem with raw's lines: a bare CR or
// LF, a byte outside 7-bit ASCII, a leading dot, or a line over 998
// characters (or over 78 in the header, where folding can keep it short).
func lineTrouble(raw []byte, strictHeader bool) string {
	inHeader := true
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			return fmt.Sprintf("line %d has a bare CR or LF: %q", i+1, line)
		}
		for _, c := range line {
			if c >= 0x80 || c == 0 {
				return fmt.Sprintf("line %d has byte %#x", i+1, c)
			}
		}
		if len(line) > 0 && line[0] == '.' {
			return fmt.Sprintf("line %d starts with a dot, which SMTP must stuff: %q", i+1, line)
		}
		if len(line) > 998 {
			return fmt.Sprintf("line %d has %d characters", i+1, len(line))
		}
		if inHeader && strictHeader && len(line) > 78 {
			return fmt.Sprintf("header line %d has %d characters: %q", i+1, len(line), line)
		}
		if !inHeader && len(line) > 78 {
			return fmt.Sprintf("body line %d has %d characters", i+1, len(line))
		}
		if len(line) == 0 {
			inHeader = false
		}
	}
	return ""
}
