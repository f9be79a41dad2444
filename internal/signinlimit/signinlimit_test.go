package signinlimit

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestLimiter() (*Limiter, *testClock) {
	clock := &testClock{t: time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)}
	return New(clock.now), clock
}

// fail makes one failed attempt, which must be let through.
func fail(t *testing.T, l *Limiter, account, address string) (limited bool) {
	t.Helper()
	a, err := l.Begin(context.Background(), account, address)
	if err != nil {
		t.Fatalf("attempt for %s from %s: %v", account, address, err)
	}
	return a.Fail()
}

// refusedFor returns how long Begin says to wait, or 0 if it lets the
// attempt through (and releases it).
func refusedFor(t *testing.T, l *Limiter, account, address string) time.Duration {
	t.Helper()
	a, err := l.Begin(context.Background(), account, address)
	if err == nil {
		a.Release()
		return 0
	}
	var refused *Refused
	if !errors.As(err, &refused) || newsdesk.ErrorCode(err) != newsdesk.ERATELIMITED || newsdesk.ErrorStatus(err) != 429 {
		t.Fatalf("refusal %v (code %q), want ERATELIMITED wrapping *Refused", err, newsdesk.ErrorCode(err))
	}
	return refused.Wait
}

func TestLimitPerAccount(t *testing.T) {
	l, clock := newTestLimiter()
	for i := range MaxFailures {
		if limited := fail(t, l, "editor@example.org", fmt.Sprintf("203.0.113.%d", i)); limited != (i == MaxFailures-1) {
			t.Errorf("failure %d: limited %v", i+1, limited)
		}
		clock.advance(time.Minute)
	}
	// However the address is spelled.
	if wait := refusedFor(t, l, " Editor@Example.ORG", "198.51.100.1"); wait != 10*time.Minute {
		t.Errorf("after five failures: wait %v, want 10m (the first failure is 5 minutes old)", wait)
	}
	if wait := refusedFor(t, l, "other@example.org", "198.51.100.1"); wait != 0 {
		t.Errorf("another account: wait %v", wait)
	}
	clock.advance(10 * time.Minute)
	if wait := refusedFor(t, l, "editor@example.org", "198.51.100.1"); wait != 0 {
		t.Errorf("once the first failure is 15 minutes old: wait %v", wait)
	}
}

func TestLimitPerAddress(t *testing.T) {
	l, _ := newTestLimiter()
	for i := range MaxFailures {
		fail(t, l, fmt.Sprintf("%c@example.org", 'a'+i), "198.51.100.7")
	}
	if wait := refusedFor(t, l, "editor@example.org", "198.51.100.7"); wait != Window {
		t.Errorf("from the address: wait %v, want %v", wait, Window)
	}
	if wait := refusedFor(t, l, "editor@example.org", "198.51.100.8"); wait != 0 {
		t.Errorf("from another address: wait %v", wait)
	}
}

func TestEndings(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(*Attempt)
		// how many more failures the account and the address take
		// before the limit, after four failures and this ending
		account, address int
	}{
		{"release", (*Attempt).Release, 1, 1},
		{"forgive", (*Attempt).Forgive, MaxFailures, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := newTestLimiter()
			for i := range MaxFailures - 1 {
				fail(t, l, "editor@example.org", "198.51.100.7")
				fail(t, l, fmt.Sprintf("%d@example.org", i), "203.0.113.1")
			}
			a, err := l.Begin(context.Background(), "editor@example.org", "203.0.113.1")
			if err != nil {
				t.Fatal(err)
			}
			tc.end(a)
			a.Fail() // an attempt ended stays ended
			for i := range tc.account {
				if wait := refusedFor(t, l, "editor@example.org", fmt.Sprintf("192.0.2.%d", i)); wait != 0 {
					t.Fatalf("account: refused after %d more failures, want %d", i, tc.account)
				}
				fail(t, l, "editor@example.org", fmt.Sprintf("192.0.2.%d", i))
			}
			if wait := refusedFor(t, l, "editor@example.org", "192.0.2.100"); wait == 0 {
				t.Errorf("account: not refused after %d more failures", tc.account)
			}
			for i := range tc.address {
				fail(t, l, fmt.Sprintf("x%d@example.org", i), "203.0.113.1")
			}
			if wait := refusedFor(t, l, "y@example.org", "203.0.113.1"); wait == 0 {
				t.Errorf("address: not refused after %d more failures", tc.address)
			}
		})
	}
}

