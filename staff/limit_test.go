package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
	"golang.org/x/crypto/bcrypt"
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

const password = "correct horse battery"

// fakeUsers finds the users it holds; nothing else is called.
type fakeUsers struct {
	newsdesk.UserService
	users map[string]*newsdesk.User
}

func (f *fakeUsers) FindUserByEmail(_ context.Context, email string) (*newsdesk.User, error) {
	if u := f.users[accountOf(email)]; u != nil {
		return u, nil
	}
	return nil, newsdesk.Errorf(newsdesk.ENOTFOUND, "no user %s", email)
}

// setup returns a limiter on a test clock and users for editor@ and
// other@example.org, whose password is hashed at bcrypt's lowest cost so
// that the tests run fast.
func setup(t testing.TB) (*limiter, *testClock, *fakeUsers) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	users := &fakeUsers{users: map[string]*newsdesk.User{}}
	for i, email := range []string{"editor@example.org", "other@example.org"} {
		users.users[email] = &newsdesk.User{ID: int64(i + 1), Email: email, Role: newsdesk.RoleEditor, PasswordHash: string(hash)}
	}
	clock := &testClock{t: time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)}
	return newLimiter(clock.now, nil), clock, users
}

// try signs in and returns "ok", "wrong", or the refusal's wait.
func try(t *testing.T, l *limiter, users *fakeUsers, email, pw string, c Client) string {
	t.Helper()
	_, err := l.check(context.Background(), users, email, pw, c)
	var refused *Refused
	switch {
	case err == nil:
		return "ok"
	case newsdesk.ErrorCode(err) == newsdesk.EUNAUTHORIZED:
		return "wrong"
	case errors.As(err, &refused) && newsdesk.ErrorCode(err) == newsdesk.ERATELIMITED && web.ErrorStatus(err) == 429:
		return refused.Wait.String()
	}
	t.Fatalf("sign-in as %s: %v", email, err)
	return ""
}

func TestGroups(t *testing.T) {
	const editor = "editor@example.org"
	for _, tc := range []struct {
		name string
		// failing fails MaxFailures times as editor@ (or, for the
		// address, as ten made-up accounts) by a client, before
		// each client in clients tries the right password
		failing Client
		clients map[string]Client // name -> client
		want    map[string]string // name -> "ok" or the wait
	}{
		{
			name:    "untrusted clients of the account",
			failing: Client{Address: "203.0.113.1"},
			clients: map[string]Client{
				"new browser elsewhere":     {Address: "198.51.100.1"},
				"new program elsewhere":     {Address: "198.51.100.1", Program: true},
				"known browser":             {Address: "203.0.113.1", Device: "known"},
				"known program":             {Address: "198.51.100.9", Program: true},
				"new browser, same address": {Address: "203.0.113.1"},
			},
			want: map[string]string{
				"new browser elsewhere": "15m0s", "new program elsewhere": "15m0s", "new browser, same address": "15m0s",
				"known browser": "ok", "known program": "ok",
			},
		},
		{
			name:    "known browser",
			failing: Client{Address: "198.51.100.1", Device: "known"},
			clients: map[string]Client{
				"the browser":        {Address: "198.51.100.1", Device: "known"},
				"the browser, moved": {Address: "192.0.2.1", Device: "known"},
				"another known":      {Address: "198.51.100.1", Device: "other known"},
				"new browser":        {Address: "198.51.100.1"},
				"known program":      {Address: "198.51.100.9", Program: true},
			},
			want: map[string]string{
				"the browser": "15m0s", "the browser, moved": "15m0s",
				"another known": "ok", "new browser": "ok", "known program": "ok",
			},
		},
		{
			name:    "known program",
			failing: Client{Address: "198.51.100.9", Program: true},
			clients: map[string]Client{
				"the program's address": {Address: "198.51.100.9", Program: true},
				"a browser there":       {Address: "198.51.100.9"},
				"known browser there":   {Address: "198.51.100.9", Device: "known"},
				"new program elsewhere": {Address: "198.51.100.1", Program: true},
			},
			want: map[string]string{
				"the program's address": "15m0s",
				"a browser there":       "ok", "known browser there": "ok", "new program elsewhere": "ok",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _, users := setup(t)
			// The known browsers and program sign in first.
			devices := map[string]string{}
			for _, name := range []string{"known", "other known"} {
				devices[name] = l.newDevice(users.users[editor])
			}
			if got := try(t, l, users, editor, password, Client{Address: "198.51.100.9", Program: true}); got != "ok" {
				t.Fatalf("the program's first sign-in: %s", got)
			}
			device := func(c Client) Client {
				if c.Device != "" {
					c.Device = devices[c.Device]
				}
				return c
			}
			for i := range MaxFailures {
				if got := try(t, l, users, editor, "guess", device(tc.failing)); got != "wrong" {
					t.Fatalf("failure %d: %s", i+1, got)
				}
			}
			for name, c := range tc.clients {
				if got := try(t, l, users, editor, password, device(c)); got != tc.want[name] {
					t.Errorf("%s: %s, want %s", name, got, tc.want[name])
				}
			}
		})
	}
}

