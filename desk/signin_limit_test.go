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
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store/storetest"
	"golang.org/x/crypto/bcrypt"
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
// editor. Their password is hashed at bcrypt's lowest cost, so that the
// hours of guessing these tests play take seconds.
func newClockedEnv(t *testing.T) (*env, *testClock) {
	t.Helper()
	clock := &testClock{t: testNow}
	db := storetest.SQLite(t)
	feeds := newFakeFeeds(db)
	srv := httptest.NewServer(desk.New(desk.Config{Sources: db, Items: db, Posts: testPosts(db), Feeds: feeds, Now: clock.now,
		Staff: staff.New(staff.Config{Users: db, Now: clock.now})}))
	t.Cleanup(srv.Close)
	hash, err := bcrypt.GenerateFromPassword([]byte(editorPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	var editor *newsdesk.User
	for _, email := range []string{editorEmail, "other@example.org"} {
		u := &newsdesk.User{Email: email, Role: newsdesk.RoleEditor, PasswordHash: string(hash)}
		if err := db.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		if editor == nil {
			editor = u
		}
	}
	return &env{db: db, feeds: feeds, srv: srv, editor: editor}, clock
}

// signIn tries to sign in from a browser that has never signed in, from a
// client address as a proxy in front of the desk names it, and returns
// the status, the Retry-After header and the page.
func (e *env) signIn(t *testing.T, from, email, password string) (int, string, string) {
	t.Helper()
	return e.signInWith(t, e.browser(t), from, email, password)
}

// signInWith is signIn from the browser c, with its cookies.
func (e *env) signInWith(t *testing.T, c *http.Client, from, email, password string) (int, string, string) {
	t.Helper()
	res, body := e.do(t, c, http.MethodPost, "/desk/signin",
		url.Values{"email": {email}, "password": {password}}, http.Header{"X-Forwarded-For": {from}})
	return res.StatusCode, res.Header.Get("Retry-After"), body
}

// knownBrowser returns a browser that has signed in as email from the
// address, and signed out again.
func (e *env) knownBrowser(t *testing.T, from, email string) *http.Client {
	t.Helper()
	c := e.browser(t)
	if status, _, _ := e.signInWith(t, c, from, email, editorPassword); status != http.StatusSeeOther {
		t.Fatalf("first sign-in as %s: status %d, want 303", email, status)
	}
	if res, _ := e.post(t, c, "/desk/signout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: status %d", res.StatusCode)
	}
	return c
}

const (
	unknownLimited = "Too many failed sign-ins to this account from browsers and programs that have not signed in to it before."
	addressLimited = "Too many failed sign-ins from your address."
	browserLimited = "Too many failed sign-ins from this browser."
)

// Someone who fails for the editor's account around the clock, from ever
// new addresses, holds up only browsers that have never signed in to it:
// the editor's own browser signs in whenever she likes.
func TestSignInKnownBrowserOutlastsGuessing(t *testing.T) {
	e, clock := newClockedEnv(t)
	mine := e.knownBrowser(t, "198.51.100.20", editorEmail)
	counts := map[int]int{}
	for minute := 0; minute < 4*60; minute += 2 {
		from := fmt.Sprintf("203.0.%d.%d", 113+minute/500, 1+minute/2%250)
		status, _, _ := e.signIn(t, from, editorEmail, fmt.Sprintf("guess number %d", minute))
		counts[status]++
		if minute >= 15 && minute%30 == 0 {
			if status, _, body := e.signInWith(t, mine, "198.51.100.20", editorEmail, editorPassword); status != http.StatusSeeOther {
				t.Fatalf("minute %d: the editor's own browser: status %d, want 303\n%s", minute, status, body)
			}
			// Browsers that never signed in are held up while it goes on.
			if status, retry, body := e.signIn(t, "198.51.100.21", editorEmail, editorPassword); status != http.StatusTooManyRequests ||
				retry == "" || !strings.Contains(body, unknownLimited) {
				t.Fatalf("minute %d: a browser that never signed in: status %d, Retry-After %q, want 429 saying why", minute, status, retry)
			}
		}
		clock.advance(2 * time.Minute)
	}
	// Most guesses were not even checked: five in any 15 minutes.
	if maxChecked := 5 * (4*60/15 + 1); counts[http.StatusUnauthorized] > maxChecked || counts[http.StatusTooManyRequests] == 0 {
		t.Errorf("guesses: %v, want at most %d checked (401) and the rest refused (429)", counts, maxChecked)
	}
}

func TestSignInUnknownBrowsersLimited(t *testing.T) {
	e, clock := newClockedEnv(t)
	// A browser that signed in before, whose cookie someone copies and
	// alters.
	known := e.knownBrowser(t, "198.51.100.20", editorEmail)
	// Five wrong passwords for the editor, each from another machine.
	for _, from := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"} {
		if status, _, _ := e.signIn(t, from, editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("wrong password from %s: status %d, want 401", from, status)
		}
	}
	// Now browsers that never signed in are refused, even with the right
	// password, from anywhere, however the address is spelled, and told
	// for how long.
	for _, email := range []string{editorEmail, "  Editor@Example.ORG"} {
		status, retry, body := e.signIn(t, "203.0.113.6", email, editorPassword)
		if status != http.StatusTooManyRequests || retry != "900" ||
			!strings.Contains(body, unknownLimited+" Those that have can still sign in; others can try again in 15 minutes.") {
			t.Errorf("sign-in as %q after five failures: status %d, Retry-After %q, want 429 after 900 s with the message", email, status, retry)
		}
	}
	// A device cookie that was not made for this account is no help.
	u, _ := url.Parse(e.srv.URL + "/desk/signin")
	var forged []*http.Cookie
	for _, c := range known.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "newsdesk_device_") {
			forged = append(forged, &http.Cookie{Name: c.Name, Value: strings.Repeat("A", len(c.Value)), Path: "/desk/signin"})
		}
	}
	if len(forged) != 1 {
		t.Fatalf("the browser that signed in holds %d device cookies, want 1", len(forged))
	}
	forger := e.browser(t)
	forger.Jar.SetCookies(u, forged)
	if status, _, body := e.signInWith(t, forger, "203.0.113.6", editorEmail, editorPassword); status != http.StatusTooManyRequests || !strings.Contains(body, unknownLimited) {
		t.Errorf("a forged device cookie: status %d, want 429", status)
	}
	// Another account, from the same machine, is not held up.
	if status, _, _ := e.signIn(t, "203.0.113.6", "other@example.org", editorPassword); status != http.StatusSeeOther {
		t.Errorf("another editor: status %d, want 303", status)
	}
	clock.advance(10 * time.Minute)
	if status, retry, body := e.signIn(t, "203.0.113.6", editorEmail, editorPassword); status != http.StatusTooManyRequests ||
		retry != "300" || !strings.Contains(body, "others can try again in 5 minutes.") {
		t.Errorf("ten minutes later: status %d, Retry-After %q, want 429 for 5 more minutes", status, retry)
	}
	clock.advance(5 * time.Minute)
	if status, _, _ := e.signIn(t, "203.0.113.6", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("fifteen minutes later: status %d, want 303", status)
	}

	// Signing in from a new browser does not wipe the failures of
	// browsers that never signed in, or the guesser would start again
	// whenever the editor signs in somewhere new: four failures, a
	// success and one more failure are five.
	clock.advance(15 * time.Minute)
	for i := range 4 {
		if status, _, _ := e.signIn(t, fmt.Sprintf("192.0.2.%d", 1+i), editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, status)
		}
	}
	if status, _, _ := e.signIn(t, "192.0.2.100", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Fatalf("sign-in after four failures: status %d, want 303", status)
	}
	e.signIn(t, "192.0.2.5", editorEmail, "guess")
	if status, _, _ := e.signIn(t, "192.0.2.101", editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("after five failures around a success: status %d, want 429", status)
	}
}