// Attempts being checked count until they end: a sixth waits for one of
// five to end, and is refused if all five fail, let through if one
// succeeds, and gives up when its context ends.
func TestAttemptsUnderWay(t *testing.T) {
	for _, tc := range []struct {
		name    string
		end     func(first *Attempt, rest []*Attempt, cancel func())
		refused bool
		gaveUp  bool
	}{
		{"all fail", func(first *Attempt, rest []*Attempt, _ func()) {
			first.Fail()
			for _, a := range rest {
				a.Fail()
			}
		}, true, false},
		{"one right", func(first *Attempt, _ []*Attempt, _ func()) { first.Release() }, false, false},
		{"client leaves", func(_ *Attempt, _ []*Attempt, cancel func()) { cancel() }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := newTestLimiter()
			var under []*Attempt
			for range MaxFailures {
				a, err := l.Begin(context.Background(), "editor@example.org", "203.0.113.1")
				if err != nil {
					t.Fatal(err)
				}
				under = append(under, a)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type outcome struct {
				a   *Attempt
				err error
			}
			sixth := make(chan outcome, 1)
			go func() {
				a, err := l.Begin(ctx, "editor@example.org", "203.0.113.1")
				sixth <- outcome{a, err}
			}()
			select {
			case o := <-sixth:
				t.Fatalf("a sixth attempt did not wait for five under way: %v", o.err)
			case <-time.After(50 * time.Millisecond):
			}
			tc.end(under[0], under[1:], cancel)
			var o outcome
			select {
			case o = <-sixth:
			case <-time.After(5 * time.Second):
				t.Fatal("the sixth attempt still waits")
			}
			var refused *Refused
			switch {
			case tc.refused && !errors.As(o.err, &refused):
				t.Errorf("sixth attempt: %v, want refused", o.err)
			case tc.gaveUp && !errors.Is(o.err, context.Canceled):
				t.Errorf("sixth attempt: %v, want the context's error", o.err)
			case !tc.refused && !tc.gaveUp && o.err != nil:
				t.Errorf("sixth attempt: %v, want let through", o.err)
			}
		})
	}
}

func TestRefusal(t *testing.T) {
	for _, tc := range []struct {
		wait       time.Duration
		retryAfter string
		tryAgainIn string
	}{
		{Window, "900", "15 minutes"},
		{30 * time.Second, "30", "1 minute"},
		{61*time.Second + time.Millisecond, "62", "2 minutes"},
	} {
		l, clock := newTestLimiter()
		for range MaxFailures {
			fail(t, l, "editor@example.org", "203.0.113.1")
		}
		clock.advance(Window - tc.wait)
		_, err := l.Begin(context.Background(), "editor@example.org", "203.0.113.1")
		var refused *Refused
		if !errors.As(err, &refused) {
			t.Fatalf("wait %v: %v, want refused", tc.wait, err)
		}
		want := "Too many failed sign-ins for this account or from your address. Try again in " + tc.tryAgainIn + "."
		if refused.RetryAfter() != tc.retryAfter || newsdesk.ErrorMessage(err) != want {
			t.Errorf("wait %v: Retry-After %q, message %q; want %q, %q", tc.wait, refused.RetryAfter(), newsdesk.ErrorMessage(err), tc.retryAfter, want)
		}
	}
}

// Attempts at endless made-up accounts do not fill the memory.
func TestTrackedBound(t *testing.T) {
	l, clock := newTestLimiter()
	for i := range maxTracked + 100 {
		fail(t, l, fmt.Sprintf("%d@example.org", i), fmt.Sprintf("2001:db8:%x::1", i))
		if i%1000 == 0 {
			clock.advance(time.Millisecond)
		}
	}
	if n := len(l.keys); n > maxTracked {
		t.Errorf("%d keys tracked, want at most %d", n, maxTracked)
	}
	clock.advance(Window)
	fail(t, l, "editor@example.org", "203.0.113.1")
	if n := len(l.keys); n != 2 {
		t.Errorf("%d keys tracked a window later, want 2", n)
	}
}

func TestClientAddress(t *testing.T) {
	for _, tc := range []struct {
		name, remote string
		forwarded    []string // X-Forwarded-For, once per header
		want         string
	}{
		{"direct", "203.0.113.9:4242", nil, "203.0.113.9"},
		{"direct ignores X-Forwarded-For", "203.0.113.9:4242", []string{"198.51.100.1"}, "203.0.113.9"},
		{"direct IPv6 counts by /64", "[2001:db8:1:2::a]:4242", nil, "2001:db8:1:2::/64"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.9]:4242", nil, "203.0.113.9"},
		{"behind a proxy", "127.0.0.1:4242", []string{"198.51.100.1"}, "198.51.100.1"},
		{"rightmost public", "10.0.0.2:4242", []string{"203.0.113.99, 198.51.100.1, 10.0.0.1"}, "198.51.100.1"},
		{"over several headers", "10.0.0.2:4242", []string{"203.0.113.99", "198.51.100.1"}, "198.51.100.1"},
		{"IPv6 behind a proxy", "[::1]:4242", []string{"2001:db8:1:2::ffff"}, "2001:db8:1:2::/64"},
		{"all private", "127.0.0.1:4242", []string{"10.0.0.7, 192.168.1.1"}, "10.0.0.7"},
		{"garbage", "127.0.0.1:4242", []string{"not an address"}, "127.0.0.1"},
		{"proxy names nobody", "192.168.1.1:4242", nil, "192.168.1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.forwarded {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddress(r); got != tc.want {
				t.Errorf("ClientAddress = %q, want %q", got, tc.want)
			}
		})
	}
}
