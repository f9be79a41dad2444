package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/newsdesk/newsdesk"
)

// TLSMode says how the connection to the mail server is encrypted.
type TLSMode string

// The TLS modes.
const (
	// StartTLS requires STARTTLS (RFC 3207), usually on port 587: a
	// server that does not offer it is not sent to.
	StartTLS TLSMode = "starttls"
	// Opportunistic uses STARTTLS when the server offers it and sends in
	// the clear otherwise; a password is never sent in the clear.
	Opportunistic TLSMode = "opportunistic"
	// ImplicitTLS speaks TLS from the first byte (RFC 8314), usually on
	// port 465.
	ImplicitTLS TLSMode = "tls"
	// NoTLS never encrypts. It is allowed only for a server on this
	// machine (localhost, 127.0.0.1, ::1), such as a local relay.
	NoTLS TLSMode = "none"
)

// SMTPConfig is how to reach the mail server and how hard to use it.
type SMTPConfig struct {
	Host      string
	Port      int // zero for 587, or 465 with ImplicitTLS, or 25 with NoTLS
	Username  string
	Password  string
	TLS       TLSMode     // "" is StartTLS
	TLSConfig *tls.Config // nil for the system's roots and Host as the server name

	// LocalName is the name newsdesk gives in EHLO; "" is the machine's
	// host name.
	LocalName string

	// Concurrency is how many messages go at once, each over a
	// connection of its own; connections are kept open and reused, so it
	// is also the most connections newsdesk holds. Zero is 4.
	Concurrency int
	// Rate is the most messages a second, over all connections. Zero is
	// no limit.
	Rate float64

	// Timeout bounds connecting and each command. Zero is 30 seconds.
	Timeout time.Duration
	// IdleTimeout is how long a connection may sit unused and still be
	// reused, kept under the server's own (Postfix waits 300 seconds).
	// Zero is 30 seconds.
	IdleTimeout time.Duration
	// MaxPerConnection is how many messages go over one connection
	// before it is closed for a fresh one, under the limits servers set.
	// Zero is 500.
	MaxPerConnection int

	// DKIM, when set, signs every message.
	DKIM *DKIM

	// Now is the clock that dates messages; nil is time.Now.
	Now func() time.Time
}

