package mail_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server took it.
type received struct {
	From string   // MAIL FROM, without brackets
	To   []string // RCPT TO, without brackets
	Data []byte
	User string // who signed in, "" for nobody
	TLS  bool   // whether the connection was encrypted
}

// sink is a real SMTP server (go-smtp) on a loopback port that records
// every message it accepts, and counts connections. Its hooks answer
// commands as a test needs.
type sink struct {
	t      testing.TB
	srv    *smtp.Server
	addr   string
	port   int
	conns  atomic.Int64 // connections made
	open   atomic.Int64 // connections open now
	count  atomic.Int64
	keep   bool // record messages (the benchmark only counts them)
	hide   bool // hide PIPELINING
	users  map[string]string
	tlsCfg *tls.Config
	ln     net.Listener

	// onRcpt and onData, when set, answer RCPT TO and the message; a
	// non-nil error is the reply (*smtp.SMTPError for a code).
	onMail func(from string) error
	onRcpt func(to string) error
	onData func(data []byte) error

	mu   sync.Mutex
	msgs []received
}

type sinkOptions struct {
	users    map[string]string // require AUTH PLAIN with one of these
	tls      *tls.Config       // offer STARTTLS
	implicit bool              // speak TLS from the first byte
	discard  bool              // only count messages
	// noPipelining hides PIPELINING from EHLO's answer (go-smtp always
	// offers it), so that the client speaks one command at a time.
	noPipelining bool
}

func newSink(t testing.TB, o sinkOptions) *sink {
	t.Helper()
	s := &sink{t: t, users: o.users, tlsCfg: o.tls, keep: !o.discard, hide: o.noPipelining}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.hide {
		ln = hidePipelining{ln}
	}
	s.addr = ln.Addr().String()
	s.port = ln.Addr().(*net.TCPAddr).Port
	s.start(ln, o.implicit)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// start serves on ln.
func (s *sink) start(ln net.Listener, implicit bool) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.conns.Add(1)
		s.open.Add(1)
		return &session{s: s, c: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 32 << 20
	srv.MaxRecipients = 200
	srv.TLSConfig = s.tlsCfg
	if implicit {
		ln = tls.NewListener(ln, s.tlsCfg)
	}
	s.srv = srv
	s.ln = ln
	go srv.Serve(ln)
}

// stop closes the listener and every connection: the port then refuses
// connections.
func (s *sink) stop() { s.srv.Close() }

// restart listens on the same port again.
func (s *sink) restart() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	if s.hide {
		ln = hidePipelining{ln}
	}
	s.start(ln, false)
	s.t.Cleanup(func() { s.srv.Close() })
}

// hidePipelining renames PIPELINING in what the server writes.
type hidePipelining struct{ net.Listener }

func (l hidePipelining) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return renamingConn{c}, nil
}

type renamingConn struct{ net.Conn }

func (c renamingConn) Write(b []byte) (int, error) {
	return c.Conn.Write(bytes.ReplaceAll(b, []byte("PIPELINING"), []byte("XPIPELINED")))
}

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type session struct {
	s    *sink
	c    *smtp.Conn
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if p, ok := ss.s.users[username]; !ok || p != password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.users != nil && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if ss.s.onMail != nil {
		if err := ss.s.onMail(from); err != nil {
			return err
		}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.onRcpt != nil {
		if err := ss.s.onRcpt(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if !ss.s.keep && ss.s.onData == nil {
		_, err := io.Copy(io.Discard, r)
		ss.s.count.Add(1)
		return err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.onData != nil {
		if err := ss.s.onData(data); err != nil {
			return err
		}
	}
	_, isTLS := ss.c.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, received{From: ss.from, To: ss.to, Data: data, User: ss.user, TLS: isTLS})
	ss.s.mu.Unlock()
	ss.s.count.Add(1)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error {
	ss.s.open.Add(-1)
	return nil
}

// reply returns an SMTP error reply with an enhanced code.
func reply(code int, enhanced smtp.EnhancedCode, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: msg}
}

// testCert returns a server TLS config with a self-signed certificate
// for 127.0.0.1 and localhost, and a client config that trusts it.
func testCert(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "newsdesk test mail server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// waitFor polls cond for up to five seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var errNotReceived = errors.New("not received")

// find returns the message whose data holds marker.
func find(msgs []received, marker string) (received, error) {
	for _, m := range msgs {
		if bytes.Contains(m.Data, []byte(marker)) {
			return m, nil
		}
	}
	return received{}, errNotReceived
}
