package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
)

func TestSignInRequired(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path string
		want               string // where the browser is sent
	}{
		{"dashboard", "GET", "/desk/", "/desk/signin"},
		{"sources", "GET", "/desk/sources", "/desk/signin?next=%2Fdesk%2Fsources"},
		{"items with a filter", "GET", "/desk/items?source=3", "/desk/signin?next=%2Fdesk%2Fitems%3Fsource%3D3"},
		{"posts", "GET", "/desk/posts", "/desk/signin?next=%2Fdesk%2Fposts"},
		{"compose", "GET", "/desk/posts/new?item=1", "/desk/signin?next=%2Fdesk%2Fposts%2Fnew%3Fitem%3D1"},
		{"edit", "GET", "/desk/posts/1", "/desk/signin?next=%2Fdesk%2Fposts%2F1"},
		{"unknown page", "GET", "/desk/no-such-page", "/desk/signin?next=%2Fdesk%2Fno-such-page"},
		{"add source", "POST", "/desk/sources", "/desk/signin"},
		{"publish", "POST", "/desk/posts", "/desk/signin"},
		{"poll", "POST", "/desk/sources/1/poll", "/desk/signin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			if tt.method == "POST" {
				form = url.Values{"url": {"https://ledger.example/feed"}, "item": {"1"}, "headline": {"x"}}
			}
			res, _ := e.do(t, e.browser(t), tt.method, tt.path, form, nil)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tt.want {
				t.Errorf("status %d to %q, want 303 to %q", res.StatusCode, res.Header.Get("Location"), tt.want)
			}
		})
	}
	if n := e.feeds.addCalls(); n != 0 {
		t.Errorf("a signed-out POST reached the feed service %d times", n)
	}

	t.Run("sign-in page and stylesheet are open", func(t *testing.T) {
		res, body := e.get(t, e.browser(t), "/desk/signin")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `<form method="post" action="/desk/signin"`) {
			t.Fatalf("sign-in page: status %d", res.StatusCode)
		}
		css := between(body, `<link rel="stylesheet" href="`, `"`)
		res, _ = e.get(t, e.browser(t), css)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(css, "/desk/static/") {
			t.Errorf("stylesheet %q: status %d", css, res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("stylesheet Cache-Control %q", got)
		}
	})
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, email, password string
		ok                    bool
	}{
		{"right password", editorEmail, editorPassword, true},
		{"address in another case", "Editor@Example.org", editorPassword, true},
		{"wrong password", editorEmail, "not the password", false},
		{"unknown e-mail", "nobody@example.org", editorPassword, false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.browser(t)
			res, body := e.post(t, c, "/desk/signin", url.Values{"email": {tt.email}, "password": {tt.password}})
			if !tt.ok {
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", res.StatusCode)
				}
				if !strings.Contains(body, "Wrong e-mail or password.") {
					t.Errorf("the page does not say %q", "Wrong e-mail or password.")
				}
				if tt.email != "" && !strings.Contains(body, `value="`+tt.email+`"`) {
					t.Error("the e-mail typed is not kept")
				}
				if res.Header.Get("Set-Cookie") != "" {
					t.Errorf("a failed sign-in set a cookie: %s", res.Header.Get("Set-Cookie"))
				}
				if res, _ := e.get(t, c, "/desk/items"); res.StatusCode != http.StatusSeeOther {
					t.Error("signed in after a failed sign-in")
				}
				return
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/" {
				t.Fatalf("status %d to %q, want 303 to /desk/", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := e.get(t, c, "/desk/items"); res.StatusCode != http.StatusOK {
				t.Errorf("items page after sign-in: status %d", res.StatusCode)
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "secure"}[secure], func(t *testing.T) {
			e := newEnvWith(t, secure)
			res, _ := e.post(t, e.browser(t), "/desk/signin", url.Values{"email": {editorEmail}, "password": {editorPassword}})
			var c *http.Cookie
			for _, k := range (&http.Response{Header: res.Header}).Cookies() {
				if k.Name == staff.SessionCookie {
					c = k
				}
			}
			if c == nil {
				t.Fatal("no session cookie")
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v", c.HttpOnly, c.SameSite, c.Path, c.Secure)
			}
			if c.MaxAge != 30*24*60*60 || !c.Expires.Equal(testNow.Add(30*24*time.Hour).Truncate(time.Second)) {
				t.Errorf("cookie lasts MaxAge=%d until %v, want 30 days", c.MaxAge, c.Expires)
			}
			if len(c.Value) != 43 { // 32 bytes, base64url without padding
				t.Errorf("token %q is not 32 random bytes", c.Value)
			}
			ctx := context.Background()
			if u, err := e.db.FindSession(ctx, staff.TokenHash(c.Value), testNow); err != nil || u.ID != e.editor.ID {
				t.Errorf("session by the token's hash: %v, %v", u, err)
			}
			if _, err := e.db.FindSession(ctx, c.Value, testNow); err == nil {
				t.Error("the store keeps the token itself")
			}
			// A session lasts 30 days and no more.
			if _, err := e.db.FindSession(ctx, staff.TokenHash(c.Value), testNow.Add(31*24*time.Hour)); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
				t.Errorf("session after 31 days: %v, want EUNAUTHORIZED", err)
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn(t)
	u, _ := url.Parse(e.srv.URL)
	var token string
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == staff.SessionCookie {
			token = k.Value
		}
	}
	res, _ := e.post(t, c, "/desk/signout", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/signin" {
		t.Fatalf("sign out: status %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := e.follow(t, c, res); !strings.Contains(body, "You are signed out.") {
		t.Error("sign-in page does not say the editor signed out")
	}
	if _, err := e.db.FindSession(context.Background(), staff.TokenHash(token), testNow); newsdesk.ErrorCode(err) != newsdesk.EUNAUTHORIZED {
		t.Errorf("session still in the store: %v", err)
	}
	// Even a browser that kept the cookie is signed out.
	stale := e.browser(t)
	stale.Jar.SetCookies(u, []*http.Cookie{{Name: staff.SessionCookie, Value: token, Path: "/"}})
	if res, _ := e.get(t, stale, "/desk/items"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("old cookie still signs in: status %d", res.StatusCode)
	}
}

func TestSignInReturnsOnlyToTheDesk(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, next, want string
	}{
		{"desk page", "/desk/sources", "/desk/sources"},
		{"desk page with query", "/desk/items?source=2&before=9", "/desk/items?source=2&before=9"},
		{"none", "", "/desk/"},
		{"other site", "https://evil.example/desk/", "/desk/"},
		{"scheme-relative", "//evil.example/desk/", "/desk/"},
		{"backslashes", `/\evil.example/desk/`, "/desk/"},
		{"backslash inside the desk", `/desk/\\evil.example`, "/desk/"},
		{"dot segments", "/desk/../elsewhere", "/desk/"},
		{"escaped dot segments", "/desk/%2e%2e/elsewhere", "/desk/"},
		{"script", "javascript:alert(1)", "/desk/"},
		{"site page", "/posts/a-story", "/desk/"},
		{"header injection", "/desk/\r\nSet-Cookie: x=1", "/desk/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := e.post(t, e.browser(t), "/desk/signin", url.Values{
				"email": {editorEmail}, "password": {editorPassword}, "next": {tt.next},
			})
			if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tt.want {
				t.Errorf("status %d to %q, want 303 to %q", res.StatusCode, got, tt.want)
			}
		})
	}

	t.Run("back to the page asked for", func(t *testing.T) {
		c := e.browser(t)
		res, _ := e.get(t, c, "/desk/posts")
		_, body := e.follow(t, c, res)
		next := between(body, `name="next" value="`, `"`)
		if next != "/desk/posts" {
			t.Fatalf("sign-in form carries next=%q, want /desk/posts", next)
		}
		res, _ = e.post(t, c, "/desk/signin", url.Values{"email": {editorEmail}, "password": {editorPassword}, "next": {next}})
		if got := res.Header.Get("Location"); got != "/desk/posts" {
			t.Errorf("after sign-in to %q, want /desk/posts", got)
		}
	})
}