// SMTP sends messages through a mail server. It keeps up to Concurrency
// connections open and hands each send one that is free, so a long send
// dials only a handful of times; a connection that broke is dropped and
// replaced, and one that the server closed while it sat idle is noticed
// before the message goes and replaced without an error. It is safe for
// concurrent use; Close closes the connections.
type SMTP struct {
	client      *gomail.Client
	tls         TLSMode
	tlsConfig   *tls.Config
	timeout     time.Duration
	idleTimeout time.Duration
	maxPerConn  int
	signer      *signer
	limit       *limiter
	now         func() time.Time

	slots chan struct{} // one per send in progress

	mu      sync.Mutex
	idle    []*conn // free connections, the most recently used last
	reaping bool    // a timer will close the connections idle too long
	closed  bool

	bufs sync.Pool // *[]byte for encoding
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a Sender for the server cfg names. It does not connect
// until the first Send. It returns EINVALID for settings that cannot
// work: no host, an unknown TLS mode, NoTLS to another machine, an
// unusable DKIM key.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host := strings.TrimSpace(cfg.Host)
	if host == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The mail server's host is missing.")
	}
	mode := cfg.TLS
	if mode == "" {
		mode = StartTLS
	}
	port := cfg.Port
	switch mode {
	case StartTLS, Opportunistic:
		port = orDefault(port, 587)
	case ImplicitTLS:
		port = orDefault(port, 465)
	case NoTLS:
		if !isLoopback(host) {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "Mail to %s would cross the network unencrypted: TLS mode %q is only for a server on this machine.", host, NoTLS)
		}
		port = orDefault(port, 25)
	default:
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Unknown TLS mode %q: use starttls, opportunistic, tls or none.", cfg.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The mail server's port %d is not a port.", port)
	}
	s := &SMTP{
		tls:         mode,
		timeout:     durationOr(cfg.Timeout, 30*time.Second),
		idleTimeout: durationOr(cfg.IdleTimeout, 30*time.Second),
		maxPerConn:  orDefault(cfg.MaxPerConnection, 500),
		now:         cfg.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	concurrency := orDefault(cfg.Concurrency, 4)
	s.slots = make(chan struct{}, concurrency)
	s.limit = newLimiter(cfg.Rate, concurrency, time.Now)
	if cfg.TLSConfig != nil {
		s.tlsConfig = cfg.TLSConfig.Clone()
	} else {
		s.tlsConfig = &tls.Config{}
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = host
	}
	if s.tlsConfig.MinVersion == 0 {
		s.tlsConfig.MinVersion = tls.VersionTLS12
	}
	if cfg.DKIM != nil {
		var err error
		if s.signer, err = newSigner(*cfg.DKIM); err != nil {
			return nil, err
		}
	}

	opts := []gomail.Option{
		gomail.WithPort(port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tlsConfig),
		gomail.WithDialContextFunc(s.dial),
		// Messages are 7-bit ASCII with ASCII addresses: SMTPUTF8 is
		// never needed.
		gomail.WithoutSMTPUTF8(),
	}
	switch mode {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Opportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case ImplicitTLS:
		// s.dial speaks TLS from the start; go-mail sees a TLS
		// connection, offers no STARTTLS, and signs in as over TLS.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.LocalName != "" {
		opts = append(opts, gomail.WithHELO(cfg.LocalName))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover // the strongest mechanism offered, never a password in the clear
		if mode == NoTLS {
			auth = gomail.SMTPAuthPlainNoEnc // on this machine only
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "The mail settings are not usable.")
	}
	s.client = client
	return s, nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func durationOr(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send encodes m, signs it when DKIM is set, waits for a free slot and
// the rate limit, and delivers it over a pooled connection. A zero Date
// is taken from the clock, an empty MessageID made up. Errors: EINVALID
// or ETOOLARGE for a message that cannot be encoded; EUNAVAILABLE wrapping
// a *SendError for a failed delivery; ctx's error when it ends before the
// message goes.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer func() {
		if cap(*bp) <= 1<<20 {
			s.bufs.Put(bp)
		}
	}()
	date := m.Date
	if date.IsZero() {
		date = s.now()
	}
	raw, env, err := m.encode((*bp)[:0], date)
	*bp = raw
	if err != nil {
		return err
	}
	var sig string
	if s.signer != nil {
		if sig, err = s.signer.sign(raw, env.headers); err != nil {
			return fmt.Errorf("dkim sign: %w", err)
		}
	}

	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	if err := s.limit.wait(ctx); err != nil {
		return err
	}
	return s.deliver(ctx, env, sig, raw)
}

// deliver runs one mail transaction. A connection that was reused and
// fails before any of the message went (the server closed it while it
// sat idle, or answers 421 as it closes) is replaced once, silently.
func (s *SMTP) deliver(ctx context.Context, env *envelope, sig string, raw []byte) error {
	for attempt := 0; ; attempt++ {
		c, reused, err := s.get(ctx)
		if err != nil {
			return userError(s.failed(ctx, "connect", "", err))
		}
		stage, rcpt, err := s.transact(ctx, c, env, sig, raw)
		if err == nil {
			s.put(c, true)
			return nil
		}
		var reply *textproto.Error
		isReply := errors.As(err, &reply)
		if isReply && reply.Code != 421 && s.reset(c) {
			s.put(c, false)
		} else {
			c.nc.Close()
		}
		if reused && attempt == 0 && stage == "MAIL FROM" && (!isReply || reply.Code == 421) && ctx.Err() == nil {
			continue
		}
		return userError(s.failed(ctx, stage, rcpt, err))
	}
}

