package mail

import (
	"crypto/rand"
	"encoding/base32"
	netmail "net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/newsdesk/newsdesk"
)

// checkText trims s and refuses it when it is too long, not UTF-8, or
// holds a control character: a CR or LF in a header field would start a
// new field, and the other controls have no business in a name or a
// subject either.
func checkText(what, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > max {
		return "", newsdesk.Errorf(newsdesk.ETOOLARGE, "The %s is longer than %d bytes.", what, max)
	}
	if !utf8.ValidString(s) {
		return "", newsdesk.Errorf(newsdesk.EINVALID, "The %s is not valid UTF-8 text.", what)
	}
	for _, r := range s {
		if isControl(r) {
			return "", newsdesk.Errorf(newsdesk.EINVALID, "The %s contains a line break or another control character.", what)
		}
	}
	return s, nil
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// mailbox is a checked address in the forms it is written in.
type mailbox struct {
	phrase string // the display name as a header writes it; "" for none
	angle  string // "<user@example.org>", as both the header and SMTP write it
	domain string // the domain part, in ASCII
}

// header returns the mailbox as an address header writes it.
func (b mailbox) header() string {
	if b.phrase == "" {
		return b.angle[1 : len(b.angle)-1] // the bare address, as mail programs write it
	}
	return b.phrase + " " + b.angle
}

// checkMailbox checks a's name and address.
func checkMailbox(what string, a Address) (mailbox, error) {
	name, err := checkText(what+" name", a.Name, MaxNameLength)
	if err != nil {
		return mailbox{}, err
	}
	addr, domain, err := checkAddress(what, a.Address)
	if err != nil {
		return mailbox{}, err
	}
	return mailbox{phrase: phrase(name), angle: addr, domain: domain}, nil
}

// checkAddress parses an address with net/mail and returns it in angle
// brackets, as headers and SMTP write it, with its domain in ASCII
// (IDNA). An address with a name or a comment, or with a local part
// outside ASCII (which would need SMTPUTF8 all along the way), is refused.
func checkAddress(what, s string) (angle, domain string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", newsdesk.Errorf(newsdesk.EINVALID, "The %s address is missing.", what)
	}
	if len(s) > MaxAddressLength {
		return "", "", newsdesk.Errorf(newsdesk.ETOOLARGE, "The %s address is longer than %d bytes.", what, MaxAddressLength)
	}
	if !utf8.ValidString(s) {
		return "", "", newsdesk.Errorf(newsdesk.EINVALID, "The %s address is not valid UTF-8 text.", what)
	}
	for _, r := range s {
		if isControl(r) {
			return "", "", newsdesk.Errorf(newsdesk.EINVALID, "The %s address contains a line break or another control character.", what)
		}
	}
	p, err := netmail.ParseAddress(s)
	if err != nil || p.Name != "" {
		return "", "", newsdesk.WrapError(newsdesk.EINVALID, err, "%q is not an e-mail address (for the %s).", s, what)
	}
	at := strings.LastIndexByte(p.Address, '@')
	local, domain := p.Address[:at], p.Address[at+1:]
	if !isASCII(local) {
		return "", "", newsdesk.Errorf(newsdesk.EINVALID, "%q has characters outside ASCII before the @, which mail servers do not all accept (for the %s).", s, what)
	}
	if !isASCII(domain) {
		ascii, err := idna.Lookup.ToASCII(domain)
		if err != nil {
			return "", "", newsdesk.WrapError(newsdesk.EINVALID, err, "%q has a domain that is not a valid host name (for the %s).", s, what)
		}
		domain = ascii
	}
	angle = (&netmail.Address{Address: local + "@" + domain}).String()
	if len(angle) > MaxAddressLength+2 {
		return "", "", newsdesk.Errorf(newsdesk.ETOOLARGE, "The %s address is longer than %d bytes.", what, MaxAddressLength)
	}
	return angle, domain, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// reservedHeaders are the fields the encoder writes itself (or that only
// a mail server may add), so that Headers cannot give a second From, a
// Bcc, or a MIME field that changes how the body is read.
var reservedHeaders = map[string]bool{
	"date": true, "from": true, "sender": true, "to": true, "cc": true, "bcc": true,
	"reply-to": true, "subject": true, "message-id": true, "mime-version": true,
	"return-path": true, "received": true, "dkim-signature": true,
	"list-unsubscribe": true, "list-unsubscribe-post": true,
}

// checkHeader checks an extra header field: a name of printable ASCII
// without a colon that the encoder does not write itself, and a value of
// printable ASCII.
func checkHeader(h Header) (Header, error) {
	name := h.Name
	if name == "" || len(name) > 76 {
		return Header{}, newsdesk.Errorf(newsdesk.EINVALID, "A header name must have 1 to 76 characters.")
	}
	// RFC 5322 allows any printable ASCII but the colon; names in use
	// are letters, digits and hyphens, and nothing else is needed.
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return Header{}, newsdesk.Errorf(newsdesk.EINVALID, "The header name %q may hold only ASCII letters, digits and hyphens.", name)
		}
	}
	lower := strings.ToLower(name)
	if reservedHeaders[lower] || strings.HasPrefix(lower, "content-") {
		return Header{}, newsdesk.Errorf(newsdesk.EINVALID, "The header %s is written by newsdesk itself and cannot be added.", name)
	}
	value := strings.TrimSpace(h.Value)
	if len(value) > MaxHeaderLength {
		return Header{}, newsdesk.Errorf(newsdesk.ETOOLARGE, "The value of the header %s is longer than %d bytes.", name, MaxHeaderLength)
	}
	if value == "" {
		return Header{}, newsdesk.Errorf(newsdesk.EINVALID, "The header %s has no value.", name)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < ' ' || c > '~' {
			return Header{}, newsdesk.Errorf(newsdesk.EINVALID, "The value of the header %s must be ASCII text without line breaks or control characters.", name)
		}
	}
	return Header{Name: name, Value: value}, nil
}

