package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

const tooMany = "Too many failed sign-ins for this account or from your address."

// basicFrom calls an endpoint for staff with Basic credentials, from a
// client address as a proxy in front of newsdesk names it.
func (e *env) basicFrom(t *testing.T, from, email, password string) result {
	t.Helper()
	h := basic(email, password)
	h.Set("X-Forwarded-For", from)
	return e.do(t, call{method: "GET", path: "/api/sources", header: h})
}

// deskSignIn posts the desk's sign-in form from a client address and
// returns the status.
func (e *env) deskSignIn(t *testing.T, from, email, password string) int {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+"/desk/signin",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", from)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// wantLimited checks that r is the API's refusal for too many failures,
// with the wait in seconds.
func (r result) wantLimited(t *testing.T, retryAfter string) {
	t.Helper()
	r.wantError(t, http.StatusTooManyRequests, newsdesk.ERATELIMITED, "")
	var e apiError
	r.decode(t, &e)
	if got := r.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	seconds, _ := strconv.Atoi(retryAfter)
	if want := fmt.Sprintf("%s Try again in %d minutes.", tooMany, (seconds+59)/60); e.Error.Message != want {
		t.Errorf("message %q, want %q", e.Error.Message, want)
	}
}

func TestBasicSignInLimit(t *testing.T) {
	e := newEnv(t)
	session := e.deskSession(t)
	// Five wrong passwords for the editor, each from another machine, are
	// checked and refused as usual; the sixth is not checked.
	for i := range 5 {
		e.basicFrom(t, fmt.Sprintf("203.0.113.%d", 1+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "Wrong e-mail or password.")
	}
	e.basicFrom(t, "203.0.113.6", editorEmail, "guess").wantLimited(t, "900")

	// Now the right password is refused too, from anywhere, on every
	// endpoint that takes credentials, until the wait ends.
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, "900")
	for _, c := range []call{
		{method: "GET", path: "/api/items", auth: true},
		{method: "GET", path: "/api/posts/1", auth: true},
		{method: "GET", path: "/api/search?q=x", auth: true},
	} {
		e.do(t, c).wantLimited(t, "900")
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
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, "300")
	e.signInClock.advance(5 * time.Minute)
	if r := e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("fifteen minutes later: status %d\n%s", r.status, r.body)
	}

	// A right password through the API does not wipe the account's
	// failures, as signing in through the desk does: clients send it with
	// every request, and would wipe them as fast as anyone could guess.
	e.signInClock.advance(15 * time.Minute)
	for i := range 4 {
		e.basicFrom(t, fmt.Sprintf("192.0.2.%d", 1+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
		if r := e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword); r.status != http.StatusOK {
			t.Fatalf("right password after %d failures: status %d", i+1, r.status)
		}
	}
	e.basicFrom(t, "192.0.2.5", editorEmail, "guess").wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, "900")
}

// The desk's form and the API's Basic authentication count failures
// together, by account and by address.
func TestSignInLimitSharedWithDesk(t *testing.T) {
	e := newEnv(t)
	// By account: three failures on the desk, two through the API.
	for i := range 3 {
		if status := e.deskSignIn(t, fmt.Sprintf("203.0.113.%d", 1+i), editorEmail, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("desk failure %d: status %d, want 401", i+1, status)
		}
	}
	for i := range 2 {
		e.basicFrom(t, fmt.Sprintf("203.0.113.%d", 4+i), editorEmail, "guess").
			wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	}
	e.basicFrom(t, "198.51.100.1", editorEmail, editorPassword).wantLimited(t, "900")
	if status := e.deskSignIn(t, "198.51.100.1", editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("desk sign-in after five failures: status %d, want 429", status)
	}

	// By address: one machine fails through the API for three made-up
	// accounts and on the desk for two more, and is held up on both.
	e.signInClock.advance(15 * time.Minute)
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		e.basicFrom(t, "198.51.100.7", email, "guess").wantError(t, http.StatusUnauthorized, newsdesk.EUNAUTHORIZED, "")
	}
	for _, email := range []string{"d@example.org", "e@example.org"} {
		if status := e.deskSignIn(t, "198.51.100.7", email, "guess"); status != http.StatusUnauthorized {
			t.Fatalf("desk failure for %s: status %d, want 401", email, status)
		}
	}
	if status := e.deskSignIn(t, "198.51.100.7", editorEmail, editorPassword); status != http.StatusTooManyRequests {
		t.Errorf("desk sign-in from the address: status %d, want 429", status)
	}
	e.basicFrom(t, "198.51.100.7", editorEmail, editorPassword).wantLimited(t, "900")
	if r := e.basicFrom(t, "198.51.100.8", editorEmail, editorPassword); r.status != http.StatusOK {
		t.Errorf("from another machine: status %d\n%s", r.status, r.body)
	}
}

// Requests sent side by side: twenty wrong passwords get five checks, and
// twenty right ones all go through, however many are checked at once.
func TestBasicSignInLimitSideBySide(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name     string
		password string
		want     map[int]int
	}{
		{"right", editorPassword, map[int]int{http.StatusOK: 20}},
		{"wrong", "guess", map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 15}},
	} {
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
