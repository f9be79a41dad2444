package api_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"golang.org/x/crypto/bcrypt"
)

const (
	unknownLimited = "Too many failed sign-ins to this account from browsers and programs that have not signed in to it before."
	addressLimited = "Too many failed sign-ins from your address."
	programLimited = "Too many failed sign-ins to this account from your address."
)

// fastPassword hashes the editor's password at bcrypt's lowest cost, so
// that the hours of guessing a test plays take seconds.
func (e *env) fastPassword(t *testing.T) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(editorPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetPassword(t.Context(), e.editor.ID, string(hash)); err != nil {
		t.Fatal(err)
	}
	e.editor.PasswordHash = string(hash)
}

// basicFrom calls an endpoint for staff with Basic credentials, from a
// client address as a proxy in front of newsdesk names it.
func (e *env) basicFrom(t *testing.T, from, email, password string) result {
	t.Helper()
	h := basic(email, password)
	h.Set("X-Forwarded-For", from)
	return e.do(t, call{method: "GET", path: "/api/sources", header: h})
}

// deskSignIn posts the desk's sign-in form from a client address, with
// the cookies of jar (nil for a browser that never signed in), and
// returns the status.
func (e *env) deskSignIn(t *testing.T, jar http.CookieJar, from, email, password string) int {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+"/desk/signin",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", from)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// wantLimited checks that r is the API's refusal for too many failures,
// with the message that begins with prefix, and the wait in seconds.
func (r result) wantLimited(t *testing.T, prefix, retryAfter string) {
	t.Helper()
	r.wantError(t, http.StatusTooManyRequests, newsdesk.ERATELIMITED, "")
	var e apiError
	r.decode(t, &e)
	if got := r.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	seconds, _ := strconv.Atoi(retryAfter)
	wait := fmt.Sprintf("try again in %d minutes.", (seconds+59)/60)
	if seconds <= 60 {
		wait = "try again in 1 minute."
	}
	if !strings.HasPrefix(e.Error.Message, prefix) ||
		!strings.HasSuffix(strings.ToLower(e.Error.Message), wait) {
		t.Errorf("message %q, want %q ... %q", e.Error.Message, prefix, wait)
	}
}

// Someone who fails for the editor's account around the clock, from ever
// new addresses, through the API and the desk, holds up only clients
// that never signed in to it: a program that signed in with Basic keeps
// working from its address, as does the editor's browser.
func TestBasicTrustedProgramOutlastsGuessing(t *testing.T) {
	e := newEnv(t)
	e.fastPassword(t)
	const script = "198.51.100.30"
	if r := e.basicFrom(t, script, editorEmail, editorPassword); r.status != http.StatusOK {
		t.Fatalf("the script's first call: status %d\n%s", r.status, r.body)
	}
	browser, _ := cookiejar.New(nil)
	if status := e.deskSignIn(t, browser, "198.51.100.31", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Fatalf("the editor's first sign-in: status %d", status)
	}
	for minute := 0; minute < 4*60; minute += 2 {
		from := fmt.Sprintf("203.0.%d.%d", 113+minute/500, 1+minute/2%250)
		if minute%4 == 0 {
			if r := e.basicFrom(t, from, editorEmail, fmt.Sprintf("guess number %d", minute)); r.status != http.StatusUnauthorized && r.status != http.StatusTooManyRequests {
				t.Fatalf("minute %d: a guess: status %d", minute, r.status)
			}
		} else if status := e.deskSignIn(t, nil, from, editorEmail, "guess"); status != http.StatusUnauthorized && status != http.StatusTooManyRequests {
			t.Fatalf("minute %d: a guess on the desk: status %d", minute, status)
		}
		if minute >= 15 && minute%30 == 0 {
			if r := e.basicFrom(t, script, editorEmail, editorPassword); r.status != http.StatusOK {
				t.Fatalf("minute %d: the script: status %d, want 200\n%s", minute, r.status, r.body)
			}
			if status := e.deskSignIn(t, browser, "198.51.100.31", editorEmail, editorPassword); status != http.StatusSeeOther {
				t.Fatalf("minute %d: the editor's browser: status %d, want 303", minute, status)
			}
			// A program that never signed in is held up while it goes on.
			e.basicFrom(t, "198.51.100.32", editorEmail, editorPassword).wantLimited(t, unknownLimited,
				e.basicFrom(t, "198.51.100.32", editorEmail, editorPassword).header.Get("Retry-After"))
		}
		e.signInClock.advance(2 * time.Minute)
	}
}

func TestBasicUnknownProgramsLimited(t *testing.T) {
	e := newEnv(t)
	e.fastPassword(t)
	session := e.deskSession(t)
	// Five wrong passwords for the editor, each from another machine, are
	// checked and refused as usual; the sixth is not checked.
	for i := range 5 {
		e.basicFrom(t, fmt.Sprintf("203.0.113.%d", 1+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "Wrong e-mail or password.")
	}
	e.basicFrom(t, "203.0.113.6", editorEmail, "guess").wantLimited(t, unknownLimited, "900")

	// Now the right password is refused too from programs that never
	// signed in, on every endpoint that takes credentials, until the
	// wait ends.
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, unknownLimited, "900")
	for _, c := range []call{
		{method: "GET", path: "/api/items", auth: true},
		{method: "GET", path: "/api/posts/1", auth: true},
		{method: "GET", path: "/api/search?q=x", auth: true},
	} {
		e.do(t, c).wantLimited(t, unknownLimited, "900")
	}
	// Another account is not held up, nor is a session already open, nor
	// the public.
	other := &newsdesk.User{Email: "other@example.org", Role: newsdesk.RoleEditor, PasswordHash: e.editor.PasswordHash}
	if err := e.db.CreateUser(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if r := e.basicFrom(t, "198.51.100.1", "other@example.org", editorPassword); r.status != http.StatusOK {
		t.Errorf("another editor: status %d\n%s", r.status, r.body)
	}
	if r := e.do(t, call{method: "GET", path: "/api/sources", client: session}); r.status != http.StatusOK {
		t.Errorf("an open desk session: status %d\n%s", r.status, r.body)
	}
	if r := e.do(t, call{method: "GET", path: "/api/posts"}); r.status != http.StatusOK {
		t.Errorf("the public: status %d\n%s", r.status, r.body)
	}

	e.signInClock.advance(10 * time.Minute)
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, unknownLimited, "300")
	e.signInClock.advance(5 * time.Minute)
	if r := e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("fifteen minutes later: status %d\n%s", r.status, r.body)
	}
}