// listUnsubscribe returns the List-Unsubscribe value for urls, each an
// https:, http: or mailto: URL of printable ASCII without the brackets,
// commas or quotes that would end it early.
func listUnsubscribe(urls []string, post bool) (string, error) {
	var b strings.Builder
	https := false
	for i, raw := range urls {
		s := strings.TrimSpace(raw)
		if s == "" {
			return "", newsdesk.Errorf(newsdesk.EINVALID, "An unsubscribe address is empty.")
		}
		for j := 0; j < len(s); j++ {
			if c := s[j]; c <= ' ' || c > '~' || c == '<' || c == '>' || c == ',' || c == '"' {
				return "", newsdesk.Errorf(newsdesk.EINVALID, "The unsubscribe address %q has a character that must be percent-encoded.", s)
			}
		}
		u, err := url.Parse(s)
		if err != nil {
			return "", newsdesk.WrapError(newsdesk.EINVALID, err, "The unsubscribe address %q is not a URL.", s)
		}
		switch u.Scheme {
		case "https", "http":
			if u.Host == "" {
				return "", newsdesk.Errorf(newsdesk.EINVALID, "The unsubscribe address %q has no host.", s)
			}
			https = https || u.Scheme == "https"
		case "mailto":
			if u.Opaque == "" {
				return "", newsdesk.Errorf(newsdesk.EINVALID, "The unsubscribe address %q has no address.", s)
			}
		default:
			return "", newsdesk.Errorf(newsdesk.EINVALID, "The unsubscribe address %q must be an https: or mailto: URL.", s)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('<')
		b.WriteString(s)
		b.WriteByte('>')
	}
	if b.Len() > MaxHeaderLength {
		return "", newsdesk.Errorf(newsdesk.ETOOLARGE, "The unsubscribe addresses are longer than %d bytes.", MaxHeaderLength)
	}
	if post && !https {
		// RFC 8058 section 3.1: one-click needs an HTTPS URI to POST to.
		return "", newsdesk.Errorf(newsdesk.EINVALID, "One-click unsubscribe needs an https: unsubscribe address.")
	}
	return b.String(), nil
}

// checkMessageID checks a Message-ID given without (or with) its angle
// brackets: dot-atoms either side of an @.
func checkMessageID(id string) (string, error) {
	id = strings.TrimSpace(id)
	if strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") {
		id = id[1 : len(id)-1]
	}
	if len(id) > MaxMessageIDLength {
		return "", newsdesk.Errorf(newsdesk.ETOOLARGE, "The Message-ID is longer than %d bytes.", MaxMessageIDLength)
	}
	left, right, ok := strings.Cut(id, "@")
	if !ok || !isDotAtom(left) || !isDotAtom(right) {
		return "", newsdesk.Errorf(newsdesk.EINVALID, "The Message-ID %q is not of the form local@domain.", id)
	}
	return id, nil
}

// isDotAtom reports whether s is an RFC 5322 dot-atom-text.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && !isAtext(c) {
			return false
		}
	}
	return true
}

// isAtext reports whether c may appear in an RFC 5322 atom.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewMessageID returns a new random Message-ID at domain, without angle
// brackets.
func NewMessageID(domain string) string {
	var b [15]byte
	rand.Read(b[:])
	if !isDotAtom(domain) {
		domain = "newsdesk.invalid"
	}
	return idEncoding.EncodeToString(b[:]) + "@" + domain
}
