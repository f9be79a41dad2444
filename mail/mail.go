// Package mail is newsdesk's outgoing e-mail: a Message and its encoding
// as RFC 5322 bytes, and the Senders that deliver it. SMTP sends through
// a mail server over a small pool of reused connections, at a bounded
// rate, DKIM-signed when a key is set; Outbox keeps each message in the
// database instead, for an install that has no mail server yet.
//
// Everything a message carries is checked before a byte is written: a
// name, subject or header value with a line break or control character,
// a malformed address or an oversized field is refused with a coded
// error (EINVALID or ETOOLARGE), so no caller can add a header by
// smuggling one into a field.
package mail

import (
	"context"
	"time"
)

// Sender delivers messages.
type Sender interface {
	// Send delivers m or returns why not: EINVALID or ETOOLARGE when the
	// message cannot be encoded, EUNAVAILABLE wrapping a *SendError when
	// the mail server or the network failed (see IsTemporary, IsPermanent
	// and IsSetup).
	Send(ctx context.Context, m *Message) error
}

// Address is a mailbox: an address and the name shown with it.
type Address struct {
	Name    string // display name, any Unicode text; may be empty
	Address string // user@example.org
}

// Header is an extra header field of a message, such as List-Id or
// Feedback-ID. Its value is ASCII text; fields the encoder writes itself
// (From, Subject, the MIME fields, List-Unsubscribe and others) cannot be
// given this way.
type Header struct {
	Name  string
	Value string
}

// Message is one e-mail. From, at least one To and a Text or HTML part
// are required; with both parts the message is multipart/alternative,
// and readers show the HTML one when they can.
type Message struct {
	From    Address
	To      []Address
	ReplyTo Address // zero for none
	Subject string
	Text    string // the plain-text part
	HTML    string // the HTML part

	// ListUnsubscribe holds the addresses (https: or mailto: URLs) that
	// unsubscribe the recipient, for the List-Unsubscribe header
	// (RFC 2369). ListUnsubscribePost adds List-Unsubscribe-Post:
	// List-Unsubscribe=One-Click (RFC 8058), which asks for an https
	// address among them.
	ListUnsubscribe     []string
	ListUnsubscribePost bool

	// Headers are extra header fields, written in order.
	Headers []Header

	// ReturnPath is the envelope sender (SMTP MAIL FROM), where bounces
	// go. Empty means From's address. A per-message address here (VERP,
	// such as bounces+4711@news.example.org) tells a bounce's recipient.
	ReturnPath string

	// MessageID is the Message-ID, without angle brackets
	// (local@domain). Empty means a random one at From's domain; a caller
	// that may send the same message twice (a retry after a crash) should
	// set one derived from what it sends, so that the copies can be told
	// apart as one.
	MessageID string

	// Date is when the message was written. Zero means when a Sender
	// sends it, by its clock.
	Date time.Time
}

// Limits on what a message may carry. Larger fields are refused with
// ETOOLARGE rather than cut, since a cut address or link would be wrong.
const (
	MaxNameLength      = 256     // bytes of a display name
	MaxAddressLength   = 254     // bytes of an address (RFC 5321's path limit, less the brackets)
	MaxSubjectLength   = 998     // bytes of a subject, before encoding
	MaxHeaderLength    = 2048    // bytes of an extra header's value, or of all List-Unsubscribe URLs
	MaxHeaders         = 32      // extra header fields
	MaxRecipients      = 100     // To addresses
	MaxPartLength      = 8 << 20 // bytes of the text part, and of the HTML part
	MaxMessageIDLength = 250     // bytes of a Message-ID
)