func TestLimitPerAddress(t *testing.T) {
	l, clock, users := setup(t)
	known := l.newDevice(users.users["editor@example.org"])
	// The accounts tried exist but 0@, so that bcrypt's lowest cost keeps
	// the test fast; made-up accounts count the same.
	for i := range 100 {
		for _, email := range []string{fmt.Sprintf("%d@example.org", i), fmt.Sprintf("r%d-%d@example.org", i/10, i%10)} {
			if email != "0@example.org" {
				u := *users.users["other@example.org"]
				u.Email = email
				users.users[email] = &u
			}
		}
	}
	for i := range MaxAccountsPerAddress {
		// However often each fails, an account counts once; the last
		// one's first failure reaches the limit.
		tries := 3
		if i == MaxAccountsPerAddress-1 {
			tries = 1
		}
		for range tries {
			if got := try(t, l, users, fmt.Sprintf("%d@example.org", i), "guess", Client{Address: "198.51.100.7"}); got != "wrong" {
				t.Fatalf("account %d: %s", i, got)
			}
		}
		clock.advance(time.Minute)
	}
	for _, tc := range []struct {
		name, email string
		c           Client
		want        string
	}{
		{"new browser", "editor@example.org", Client{Address: "198.51.100.7"}, "5m0s"},
		{"new program", "other@example.org", Client{Address: "198.51.100.7", Program: true}, "5m0s"},
		{"known browser", "editor@example.org", Client{Address: "198.51.100.7", Device: known}, "ok"},
		{"another address", "other@example.org", Client{Address: "198.51.100.8"}, "ok"},
	} {
		if got := try(t, l, users, tc.email, password, tc.c); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	clock.advance(5 * time.Minute)
	if got := try(t, l, users, "editor@example.org", password, Client{Address: "198.51.100.7"}); got != "ok" {
		t.Errorf("once the first account's failure is 15 minutes old: %s", got)
	}

	// A right password there takes its account's typos off the address's
	// count: nine typos of colleagues who then sign in leave room for all.
	clock.advance(FailureWindow)
	for round := range 3 {
		for _, email := range []string{"editor@example.org", "other@example.org"} {
			try(t, l, users, email, "typo", Client{Address: "198.51.100.7"})
			if got := try(t, l, users, email, password, Client{Address: "198.51.100.7"}); got != "ok" {
				t.Fatalf("round %d, %s after a typo: %s", round, email, got)
			}
		}
		for i := range MaxAccountsPerAddress - 2 {
			try(t, l, users, fmt.Sprintf("r%d-%d@example.org", round, i), "guess", Client{Address: "198.51.100.7"})
		}
		if got := try(t, l, users, "editor@example.org", password, Client{Address: "198.51.100.7"}); got != "ok" {
			t.Fatalf("round %d: %s", round, got)
		}
		clock.advance(FailureWindow)
	}
}

// Attempts being checked count until they end: one more waits for one
// of five to end, and is refused if all five fail, let through if one
// succeeds, and gives up when its context ends.
func TestAttemptsUnderWay(t *testing.T) {
	for _, tc := range []struct {
		name    string
		end     func(first *attempt, rest []*attempt, cancel func())
		refused bool
		gaveUp  bool
	}{
		{"all fail", func(first *attempt, rest []*attempt, _ func()) {
			first.end(failed)
			for _, a := range rest {
				a.end(failed)
			}
		}, true, false},
		{"one right", func(first *attempt, _ []*attempt, _ func()) { first.end(succeeded) }, false, false},
		{"one unchecked", func(first *attempt, _ []*attempt, _ func()) { first.end(unchecked) }, false, false},
		{"client leaves", func(_ *attempt, _ []*attempt, cancel func()) { cancel() }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _, users := setup(t)
			u := users.users["editor@example.org"]
			c := Client{Address: "203.0.113.1"}
			var under []*attempt
			for range MaxFailures {
				a, err := l.begin(context.Background(), u, u.Email, c)
				if err != nil {
					t.Fatal(err)
				}
				under = append(under, a)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type outcome struct {
				a   *attempt
				err error
			}
			sixth := make(chan outcome, 1)
			go func() {
				a, err := l.begin(ctx, u, u.Email, c)
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
		{FailureWindow, "900", "15 minutes"},
		{30 * time.Second, "30", "1 minute"},
		{61*time.Second + time.Millisecond, "62", "2 minutes"},
	} {
		l, clock, users := setup(t)
		for range MaxFailures {
			try(t, l, users, "editor@example.org", "guess", Client{Address: "203.0.113.1"})
		}
		clock.advance(FailureWindow - tc.wait)
		_, err := l.check(context.Background(), users, "editor@example.org", password, Client{Address: "203.0.113.1"})
		var refused *Refused
		if !errors.As(err, &refused) {
			t.Fatalf("wait %v: %v, want refused", tc.wait, err)
		}
		want := "Too many failed sign-ins to this account from browsers and programs that have not signed in to it before. " +
			"Those that have can still sign in; others can try again in " + tc.tryAgainIn + "."
		if refused.RetryAfter() != tc.retryAfter || newsdesk.ErrorMessage(err) != want {
			t.Errorf("wait %v: Retry-After %q, message %q; want %q, %q", tc.wait, refused.RetryAfter(), newsdesk.ErrorMessage(err), tc.retryAfter, want)
		}
	}
}

// Attempts at endless made-up accounts from endless addresses do not
// fill the memory, nor make the limiter forget the failures that hold up
// guessing at a real account.
func TestMemoryBound(t *testing.T) {
	l, clock, users := setup(t)
	for i := range MaxFailures {
		try(t, l, users, "editor@example.org", "guess", Client{Address: fmt.Sprintf("203.0.113.%d", i)})
	}
	u := users.users["editor@example.org"]
	for i := range maxOpen + 100 {
		// Through begin and end, to spare bcrypt 50,000 checks.
		a, err := l.begin(context.Background(), nil, fmt.Sprintf("%d@example.org", i), Client{Address: fmt.Sprintf("2001:db8:%x::/64", i)})
		if err != nil {
			t.Fatal(err)
		}
		a.end(failed)
		if i%1000 == 0 {
			clock.advance(time.Millisecond)
		}
	}
	if n := len(l.open); n > maxOpen {
		t.Errorf("%d records of made-up accounts and addresses, want at most %d", n, maxOpen)
	}
	if got := try(t, l, users, u.Email, password, Client{Address: "198.51.100.1"}); got == "ok" || got == "wrong" {
		t.Errorf("the editor's account after the flood: %s, want still held up for untrusted clients", got)
	}
	clock.advance(FailureWindow)
	try(t, l, users, "nobody@example.org", "guess", Client{Address: "203.0.113.1"})
	if n := len(l.open) + len(l.staff); n != 2 {
		t.Errorf("%d records a window later, want 2", n)
	}

	// Programs trusted are bounded too, and forgotten once their trust
	// has lapsed.
	for i := range maxPrograms + 100 {
		a, err := l.begin(context.Background(), u, u.Email, Client{Address: fmt.Sprintf("2001:db8:%x::/64", i), Program: true})
		if err != nil {
			t.Fatal(err)
		}
		a.end(succeeded)
		clock.advance(time.Millisecond)
	}
	if n := len(l.programs); n > maxPrograms {
		t.Errorf("%d programs trusted, want at most %d", n, maxPrograms)
	}
	last := fmt.Sprintf("2001:db8:%x::/64", maxPrograms+99)
	if got := try(t, l, users, u.Email, password, Client{Address: last, Program: true}); got != "ok" {
		t.Fatalf("the last program: %s", got)
	}
	if _, ok := l.programs[programKey(u.Email, last)]; !ok {
		t.Error("the program that signed in last was forgotten")
	}
	clock.advance(ProgramTrust)
	try(t, l, users, u.Email, password, Client{Address: "198.51.100.1", Program: true})
	if n := len(l.programs); n != 1 {
		t.Errorf("%d programs trusted once trust has lapsed, want 1", n)
	}
}

func TestDeviceCookie(t *testing.T) {
	l, clock, users := setup(t)
	editor, other := users.users["editor@example.org"], users.users["other@example.org"]
	value := l.newDevice(editor)
	changed := *editor
	changed.PasswordHash = "$2a$04$" + strings.Repeat("x", 53)
	tampered := []byte(value)
	tampered[3] ^= 1
	for _, tc := range []struct {
		name  string
		u     *newsdesk.User
		value string
		after time.Duration
		ok    bool
	}{
		{"as made", editor, value, 0, true},
		{"near the end of its life", editor, value, DeviceLifetime, true},
		{"past its life", editor, value, DeviceLifetime + time.Second, false},
		{"for another account", other, value, 0, false},
		{"after the password changed", &changed, value, 0, false},
		{"tampered with", editor, string(tampered), 0, false},
		{"empty", editor, "", 0, false},
		{"not base64", editor, strings.Repeat("*", len(value)), 0, false},
		{"too short", editor, value[:len(value)-4], 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := deviceID(tc.u, tc.value, clock.now().Add(tc.after))
			if ok != tc.ok || (ok && len(id) != 2*deviceIDBytes) {
				t.Errorf("deviceID = %q, %v; want ok %v", id, ok, tc.ok)
			}
		})
	}
	// Each sign-in tells browsers apart; a cookie's name tells accounts
	// apart, whatever the spelling, and carries no address.
	if a, _ := deviceID(editor, l.newDevice(editor), clock.now()); a == "" || a == func() string { id, _ := deviceID(editor, value, clock.now()); return id }() {
		t.Error("two device cookies with one id")
	}
	if DeviceCookieName(" Editor@Example.ORG") != DeviceCookieName("editor@example.org") ||
		DeviceCookieName("editor@example.org") == DeviceCookieName("other@example.org") ||
		strings.Contains(DeviceCookieName("editor@example.org"), "editor") {
		t.Errorf("device cookie names: %q, %q", DeviceCookieName("editor@example.org"), DeviceCookieName("other@example.org"))
	}
	// A cookie made by another process a little ahead is fine; one from
	// far in the future is not.
	clock.advance(2 * time.Hour)
	future := l.newDevice(editor)
	if _, ok := deviceID(editor, future, clock.now().Add(-30*time.Minute)); !ok {
		t.Error("a cookie set half an hour ahead is refused")
	}
	if _, ok := deviceID(editor, future, clock.now().Add(-2*time.Hour)); ok {
		t.Error("a cookie set two hours ahead is accepted")
	}
}

// FuzzDeviceID checks that no cookie value a browser sends makes deviceID
// panic, or pass unless newDevice made it.
func FuzzDeviceID(f *testing.F) {
	l, clock, users := setup(f)
	editor := users.users["editor@example.org"]
	made := l.newDevice(editor)
	f.Add(made)
	f.Add("")
	f.Add(strings.Repeat("A", len(made)))
	f.Fuzz(func(t *testing.T, value string) {
		if _, ok := deviceID(editor, value, clock.now()); ok && value != made {
			t.Errorf("%q passes", value)
		}
	})
}
