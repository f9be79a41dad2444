package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// testClock is a clock a test moves while the server reads it.
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

// newClockedEnv is newEnv with a clock the test moves, and a second
// editor.
func newClockedEnv(t *testing.T) (*env, *testClock) {
	t.Helper()
	clock := &testClock{t: testNow}
	db := storetest.SQLite(t)
	feeds := newFakeFeeds(db)
	srv := httptest.NewServer(desk.New(desk.Config{Sources: db, Items: db, Posts: db, Users: db, Feeds: feeds, Now: clock.now}))
	t.Cleanup(srv.Close)
	var editor *newsdesk.User
	for _, email := range []string{editorEmail, "other@example.org"} {
		hash, err := newsdesk.HashPassword(editorPassword)
		if err != nil {
			t.Fatal(err)
		}
		u := &newsdesk.User{Email: email, Role: newsdesk.RoleEditor, PasswordHash: hash}
		if err := db.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		if editor == nil {
			editor = u
		}
	}
	return &env{db: db, feeds: feeds, srv: srv, editor: editor}, clock
}

// signIn tries to sign in from a client address, as a proxy in front of
// the desk names it, and returns the status, the Retry-After header and
// the page.
func (e *env) signIn(t *testing.T, from, email, password string) (int, string, string) {
	t.Helper()
	res, body := e.do(t, e.browser(t), http.MethodPost, "/desk/signin",
		url.Values{"email": {email}, "password": {password}}, http.Header{"X-Forwarded-For": {from}})
	return res.StatusCode, res.Header.Get("Retry-After"), body
}

const tooMany = "Too many failed sign-ins for this account or from your address."

func TestSignInLimitPerAccount(t *testing.T) {
	e, clock := newClockedEnv(t)
	// Five wrong passwords for the editor, each from another machine.
	for _, from := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"} {
		if status, _, _ := e.signIn(t, from, editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("wrong password from %s: status %d, want 401", from, status)
		}
	}
	// Now even the right password is refused, from anywhere, however the
	// address is spelled, and says for how long.
	for _, email := range []string{editorEmail, "  Editor@Example.ORG"} {
		status, retry, body := e.signIn(t, "203.0.113.6", email, editorPassword)
		if status != http.StatusTooManyRequests || retry != "900" ||
			!strings.Contains(body, tooMany+" Try again in 15 minutes.") {
			t.Errorf("sign-in as %q after five failures: status %d, Retry-After %q, want 429 after 900 s with the message", email, status, retry)
		}
	}
	// Another account, from the same machine, is not held up.
	if status, _, _ := e.signIn(t, "203.0.113.6", "other@example.org", editorPassword); status != http.StatusSeeOther {
		t.Errorf("another editor: status %d, want 303", status)
	}
	clock.advance(10 * time.Minute)
	if status, retry, body := e.signIn(t, "203.0.113.6", editorEmail, editorPassword); status != http.StatusTooManyRequests ||
		retry != "300" || !strings.Contains(body, "Try again in 5 minutes.") {
		t.Errorf("ten minutes later: status %d, Retry-After %q, want 429 for 5 more minutes", status, retry)
	}
	clock.advance(5 * time.Minute)
	if status, _, _ := e.signIn(t, "203.0.113.6", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("fifteen minutes later: status %d, want 303", status)
	}

	// A success wipes the account's slate: four failures, a success and
	// four more are not five in a row.
	for round := range 2 {
		for i := range 4 {
			from := fmt.Sprintf("192.0.2.%d", 1+round*4+i)
			if status, _, _ := e.signIn(t, from, editorEmail, "guess"); status != http.StatusUnauthorized {
				t.Fatalf("failure %d of round %d: status %d, want 401", i+1, round+1, status)
			}
		}
		if status, _, _ := e.signIn(t, "192.0.2.100", editorEmail, editorPassword); status != http.StatusSeeOther {
			t.Fatalf("sign-in after four failures (round %d): status %d, want 303", round+1, status)
		}
	}
}

func TestSignInLimitPerAddress(t *testing.T) {
	e, clock := newClockedEnv(t)
	// One machine tries a password against five made-up accounts...
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"} {
		if status, _, _ := e.signIn(t, "198.51.100.7", email, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("unknown account %s: status %d, want 401", email, status)
		}
	}
	// ... and is held up, even for a real account with its password, and
	// even naming another address in front of the proxy's.
	for _, from := range []string{"198.51.100.7", "203.0.113.99, 198.51.100.7"} {
		if status, _, body := e.signIn(t, from, editorEmail, editorPassword); status != http.StatusTooManyRequests || !strings.Contains(body, tooMany) {
			t.Errorf("from %q after five failures: status %d, want 429", from, status)
		}
	}
	// Other machines are not.
	if status, _, _ := e.signIn(t, "198.51.100.8", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("from another machine: status %d, want 303", status)
	}

	// An IPv6 machine counts by its /64 network, which it may roam.
	for i := range 5 {
		from := fmt.Sprintf("2001:db8:1:2::%x", 0xa+i)
		if status, _, _ := e.signIn(t, from, "x@example.org", "guess"); status != http.StatusUnauthorized {
			t.Fatalf("failure %d from %s: status %d, want 401", i+1, from, status)
		}
	}
	if status, _, _ := e.signIn(t, "2001:db8:1:2::ffff", "other@example.org", editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("from the same /64: status %d, want 429", status)
	}
	if status, _, _ := e.signIn(t, "2001:db8:1:3::1", "other@example.org", editorPassword); status != http.StatusSeeOther {
		t.Errorf("from another /64: status %d, want 303", status)
	}
	clock.advance(15 * time.Minute)
	if status, _, _ := e.signIn(t, "198.51.100.7", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("fifteen minutes later: status %d, want 303", status)
	}
}

// Attempts sent side by side are counted as they arrive, before their
// passwords are checked: twenty at once get five checks, not twenty.
func TestSignInLimitSideBySide(t *testing.T) {
	e, _ := newClockedEnv(t)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			status, _, _ := e.signIn(t, fmt.Sprintf("203.0.113.%d", 1+i), editorEmail, "guess")
			mu.Lock()
			counts[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[http.StatusUnauthorized] != 5 || counts[http.StatusTooManyRequests] != 15 {
		t.Errorf("twenty attempts at once: %v, want 5 checked (401) and 15 refused (429)", counts)
	}
}
