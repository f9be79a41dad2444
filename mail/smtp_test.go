package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/mail"
)

// newSMTP returns a sender to the sink, closed when the test ends.
func newSMTP(t testing.TB, s *sink, cfg mail.SMTPConfig) *mail.SMTP {
	t.Helper()
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	cfg.Port = s.port
	if cfg.TLS == "" {
		cfg.TLS = mail.NoTLS
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	sender, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	return sender
}

// numbered returns a message to reader n, with a VERP return path that
// names n.
func numbered(n int) *mail.Message {
	m := newsletter()
	m.To = []mail.Address{{Name: fmt.Sprintf("Léa Reader %d", n), Address: fmt.Sprintf("reader%d@example.net", n)}}
	m.Subject = fmt.Sprintf("Issue 12 for reader %d", n)
	m.Text = fmt.Sprintf("Hello reader %d.\n", n)
	m.HTML = fmt.Sprintf("<p>Hello reader %d.</p>\n", n)
	m.ReturnPath = fmt.Sprintf("bounces+%d@ledger.example.org", n)
	m.MessageID = fmt.Sprintf("issue-12.reader-%d@ledger.example.org", n)
	return m
}

// eachMode runs fn against a server that takes pipelined commands and
// against one that takes one at a time.
func eachMode(t *testing.T, fn func(t *testing.T, o sinkOptions)) {
	t.Run("pipelining", func(t *testing.T) { fn(t, sinkOptions{}) })
	t.Run("one command at a time", func(t *testing.T) { fn(t, sinkOptions{noPipelining: true}) })
}

func TestSMTPDelivers(t *testing.T) { eachMode(t, testSMTPDelivers) }

func testSMTPDelivers(t *testing.T, o sinkOptions) {
	s := newSink(t, o)
	sender := newSMTP(t, s, mail.SMTPConfig{})
	ctx := context.Background()
	for n := range 3 {
		if err := sender.Send(ctx, numbered(n)); err != nil {
			t.Fatal(err)
		}
	}
	hebrew := numbered(3)
	hebrew.To[0].Name = "עדה לאבלייס"
	hebrew.Subject = "גיליון השבוע: הנמל והגשר"
	hebrew.Text = "שלום, קוראת 3.\n"
	if err := sender.Send(ctx, hebrew); err != nil {
		t.Fatal(err)
	}

	msgs := s.messages()
	if len(msgs) != 4 {
		t.Fatalf("the server received %d messages, want 4", len(msgs))
	}
	for n, want := range []*mail.Message{numbered(0), numbered(1), numbered(2), hebrew} {
		got, err := find(msgs, want.MessageID)
		if err != nil {
			t.Fatalf("message %d: %v", n, err)
		}
		if got.From != want.ReturnPath {
			t.Errorf("message %d: MAIL FROM %q, want its own return path %q", n, got.From, want.ReturnPath)
		}
		if len(got.To) != 1 || got.To[0] != want.To[0].Address {
			t.Errorf("message %d: RCPT TO %q, want %q", n, got.To, want.To[0].Address)
		}
		d := mustDecode(t, got.Data)
		if d.To[0].Name != want.To[0].Name || d.To[0].Address != want.To[0].Address {
			t.Errorf("message %d: To %q <%s>, want %q <%s>", n, d.To[0].Name, d.To[0].Address, want.To[0].Name, want.To[0].Address)
		}
		if d.From.Name != want.From.Name || d.Subject != want.Subject {
			t.Errorf("message %d: From %q, Subject %q; want %q, %q", n, d.From.Name, d.Subject, want.From.Name, want.Subject)
		}
		if normBody(d.Text) != normBody(want.Text) || normBody(d.HTML) != normBody(want.HTML) {
			t.Errorf("message %d: parts %q / %q, want %q / %q", n, d.Text, d.HTML, want.Text, want.HTML)
		}
		if d.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(d.Header.Get("List-Unsubscribe"), "<https://") {
			t.Errorf("message %d: unsubscribe headers %q, %q", n, d.Header.Get("List-Unsubscribe"), d.Header.Get("List-Unsubscribe-Post"))
		}
		if date, err := d.Header.Date(); err != nil || !date.Equal(testDate) {
			t.Errorf("message %d: Date %v, want %v", n, date, testDate)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d connections for 4 messages sent one after another, want 1", n)
	}
}

func TestSMTPDatesMessagesByItsClock(t *testing.T) {
	s := newSink(t, sinkOptions{})
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sender := newSMTP(t, s, mail.SMTPConfig{Now: func() time.Time { return clock }})
	m := numbered(1)
	m.Date = time.Time{}
	m.MessageID = ""
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	d := mustDecode(t, s.messages()[0].Data)
	if date, _ := d.Header.Date(); !date.Equal(clock) {
		t.Errorf("Date %v, want the sender's clock %v", date, clock)
	}
	if id := d.Header.Get("Message-ID"); !strings.HasSuffix(id, "@ledger.example.org>") {
		t.Errorf("Message-ID %q, want one made up at the sender's domain", id)
	}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := testCert(t)
	s := newSink(t, sinkOptions{tls: serverTLS, users: map[string]string{"newsdesk": "s3cret"}})
	sender := newSMTP(t, s, mail.SMTPConfig{TLS: mail.StartTLS, TLSConfig: clientTLS, Username: "newsdesk", Password: "s3cret"})
	if err := sender.Send(context.Background(), numbered(1)); err != nil {
		t.Fatal(err)
	}
	got := s.messages()[0]
	if !got.TLS || got.User != "newsdesk" {
		t.Errorf("received over TLS %v, signed in as %q; want TLS as newsdesk", got.TLS, got.User)
	}

	t.Run("wrong password", func(t *testing.T) {
		sender := newSMTP(t, s, mail.SMTPConfig{TLS: mail.StartTLS, TLSConfig: clientTLS, Username: "newsdesk", Password: "wrong"})
		err := sender.Send(context.Background(), numbered(2))
		if !mail.IsSetup(err) || mail.IsPermanent(err) {
			t.Errorf("send with a wrong password: %v; want a setup error, not a permanent one (no address is at fault)", err)
		}
		if newsdesk.ErrorCode(err) != newsdesk.EUNAVAILABLE {
			t.Errorf("code %q, want %q", newsdesk.ErrorCode(err), newsdesk.EUNAVAILABLE)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		sender := newSMTP(t, s, mail.SMTPConfig{TLS: mail.StartTLS, Username: "newsdesk", Password: "s3cret"})
		if err := sender.Send(context.Background(), numbered(2)); !mail.IsSetup(err) {
			t.Errorf("send to a server whose certificate does not verify: %v; want a setup error", err)
		}
	})
	t.Run("password never sent in the clear", func(t *testing.T) {
		plain := newSink(t, sinkOptions{users: map[string]string{"newsdesk": "s3cret"}})
		sender := newSMTP(t, plain, mail.SMTPConfig{TLS: mail.Opportunistic, Username: "newsdesk", Password: "s3cret"})
		if err := sender.Send(context.Background(), numbered(2)); !mail.IsSetup(err) {
			t.Errorf("send with a password to a server without STARTTLS: %v; want a setup error", err)
		}
		if len(plain.messages()) != 0 {
			t.Error("the message went without signing in")
		}
	})
	t.Run("STARTTLS required", func(t *testing.T) {
		plain := newSink(t, sinkOptions{})
		sender := newSMTP(t, plain, mail.SMTPConfig{TLS: mail.StartTLS})
		if err := sender.Send(context.Background(), numbered(2)); !mail.IsSetup(err) {
			t.Errorf("send to a server without STARTTLS in starttls mode: %v; want a setup error", err)
		}
		if len(plain.messages()) != 0 {
			t.Error("the message went unencrypted")
		}
	})
	t.Run("opportunistic without STARTTLS", func(t *testing.T) {
		plain := newSink(t, sinkOptions{})
		sender := newSMTP(t, plain, mail.SMTPConfig{Host: "localhost", TLS: mail.Opportunistic})
		if err := sender.Send(context.Background(), numbered(2)); err != nil {
			t.Fatal(err)
		}
		if got := plain.messages(); len(got) != 1 || got[0].TLS {
			t.Errorf("received %v; want one message, unencrypted", got)
		}
	})
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := testCert(t)
	s := newSink(t, sinkOptions{tls: serverTLS, implicit: true, users: map[string]string{"newsdesk": "s3cret"}})
	sender := newSMTP(t, s, mail.SMTPConfig{TLS: mail.ImplicitTLS, TLSConfig: clientTLS, Username: "newsdesk", Password: "s3cret"})
	if err := sender.Send(context.Background(), numbered(1)); err != nil {
		t.Fatal(err)
	}
	if got := s.messages(); len(got) != 1 || !got[0].TLS || got[0].User != "newsdesk" {
		t.Errorf("received %+v; want one message over TLS from newsdesk", got)
	}
}

func TestNewSMTPRefuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  mail.SMTPConfig
	}{
		{"no host", mail.SMTPConfig{}},
		{"plaintext to another machine", mail.SMTPConfig{Host: "mail.example.org", TLS: mail.NoTLS}},
		{"unknown TLS mode", mail.SMTPConfig{Host: "mail.example.org", TLS: "ssl3"}},
		{"bad port", mail.SMTPConfig{Host: "mail.example.org", Port: 70000}},
		{"DKIM without key", mail.SMTPConfig{Host: "mail.example.org", DKIM: &mail.DKIM{Domain: "example.org", Selector: "s1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := mail.NewSMTP(tt.cfg); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				t.Errorf("NewSMTP: %v, want EINVALID", err)
			}
		})
	}
}

// TestSMTPClassifiesReplies checks that a 4xx is temporary and a 5xx to a
// recipient or a message permanent, with the codes kept, and that a
// refused message leaves the connection fit for the next.
func TestSMTPClassifiesReplies(t *testing.T) { eachMode(t, testSMTPClassifiesReplies) }

func testSMTPClassifiesReplies(t *testing.T, o sinkOptions) {
	s := newSink(t, o)
	s.onRcpt = func(to string) error {
		switch to {
		case "full@example.net":
			return reply(452, smtp.EnhancedCode{4, 2, 2}, "Mailbox full, try later")
		case "nobody@example.net":
			return reply(550, smtp.EnhancedCode{5, 1, 1}, "No such user")
		}
		return nil
	}
	s.onData = func(data []byte) error {
		if strings.Contains(string(data), "spam spam spam") {
			return reply(554, smtp.EnhancedCode{5, 7, 1}, "Message refused as spam")
		}
		return nil
	}
	s.onMail = func(from string) error {
		if from == "forged@elsewhere.example" {
			return reply(553, smtp.EnhancedCode{5, 7, 1}, "Sender not allowed")
		}
		return nil
	}
	sender := newSMTP(t, s, mail.SMTPConfig{})
	tests := []struct {
		name      string
		change    func(m *mail.Message)
		class     mail.Class
		stage     string
		code      int
		enhanced  string
		recipient string
	}{
		{"mailbox full", func(m *mail.Message) { m.To[0].Address = "full@example.net" }, mail.Temporary, "RCPT TO", 452, "4.2.2", "<full@example.net>"},
		{"no such user", func(m *mail.Message) { m.To[0].Address = "nobody@example.net" }, mail.Permanent, "RCPT TO", 550, "5.1.1", "<nobody@example.net>"},
		{"refused content", func(m *mail.Message) { m.Text = "spam spam spam" }, mail.Permanent, "end of data", 554, "5.7.1", ""},
		{"sender refused", func(m *mail.Message) { m.ReturnPath = "forged@elsewhere.example" }, mail.Setup, "MAIL FROM", 553, "5.7.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := numbered(1)
			tt.change(m)
			err := sender.Send(context.Background(), m)
			var se *mail.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send: %v, want a *SendError", err)
			}
			if se.Class != tt.class || se.Stage != tt.stage || se.Code != tt.code || se.Enhanced != tt.enhanced || se.Recipient != tt.recipient {
				t.Errorf("got %s %q %d %q %q, want %s %q %d %q %q", se.Class, se.Stage, se.Code, se.Enhanced, se.Recipient,
					tt.class, tt.stage, tt.code, tt.enhanced, tt.recipient)
			}
			if mail.IsTemporary(err) != (tt.class == mail.Temporary) || mail.IsPermanent(err) != (tt.class == mail.Permanent) {
				t.Errorf("IsTemporary %v, IsPermanent %v for %s", mail.IsTemporary(err), mail.IsPermanent(err), tt.class)
			}
			if msg := newsdesk.ErrorMessage(err); !strings.Contains(msg, fmt.Sprint(tt.code)) {
				t.Errorf("message for the user %q does not give the server's code", msg)
			}
			// The next message goes over the same connection.
			if err := sender.Send(context.Background(), numbered(2)); err != nil {
				t.Fatalf("the message after a refusal: %v", err)
			}
		})
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d connections; a refused message should not cost its connection", n)
	}
}