// A browser that has signed in before and then fails too often is held
// up alone: the editor's other browsers, and browsers that never signed
// in, are not.
func TestSignInKnownBrowserLimitedAlone(t *testing.T) {
	e, clock := newClockedEnv(t)
	mine := e.knownBrowser(t, "198.51.100.20", editorEmail)
	laptop := e.knownBrowser(t, "198.51.100.20", editorEmail)
	for i := range 5 {
		if status, _, _ := e.signInWith(t, mine, "198.51.100.20", editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, status)
		}
	}
	if status, retry, body := e.signInWith(t, mine, "198.51.100.20", editorEmail, editorPassword); status != http.StatusTooManyRequests ||
		retry != "900" || !strings.Contains(body, browserLimited+" Try again in 15 minutes.") {
		t.Errorf("the browser that failed five times: status %d, Retry-After %q, want 429 after 900 s", status, retry)
	}
	if status, _, _ := e.signInWith(t, laptop, "198.51.100.20", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("the editor's other browser: status %d, want 303", status)
	}
	if status, _, _ := e.signIn(t, "198.51.100.20", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("a browser that never signed in: status %d, want 303", status)
	}
	clock.advance(15 * time.Minute)
	// A success wipes the browser's slate: four failures, a success and
	// four more are not five.
	for round := range 2 {
		for i := range 4 {
			if status, _, _ := e.signInWith(t, mine, "198.51.100.20", editorEmail, "guess"); status != http.StatusUnauthorized {
				t.Fatalf("failure %d of round %d: status %d, want 401", i+1, round+1, status)
			}
		}
		if status, _, _ := e.signInWith(t, mine, "198.51.100.20", editorEmail, editorPassword); status != http.StatusSeeOther {
			t.Fatalf("sign-in after four failures (round %d): status %d, want 303", round+1, status)
		}
	}
}