func TestCrossOriginPostsRefused(t *testing.T) {
	tests := []struct {
		name    string
		header  http.Header
		refused bool
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, true},
		{"same-site but other origin", http.Header{"Sec-Fetch-Site": {"same-site"}}, true},
		{"foreign Origin, no fetch metadata", http.Header{"Origin": {"https://evil.example"}}, true},
		{"same origin", http.Header{"Sec-Fetch-Site": {"same-origin"}}, false},
		{"no browser headers (curl)", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.feeds.feeds["https://ledger.example/feed"] = fakeFeed{name: "Harbor City Ledger", items: 2}
			c := e.signedIn(t)
			res, body := e.do(t, c, http.MethodPost, "/desk/sources", url.Values{"url": {"https://ledger.example/feed"}}, tt.header)
			if !tt.refused {
				if res.StatusCode != http.StatusSeeOther || e.feeds.addCalls() != 1 {
					t.Errorf("status %d, %d calls: a same-origin POST was not served", res.StatusCode, e.feeds.addCalls())
				}
				return
			}
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", res.StatusCode)
			}
			if !strings.Contains(body, "another site") {
				t.Error("the refusal does not say why")
			}
			if n := e.feeds.addCalls(); n != 0 {
				t.Errorf("the refused POST reached the feed service %d times", n)
			}
			// Signing in is a POST too: a forged sign-in is refused.
			res, _ = e.do(t, e.browser(t), http.MethodPost, "/desk/signin",
				url.Values{"email": {editorEmail}, "password": {editorPassword}}, tt.header)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-origin sign-in: status %d, want 403", res.StatusCode)
			}
		})
	}
}

// between returns the text after the first start and before the next end.
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}