// TestSMTPReconnects checks that a server that refuses connections gives
// temporary errors, and that once it is back the same sender delivers,
// replacing without an error the pooled connections the restart broke.
func TestSMTPReconnects(t *testing.T) {
	s := newSink(t, sinkOptions{})
	sender := newSMTP(t, s, mail.SMTPConfig{Concurrency: 3})
	ctx := context.Background()
	sendAll := func(from, to int) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, to-from)
		for n := from; n < to; n++ {
			wg.Go(func() { errs <- sender.Send(ctx, numbered(n)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	sendAll(0, 9)

	s.stop()
	for n := 9; n < 12; n++ {
		err := sender.Send(ctx, numbered(n))
		if !mail.IsTemporary(err) {
			t.Fatalf("send while the server is down: %v, want a temporary error", err)
		}
		if newsdesk.ErrorCode(err) != newsdesk.EUNAVAILABLE {
			t.Errorf("code %q, want %q", newsdesk.ErrorCode(err), newsdesk.EUNAVAILABLE)
		}
	}

	s.restart()
	sendAll(9, 30)
	msgs := s.messages()
	for n := range 30 {
		if _, err := find(msgs, numbered(n).MessageID); err != nil {
			t.Errorf("reader %d: %v", n, err)
		}
	}
	if len(msgs) != 30 {
		t.Errorf("%d messages received, want 30, each once", len(msgs))
	}
}

// TestSMTPReplacesConnectionsClosedWhileIdle checks that a connection the
// server dropped while it sat in the pool is replaced before the message
// goes, without an error.
func TestSMTPReplacesConnectionsClosedWhileIdle(t *testing.T) {
	eachMode(t, testSMTPReplacesConnectionsClosedWhileIdle)
}

func testSMTPReplacesConnectionsClosedWhileIdle(t *testing.T, o sinkOptions) {
	s := newSink(t, o)
	sender := newSMTP(t, s, mail.SMTPConfig{})
	if err := sender.Send(context.Background(), numbered(1)); err != nil {
		t.Fatal(err)
	}
	s.stop() // closes the connection the sender keeps
	s.restart()
	if err := sender.Send(context.Background(), numbered(2)); err != nil {
		t.Fatalf("send over a connection the server closed: %v", err)
	}
	if n := s.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// TestSMTPPoolReuses sends many messages from many goroutines and counts
// the server's connections: no more than Concurrency.
func TestSMTPPoolReuses(t *testing.T) {
	s := newSink(t, sinkOptions{})
	sender := newSMTP(t, s, mail.SMTPConfig{Concurrency: 4})
	const messages = 400
	var wg sync.WaitGroup
	var failed sync.Map
	for w := range 16 {
		wg.Go(func() {
			for n := w; n < messages; n += 16 {
				if err := sender.Send(context.Background(), numbered(n)); err != nil {
					failed.Store(n, err)
				}
			}
		})
	}
	wg.Wait()
	failed.Range(func(k, v any) bool { t.Errorf("reader %v: %v", k, v); return true })
	if got := s.count.Load(); got != messages {
		t.Errorf("%d messages received, want %d", got, messages)
	}
	if n := s.conns.Load(); n > 4 {
		t.Errorf("%d connections for %d messages, want at most 4", n, messages)
	}
}

func TestSMTPMaxPerConnection(t *testing.T) {
	s := newSink(t, sinkOptions{})
	sender := newSMTP(t, s, mail.SMTPConfig{MaxPerConnection: 3})
	for n := range 10 {
		if err := sender.Send(context.Background(), numbered(n)); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.conns.Load(); n != 4 {
		t.Errorf("%d connections for 10 messages at 3 a connection, want 4", n)
	}
}

// TestSMTPRate checks the rate limit against the wall clock, with room
// for a slow machine on the slow side only.
func TestSMTPRate(t *testing.T) {
	s := newSink(t, sinkOptions{discard: true})
	const rate, concurrency, messages = 200.0, 4, 60
	sender := newSMTP(t, s, mail.SMTPConfig{Rate: rate, Concurrency: concurrency})
	start := time.Now()
	var wg sync.WaitGroup
	for n := range messages {
		wg.Go(func() {
			if err := sender.Send(context.Background(), numbered(n)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	// A burst of Concurrency goes at once; the rest one interval apart.
	least := time.Duration(float64(messages-concurrency) / rate * float64(time.Second))
	if elapsed < least {
		t.Errorf("%d messages at %v a second took %v, want at least %v", messages, rate, elapsed, least)
	}
	t.Logf("%d messages at %v a second: %v (at least %v)", messages, rate, elapsed, least)
}

// TestSMTPHonoursContext checks that a send stuck on a server that does
// not answer ends with its context, and says the message may have gone.
func TestSMTPHonoursContext(t *testing.T) {
	s := newSink(t, sinkOptions{})
	release := make(chan struct{})
	defer close(release)
	s.onData = func([]byte) error { <-release; return nil }
	sender := newSMTP(t, s, mail.SMTPConfig{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := sender.Send(ctx, numbered(1))
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Send took %v after its context ended", elapsed)
	}
	var se *mail.SendError
	if !errors.As(err, &se) || !se.MaybeSent || se.Class != mail.Temporary {
		t.Fatalf("Send: %v; want a temporary error that says the message may have gone", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send: %v; want it to wrap context.Canceled", err)
	}

	// A context that has ended before the send: nothing goes.
	if err := sender.Send(ctx, numbered(2)); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with an ended context: %v", err)
	}
}

// TestSMTPRefusesBeforeSending checks that a message that cannot be
// encoded costs no connection.
func TestSMTPRefusesBeforeSending(t *testing.T) {
	s := newSink(t, sinkOptions{})
	sender := newSMTP(t, s, mail.SMTPConfig{})
	m := numbered(1)
	m.To[0].Name = "Eve\r\nBcc: victim@example.com"
	if err := sender.Send(context.Background(), m); newsdesk.ErrorCode(err) != newsdesk.EINVALID || mail.IsPermanent(err) {
		t.Errorf("Send: %v, want EINVALID and no delivery class", err)
	}
	if n := s.conns.Load(); n != 0 {
		t.Errorf("%d connections for a message that cannot be sent", n)
	}
}

// TestSMTPAllRecipientsOrNone checks that a message to two recipients,
// one refused, reaches neither: pipelined, the server has taken DATA
// before the refusal is read, and the connection is dropped so that it
// takes nothing.
func TestSMTPAllRecipientsOrNone(t *testing.T) { eachMode(t, testSMTPAllRecipientsOrNone) }

func testSMTPAllRecipientsOrNone(t *testing.T, o sinkOptions) {
	s := newSink(t, o)
	s.onRcpt = func(to string) error {
		if to == "nobody@example.net" {
			return reply(550, smtp.EnhancedCode{5, 1, 1}, "No such user")
		}
		return nil
	}
	sender := newSMTP(t, s, mail.SMTPConfig{})
	m := numbered(1)
	m.To = append(m.To, mail.Address{Address: "nobody@example.net"})
	err := sender.Send(context.Background(), m)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Class != mail.Permanent || se.Recipient != "<nobody@example.net>" {
		t.Fatalf("Send: %v, want the second recipient refused for good", err)
	}
	if err := sender.Send(context.Background(), numbered(2)); err != nil {
		t.Fatal(err)
	}
	msgs := s.messages()
	if _, err := find(msgs, m.MessageID); err == nil {
		t.Error("the message reached the recipient the server took")
	}
	if len(msgs) != 1 {
		t.Errorf("%d messages received, want only the next one", len(msgs))
	}
}

// TestSMTPClosesIdleConnections checks that connections left unused for
// IdleTimeout are closed, and that Close closes the rest.
func TestSMTPClosesIdleConnections(t *testing.T) {
	s := newSink(t, sinkOptions{})
	sender := newSMTP(t, s, mail.SMTPConfig{IdleTimeout: 100 * time.Millisecond})
	if err := sender.Send(context.Background(), numbered(1)); err != nil {
		t.Fatal(err)
	}
	if s.open.Load() != 1 {
		t.Fatalf("%d connections open after a send, want 1 kept", s.open.Load())
	}
	waitFor(t, "the idle connection to close", func() bool { return s.open.Load() == 0 })
	if err := sender.Send(context.Background(), numbered(2)); err != nil {
		t.Fatal(err)
	}
	sender.Close()
	waitFor(t, "Close to close the connection", func() bool { return s.open.Load() == 0 })
	if err := sender.Send(context.Background(), numbered(3)); err == nil {
		t.Error("Send after Close went through")
	}
	if n := s.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}
