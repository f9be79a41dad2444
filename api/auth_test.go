package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
)

func TestAuthenticationRequired(t *testing.T) {
	e := newEnv(t)
	e.source(t, "Civic Gazette", testItem("civic", 1))
	endpoints := []call{
		{method: "GET", path: "/api/sources"},
		{method: "GET", path: "/api/sources/1"},
		{method: "POST", path: "/api/sources"}, // body set per case: a feed is followed once
		{method: "POST", path: "/api/sources/1/poll"},
		{method: "GET", path: "/api/items"},
		{method: "POST", path: "/api/posts", body: `{"item_id": 1, "headline": "H", "summary": "S"}`},
	}
	deskClient := e.deskSession(t)
	tests := []struct {
		name    string
		set     func(c *call)
		status  int
		message string
	}{
		{"no credentials", func(*call) {}, 401, "Authentication required: send HTTP Basic credentials (e-mail and password) or the desk's session cookie."},
		{"wrong password", func(c *call) { c.header = basic(editorEmail, "wrong password!") }, 401, "Wrong e-mail or password."},
		{"unknown e-mail", func(c *call) { c.header = basic("nobody@example.org", editorPassword) }, 401, "Wrong e-mail or password."},
		{"unknown session", func(c *call) {
			c.header = http.Header{"Cookie": {staff.SessionCookie + "=forged-token"}}
		}, 401, "The session has ended: sign in again."},
		{"basic", func(c *call) { c.auth = true }, 0, ""},
		{"desk session cookie", func(c *call) { c.client = deskClient }, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range endpoints {
				if c.path == "/api/sources" && c.method == "POST" {
					c.body = `{"url": "https://ledger.example/` + newsdesk.Slugify(tt.name) + `"}`
				}
				tt.set(&c)
				r := e.do(t, c)
				if tt.status == 0 {
					if r.status != 200 && r.status != 201 {
						t.Errorf("%s %s: status %d\n%s", c.method, c.path, r.status, r.body)
					}
					continue
				}
				r.wantError(t, tt.status, newsdesk.EUNAUTHORIZED, tt.message)
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic ") {
					t.Errorf("%s %s: no WWW-Authenticate", c.method, c.path)
				}
				// Each failure here is the first in its window: the
				// limit on failures has tests of its own.
				e.signInClock.advance(staff.FailureWindow)
			}
		})
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	c := e.deskSession(t)
	r := e.do(t, call{method: "POST", path: "/api/sources", body: `{"url": "https://ledger.example/feed"}`, client: c,
		header: http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}})
	if r.status < 400 || e.feeds.callCount() != 0 {
		t.Fatalf("status %d, %d calls to the feed service: a cross-site POST went through", r.status, e.feeds.callCount())
	}
	r.wantError(t, 401, newsdesk.EUNAUTHORIZED, "")
	// The same request from the same origin goes through.
	r = e.do(t, call{method: "POST", path: "/api/sources", body: `{"url": "https://ledger.example/feed"}`, client: c,
		header: http.Header{"Origin": {e.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}})
	if r.status != http.StatusCreated {
		t.Errorf("same-origin POST: status %d\n%s", r.status, r.body)
	}
}

func basic(email, password string) http.Header {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(email, password)
	return http.Header{"Authorization": req.Header["Authorization"]}
}