// failed classifies err, noting whether ctx ended it.
func (s *SMTP) failed(ctx context.Context, stage, rcpt string, err error) *SendError {
	e := classify(stage, err)
	e.Recipient = rcpt
	if stage == "end of data" && e.Code == 0 {
		e.MaybeSent = true
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		e.Err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return e
}

// reset aborts a refused transaction so that the connection can carry
// the next one.
func (s *SMTP) reset(c *conn) bool {
	c.nc.SetDeadline(time.Now().Add(s.timeout))
	return c.c.Reset() == nil
}

// transact sends one message over c. It returns the stage that failed
// and, for RCPT TO, the recipient refused. The socket's deadline bounds
// the whole transaction by Timeout and ctx's deadline, and ctx ending
// moves it to the past, so that a send is never stuck on a silent server.
func (s *SMTP) transact(ctx context.Context, c *conn, env *envelope, sig string, raw []byte) (stage, rcpt string, err error) {
	deadline := time.Now().Add(s.timeout + s.timeout*time.Duration(len(raw)>>20))
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if c.pipelining {
		if stage, rcpt, err := pipeline(c, env); err != nil {
			return stage, rcpt, err
		}
	} else {
		if err := c.c.Mail(env.from); err != nil {
			return "MAIL FROM", "", err
		}
		for _, to := range env.to {
			if err := c.c.Rcpt(to); err != nil {
				return "RCPT TO", to, err
			}
		}
		// DATA is spoken here rather than through go-mail's writer,
		// which stuffs dots a byte at a time: the message goes in a few
		// copies.
		id, err := c.c.Text.Cmd("DATA")
		if err != nil {
			return "DATA", "", err
		}
		c.c.Text.StartResponse(id)
		_, _, err = c.c.Text.ReadResponse(354)
		c.c.Text.EndResponse(id)
		if err != nil {
			return "DATA", "", err
		}
	}
	text := c.c.Text
	writeStuffed(text.W, []byte(sig))
	writeStuffed(text.W, raw)
	text.W.WriteString(".\r\n")
	if err := text.W.Flush(); err != nil {
		return "end of data", "", err
	}
	if _, _, err := text.ReadResponse(250); err != nil {
		return "end of data", "", err
	}
	return "", "", nil
}

// pipeline sends MAIL FROM, the RCPT TOs and DATA in one write and reads
// their replies (RFC 2920), so that a message costs two round trips
// rather than four. It returns the first command refused. Should the
// server take DATA all the same, closing the connection is the only way
// to take nothing (RFC 5321 section 4.1.1.4), and it is closed.
func pipeline(c *conn, env *envelope) (stage, rcpt string, err error) {
	text := c.c.Text
	w := text.W
	w.WriteString("MAIL FROM:")
	w.WriteString(env.from)
	w.WriteString("\r\n")
	for _, to := range env.to {
		w.WriteString("RCPT TO:")
		w.WriteString(to)
		w.WriteString("\r\n")
	}
	w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return "MAIL FROM", "", err
	}
	var refused error
	if _, _, err := text.ReadResponse(250); err != nil {
		if !isReply(err) {
			return "MAIL FROM", "", err
		}
		stage, refused = "MAIL FROM", err
	}
	for _, to := range env.to {
		if _, _, err := text.ReadResponse(25); err != nil {
			if !isReply(err) {
				return "RCPT TO", to, err
			}
			if refused == nil {
				stage, rcpt, refused = "RCPT TO", to, err
			}
		}
	}
	_, _, err = text.ReadResponse(354)
	switch {
	case err == nil && refused != nil:
		c.nc.Close()
		return stage, rcpt, refused
	case refused != nil:
		return stage, rcpt, refused
	case err != nil:
		return "DATA", "", err
	}
	return "", "", nil
}

func isReply(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply)
}

var newlineDot = []byte("\n.")

// writeStuffed writes b, which starts a line and ends with CRLF, doubling
// the dot that starts any line (RFC 5321 section 4.5.2). The encoder
// writes no such line, so this is a safeguard that costs a scan.
func writeStuffed(w *bufio.Writer, b []byte) {
	if len(b) > 0 && b[0] == '.' {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(b, newlineDot)
		if i < 0 {
			w.Write(b)
			return
		}
		w.Write(b[:i+1])
		w.WriteByte('.')
		b = b[i+1:]
	}
}

// String describes the sender for the log, without the password.
func (s *SMTP) String() string {
	return "smtp://" + s.client.ServerAddr() + " (" + string(s.tls) + ")"
}