func TestSignInLimitPerAddress(t *testing.T) {
	e, clock := newClockedEnv(t)
	known := e.knownBrowser(t, "198.51.100.7", editorEmail)
	// One machine tries a password against ten made-up accounts...
	for i := range 10 {
		if status, _, _ := e.signIn(t, "198.51.100.7", fmt.Sprintf("%c@example.org", 'a'+i), "guess"); status != http.StatusUnauthorized {
			t.Fatalf("made-up account %d: status %d, want 401", i+1, status)
		}
	}
	// ... and browsers there that never signed in are held up, even for
	// a real account with its password, and even naming another address
	// in front of the proxy's.
	for _, from := range []string{"198.51.100.7", "203.0.113.99, 198.51.100.7"} {
		if status, _, body := e.signIn(t, from, editorEmail, editorPassword); status != http.StatusTooManyRequests || !strings.Contains(body, addressLimited) {
			t.Errorf("from %q after ten accounts failed: status %d, want 429", from, status)
		}
	}
	// A browser there that signed in before is not, nor are other
	// machines.
	if status, _, _ := e.signInWith(t, known, "198.51.100.7", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("a browser that signed in before, at the address: status %d, want 303", status)
	}
	if status, _, _ := e.signIn(t, "198.51.100.8", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("from another machine: status %d, want 303", status)
	}

	// An IPv6 machine counts by its /64 network, which it may roam.
	for i := range 10 {
		from := fmt.Sprintf("2001:db8:1:2::%x", 0xa+i)
		if status, _, _ := e.signIn(t, from, fmt.Sprintf("x%d@example.org", i), "guess"); status != http.StatusUnauthorized {
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

// An office behind one address: someone failing over and over for one
// account (an old password saved in a script or a browser) does not keep
// colleagues out, whether or not their browsers signed in before; nor do
// colleagues' typos, once they sign in.
func TestSignInOfficeBehindOneAddress(t *testing.T) {
	e, clock := newClockedEnv(t)
	const office = "198.51.100.50"
	known := e.knownBrowser(t, office, editorEmail)
	for minute := range 60 {
		if status, _, _ := e.signIn(t, office, "other@example.org", "last year's password"); status != http.StatusUnauthorized && status != http.StatusTooManyRequests {
			t.Fatalf("minute %d: status %d", minute, status)
		}
		clock.advance(time.Minute)
	}
	if status, _, _ := e.signInWith(t, known, office, editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("a colleague's browser that signed in before: status %d, want 303", status)
	}
	if status, _, _ := e.signIn(t, office, editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("a colleague's new browser: status %d, want 303", status)
	}
	// Twelve colleagues each mistype their password once on a new
	// browser, then sign in.
	for i := range 12 {
		email := fmt.Sprintf("colleague%d@example.org", i)
		if err := e.db.CreateUser(context.Background(), &newsdesk.User{Email: email, Role: newsdesk.RoleEditor, PasswordHash: e.editor.PasswordHash}); err != nil {
			t.Fatal(err)
		}
		if status, _, _ := e.signIn(t, office, email, "a typo"); status != http.StatusUnauthorized {
			t.Fatalf("colleague %d's typo: status %d, want 401", i, status)
		}
		if status, _, body := e.signIn(t, office, email, editorPassword); status != http.StatusSeeOther {
			t.Fatalf("colleague %d, after a typo: status %d, want 303\n%s", i, status, body)
		}
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
