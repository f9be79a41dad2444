package mail

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when a waiter sleeps.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// TestLimiterSpacesSends checks the schedule the limiter keeps, on a fake
// clock: a burst at once, then one send an interval, however many
// goroutines ask.
func TestLimiterSpacesSends(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	l := newLimiter(100, 4, clock.Now) // 10ms apart, bursts of 4
	var mu sync.Mutex
	var at []time.Duration // when each send may go, from the start
	start := clock.now
	l.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		at = append(at, clock.Now().Add(d).Sub(start))
		mu.Unlock()
		return nil
	}
	for range 4 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(at) != 0 {
		t.Fatalf("the burst of 4 waited: %v", at)
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() { l.wait(context.Background()) })
	}
	wg.Wait()
	want := map[time.Duration]bool{10 * time.Millisecond: true, 20 * time.Millisecond: true, 30 * time.Millisecond: true,
		40 * time.Millisecond: true, 50 * time.Millisecond: true, 60 * time.Millisecond: true}
	for _, d := range at {
		if !want[d] {
			t.Errorf("a send was scheduled at %v; want each of 10ms..60ms once (%v)", d, at)
		}
		delete(want, d)
	}
	if len(want) != 0 {
		t.Errorf("slots %v were not used (%v)", want, at)
	}

	// After a quiet spell the burst is there again, but no more.
	clock.mu.Lock()
	clock.now = clock.now.Add(time.Second)
	clock.mu.Unlock()
	at = nil
	for range 5 {
		l.wait(context.Background())
	}
	if len(at) != 1 {
		t.Errorf("after a pause, %d of 5 sends waited, want 1 (the burst is 4)", len(at))
	}
}

func TestLimiterOff(t *testing.T) {
	if l := newLimiter(0, 4, time.Now); l != nil {
		t.Fatal("a rate of zero should mean no limiter")
	}
	var l *limiter
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestLimiterHonoursContext(t *testing.T) {
	l := newLimiter(1, 1, time.Now)
	l.wait(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait with an ended context: %v", err)
	}
}

// TestClassify covers the failures a test server cannot easily produce.
func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &syscallError{syscall.ECONNREFUSED}}
	tests := []struct {
		name  string
		stage string
		err   error
		class Class
	}{
		{"connection refused", "connect", refused, Temporary},
		{"timeout", "end of data", &net.OpError{Op: "read", Err: timeoutErr{}}, Temporary},
		{"eof", "MAIL FROM", io.EOF, Temporary},
		{"421 at connect", "connect", &textproto.Error{Code: 421, Msg: "4.3.2 shutting down"}, Temporary},
		{"535 at connect", "connect", fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 bad credentials"}), Setup},
		{"454 at connect", "connect", &textproto.Error{Code: 454, Msg: "4.7.0 TLS not available"}, Temporary},
		{"unknown CA", "connect", x509.UnknownAuthorityError{}, Setup},
		{"no STARTTLS", "connect", errors.New(`STARTTLS mode set to: "TLSMandatory", but target host does not support STARTTLS`), Setup},
		{"550 to RCPT", "RCPT TO", &textproto.Error{Code: 550, Msg: "5.1.1 no such user"}, Permanent},
		{"552 after data", "end of data", &textproto.Error{Code: 552, Msg: "5.3.4 message too big"}, Permanent},
		{"550 to MAIL", "MAIL FROM", &textproto.Error{Code: 550, Msg: "5.7.1 sender rejected"}, Setup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.stage, tt.err); got.Class != tt.class {
				t.Errorf("classify(%q, %v) = %s, want %s", tt.stage, tt.err, got.Class, tt.class)
			}
		})
	}
	e := classify("RCPT TO", &textproto.Error{Code: 550, Msg: "5.1.1 <x@example.net>: Recipient address rejected\nmore"})
	if e.Code != 550 || e.Enhanced != "5.1.1" || e.Reply != "<x@example.net>: Recipient address rejected more" {
		t.Errorf("codes kept: %d %q %q", e.Code, e.Enhanced, e.Reply)
	}
	if e := classify("RCPT TO", &textproto.Error{Code: 550, Msg: "4.1.1 mismatched"}); e.Enhanced != "" {
		t.Errorf("an enhanced code of another class than the reply was kept: %q", e.Enhanced)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// syscallError stands in for *os.SyscallError.
type syscallError struct{ err error }

func (e *syscallError) Error() string { return "connect: " + e.err.Error() }
func (e *syscallError) Unwrap() error { return e.err }