// A program that signed in from an address and then fails there too
// often (its password changed) holds up only the account's programs at
// that address: its failures are its own.
func TestBasicTrustedProgramLimitedAlone(t *testing.T) {
	e := newEnv(t)
	e.fastPassword(t)
	for _, from := range []string{"198.51.100.30", "198.51.100.40"} {
		if r := e.basicFrom(t, from, editorEmail, editorPassword); r.status != http.StatusOK {
			t.Fatalf("first call from %s: status %d", from, r.status)
		}
	}
	for range 5 {
		e.basicFrom(t, "198.51.100.30", editorEmail, "last year's password").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "Wrong e-mail or password.")
	}
	e.basicFrom(t, "198.51.100.30", editorEmail, editorPassword).wantLimited(t, programLimited, "900")
	if r := e.basicFrom(t, "198.51.100.40", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("the account's program elsewhere: status %d", r.status)
	}
	if r := e.basicFrom(t, "198.51.100.50", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("a program that never signed in: status %d", r.status)
	}
	if status := e.deskSignIn(t, nil, "198.51.100.30", editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("a browser at the program's address: status %d", status)
	}
	// A right password through the API wipes the program's slate, but
	// never the failures of clients that never signed in: programs send
	// it with every request, and would wipe them as fast as anyone could
	// guess.
	e.signInClock.advance(15 * time.Minute)
	for i := range 4 {
		e.basicFrom(t, fmt.Sprintf("192.0.2.%d", 1+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
		e.basicFrom(t, "198.51.100.30", editorEmail, "last year's password").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
		if r := e.basicFrom(t, "198.51.100.30", editorEmail, editorPassword); r.status != http.StatusOK {
			t.Fatalf("right password after %d failures: status %d", i+1, r.status)
		}
	}
	e.basicFrom(t, "192.0.2.5", editorEmail, "guess").wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	e.basicFrom(t, "198.51.100.51", editorEmail, editorPassword).wantLimited(t, unknownLimited, "900")
}

// One wrong script in an office behind one address, however long it
// runs, does not keep the office out of the desk: not the colleagues'
// browsers, new or not, nor the script's own account's browser.
func TestWrongScriptDoesNotLockOfficeOut(t *testing.T) {
	e := newEnv(t)
	e.fastPassword(t)
	const office = "198.51.100.60"
	other := &newsdesk.User{Email: "other@example.org", Role: newsdesk.RoleEditor, PasswordHash: e.editor.PasswordHash}
	if err := e.db.CreateUser(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	browser, _ := cookiejar.New(nil)
	if status := e.deskSignIn(t, browser, office, editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Fatalf("the editor's first sign-in: status %d", status)
	}
	for minute := range 60 {
		if r := e.basicFrom(t, office, editorEmail, "wrong"); r.status != http.StatusUnauthorized && r.status != http.StatusTooManyRequests {
			t.Fatalf("minute %d: the script: status %d", minute, r.status)
		}
		if minute < 59 {
			e.signInClock.advance(time.Minute)
		}
	}
	if status := e.deskSignIn(t, browser, office, editorEmail, editorPassword); status != http.StatusSeeOther {
		t.Errorf("the script's account, from a browser that signed in before: status %d, want 303", status)
	}
	if status := e.deskSignIn(t, nil, office, "other@example.org", editorPassword); status != http.StatusSeeOther {
		t.Errorf("a colleague's new browser: status %d, want 303", status)
	}
	if r := e.basicFrom(t, office, "other@example.org", editorPassword); r.status != http.StatusOK {
		t.Errorf("a colleague's script: status %d, want 200", r.status)
	}
	// Clients that never signed in to the script's account are held up.
	if status := e.deskSignIn(t, nil, office, editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("the script's account, from a new browser: status %d, want 429", status)
	}
}

// The desk's form and the API's Basic authentication count failures of
// clients that never signed in together, by account and by address.
func TestSignInLimitSharedWithDesk(t *testing.T) {
	e := newEnv(t)
	e.fastPassword(t)
	// By account: three failures on the desk, two through the API.
	for i := range 3 {
		if status := e.deskSignIn(t, nil, fmt.Sprintf("203.0.113.%d", 1+i), editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("desk failure %d: status %d, want 401", i+1, status)
		}
	}
	for i := range 2 {
		e.basicFrom(t, fmt.Sprintf("203.0.113.%d", 4+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	}
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, unknownLimited, "900")
	if status := e.deskSignIn(t, nil, "198.51.100.1", editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("desk sign-in after five failures: status %d, want 429", status)
	}

	// By address: one machine fails through the API for five made-up
	// accounts and on the desk for five more, and is held up on both.
	e.signInClock.advance(15 * time.Minute)
	for i := range 5 {
		e.basicFrom(t, "198.51.100.7", fmt.Sprintf("a%d@example.org", i), "guess").wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	}
	for i := range 5 {
		if status := e.deskSignIn(t, nil, "198.51.100.7", fmt.Sprintf("b%d@example.org", i), "guess"); status != http.StatusUnauthorized {
			t.Fatalf("desk failure %d: status %d, want 401", i, status)
		}
	}
	if status := e.deskSignIn(t, nil, "198.51.100.7", editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("desk sign-in from the address: status %d, want 429", status)
	}
	e.basicFrom(t, "198.51.100.7", editorEmail, editorPassword).wantLimited(t, addressLimited, "900")
	if r := e.basicFrom(t, "198.51.100.8", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("from another machine: status %d\n%s", r.status, r.body)
	}
}

// Requests sent side by side: twenty wrong passwords get five checks, and
// twenty right ones all go through, however many are checked at once.
func TestBasicSignInLimitSideBySide(t *testing.T) {
	for _, tc := range []struct {
		name     string
		password string
		want     map[int]int
	}{
		{"right", editorPassword, map[int]int{http.StatusOK: 20}},
		{"wrong", "guess", map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 15}},
	} {
		e := newEnv(t)
		var mu sync.Mutex
		counts := map[int]int{}
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				r := e.basicFrom(t, "203.0.113.1", editorEmail, tc.password)
				mu.Lock()
				counts[r.status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if fmt.Sprint(counts) != fmt.Sprint(tc.want) {
			t.Errorf("twenty %s passwords at once: %v, want %v", tc.name, counts, tc.want)
		}
	}
}
