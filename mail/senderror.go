package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// Class says what a failed send means, and so what to do about it.
type Class int

const (
	// Temporary: try the message again later. The server answered 4xx,
	// or could not be reached, or the connection broke or timed out.
	Temporary Class = iota + 1
	// Permanent: the server refused this recipient or this message for
	// good (5xx to RCPT TO or to the message itself). Sending it again
	// will fail again; the address should be suppressed.
	Permanent
	// Setup: newsdesk's own mail settings are wrong: the server refused
	// the sign-in or the sender address, or offered no STARTTLS where it
	// is required, or its certificate did not verify. No recipient is at
	// fault, so none should be suppressed; every message will fail the
	// same way until an admin fixes the settings.
	Setup
)

func (c Class) String() string {
	switch c {
	case Temporary:
		return "temporary"
	case Permanent:
		return "permanent"
	case Setup:
		return "setup"
	}
	return "unknown"
}

// SendError is a failed delivery as the server, or the network, told it.
// The SMTP codes are kept for the log and for deciding, say, a 5.1.1 (no
// such user) apart from a 5.7.1 (refused by policy).
type SendError struct {
	Class     Class
	Stage     string // "connect", "MAIL FROM", "RCPT TO", "DATA" or "end of data"
	Code      int    // the SMTP reply code, such as 550; 0 without a reply
	Enhanced  string // the enhanced status code (RFC 3463), such as "5.1.1"; "" without one
	Reply     string // the server's reply text, without the codes
	Recipient string // the address a RCPT TO failure names
	// MaybeSent is set when the message was handed over but the server's
	// answer was lost (the connection broke after the final dot): the
	// server may have accepted it, so sending it again may deliver it
	// twice. It is Temporary.
	MaybeSent bool
	Err       error
}

// Error says what failed, with the server's codes.
func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "smtp %s", e.Stage)
	if e.Recipient != "" {
		fmt.Fprintf(&b, " %s", e.Recipient)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d", e.Code)
		if e.Enhanced != "" {
			fmt.Fprintf(&b, " %s", e.Enhanced)
		}
		if e.Reply != "" {
			fmt.Fprintf(&b, " %s", e.Reply)
		}
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	fmt.Fprintf(&b, " (%s)", e.Class)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// classOf returns the Class of err's *SendError, or 0.
func classOf(err error) Class {
	var e *SendError
	if errors.As(err, &e) {
		return e.Class
	}
	return 0
}

// IsTemporary reports whether err is a send that may succeed later
// (4xx, a timeout, a server that cannot be reached).
func IsTemporary(err error) bool { return classOf(err) == Temporary }

// IsPermanent reports whether err is a recipient or message refused for
// good (5xx to RCPT TO or to the message): the address should be
// suppressed.
func IsPermanent(err error) bool { return classOf(err) == Permanent }

// IsSetup reports whether err comes from newsdesk's own mail settings
// (sign-in refused, sender refused, TLS): nobody's address is at fault.
func IsSetup(err error) bool { return classOf(err) == Setup }

// userError wraps a SendError for the user: EUNAVAILABLE, as for any
// remote party that failed, with a message an admin can act on.
func userError(e *SendError) error {
	var msg string
	switch e.Class {
	case Permanent:
		msg = "The mail server refused the message for good"
	case Setup:
		msg = "The mail server refused newsdesk's mail settings"
	default:
		msg = "The mail server could not take the message now"
	}
	if e.Code != 0 {
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, e, "%s (%d %s).", msg, e.Code, cleanReply(e.Enhanced+" "+e.Reply))
	}
	return newsdesk.WrapError(newsdesk.EUNAVAILABLE, e, "%s.", msg)
}

// cleanReply makes a server's reply text fit to show: one line, no
// control characters, at most 200 bytes.
func cleanReply(s string) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	return newsdesk.Truncate(s, 200)
}

// classify turns what a command of stage returned into a *SendError. A
// reply is judged by its code and the stage: 4xx is always Temporary; 5xx
// is Permanent only where it speaks of the recipient or the message, and
// Setup where it speaks of the connection, the sign-in or the sender.
// Without a reply, a broken or refused connection or a timeout is
// Temporary, and a certificate that did not verify is Setup.
func classify(stage string, err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	e := &SendError{Stage: stage, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code = tp.Code
		e.Reply = tp.Msg
		if first, rest, ok := strings.Cut(tp.Msg, " "); ok && isEnhanced(first, tp.Code) {
			e.Enhanced, e.Reply = first, rest
		} else if isEnhanced(tp.Msg, tp.Code) {
			e.Enhanced, e.Reply = tp.Msg, ""
		}
		e.Reply = cleanReply(e.Reply)
		switch {
		case tp.Code >= 400 && tp.Code < 500:
			e.Class = Temporary
		case stage == "RCPT TO" || stage == "DATA" || stage == "end of data":
			e.Class = Permanent
		default:
			e.Class = Setup
		}
		return e
	}
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		e.Class = Setup
	case errors.As(err, &netErr), errors.As(err, &opErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		e.Class = Temporary
	case stage == "connect":
		// What remains at connect comes from go-mail's checks of the
		// server against the settings: no STARTTLS where it is
		// required, no AUTH where a user name is set, a password that
		// would cross the network unencrypted.
		e.Class = Setup
	default:
		e.Class = Temporary
	}
	return e
}

// isEnhanced reports whether s is an enhanced status code (RFC 3463)
// whose class agrees with the reply code: "5.1.1" with 550.
func isEnhanced(s string, code int) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || parts[0][0] != byte('0'+code/100) {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}
