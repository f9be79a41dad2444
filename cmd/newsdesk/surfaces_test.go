package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The content security policies of the site's and the desk's pages.
// They differ on purpose: the desk shows outlets' lead images, which
// may be served over plain HTTP.
const (
	siteCSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	deskCSP = "default-src 'none'; style-src 'self'; img-src 'self' data: https: http:; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

// Every surface of one serve process (the site, the desk, the API, the
// WebSub callback and the health check) answers what it serves, what it
// does not serve and what it does not allow in its own form, with the
// security headers that surface owes its readers and no others.
func TestServeSurfacesAnswerInTheirOwnForm(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "newsdesk.db")
	const email, password = "editor@example.org", "a long enough password"
	if _, _, msg := cli(t, password+"\n", "users", "add", "--database", dsn, "--role", "editor", email); msg != "" {
		t.Fatalf("users add: %s", msg)
	}
	base := serveForTest(t, "--database", dsn, "--extract=false")
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	reader := &http.Client{CheckRedirect: noRedirect}
	jar, _ := cookiejar.New(nil)
	editor := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	res, err := editor.PostForm(base+"/desk/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	_, home := get(t, reader, base+"/")
	stylesheet := regexp.MustCompile(`href="(/static/[0-9a-f]+/[^"]+\.css)"`).FindStringSubmatch(home)
	if stylesheet == nil {
		t.Fatalf("the home page links no stylesheet:\n%s", home)
	}

	// Every header each answer is checked for; a header a case does not
	// name must be absent.
	checked := []string{"Content-Type", "Content-Security-Policy", "Referrer-Policy", "X-Frame-Options",
		"X-Content-Type-Options", "Cache-Control", "Allow", "WWW-Authenticate", "Location", "Retry-After"}
	const html, json, text = "text/html; charset=utf-8", "application/json; charset=utf-8", "text/plain; charset=utf-8"
	site := map[string]string{"Content-Type": html, "Content-Security-Policy": siteCSP,
		"Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
	desk := map[string]string{"Content-Type": html, "Content-Security-Policy": deskCSP, "Cache-Control": "no-store",
		"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
	plain := map[string]string{"Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff"}
	with := func(h map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	for _, tc := range []struct {
		name         string
		method, path string
		client       *http.Client
		status       int
		header       map[string]string
		body         string // a part of the body
	}{
		{"site page", "GET", "/", reader, 200, site, "<title>newsdesk</title>"},
		{"site static file", "GET", stylesheet[1], reader, 200,
			with(site, "Content-Type", "text/css; charset=utf-8", "Cache-Control", "public, max-age=31536000, immutable"), ""},
		{"site static file, stale hash", "GET", "/static/000000000000/site.css", reader, 404, site, "<title>Page not found – newsdesk</title>"},
		{"site, no such page", "GET", "/no-such-page", reader, 404, site, "There is nothing at this address. The story may have moved"},
		{"site, no such post", "GET", "/posts/no-such-post", reader, 404, site, "<title>Page not found – newsdesk</title>"},
		{"site, method not allowed", "POST", "/feed.xml", reader, 405, with(site, "Allow", "GET, HEAD"),
			"This address does not accept that kind of request."},
		{"desk sign-in page", "GET", "/desk/signin", reader, 200, desk, "<title>Sign in – newsdesk desk</title>"},
		{"desk, signed out", "GET", "/desk/no-such-page", reader, 303,
			with(desk, "Location", "/desk/signin?next=%2Fdesk%2Fno-such-page"), ""},
		{"desk, method not allowed", "DELETE", "/desk/signin", reader, 405, with(desk, "Allow", "GET, HEAD, POST"),
			"<title>Not allowed – newsdesk desk</title>"},
		{"desk, no such page", "GET", "/desk/no-such-page", editor, 404, desk, "<title>Not found – newsdesk desk</title>"},
		{"desk, no such item", "GET", "/desk/items/999", editor, 404, desk, "<title>Not found – newsdesk desk</title>"},
		{"desk, invalid input", "GET", "/desk/posts/new?item=x", editor, 400, desk, "<title>That did not work – newsdesk desk</title>"},
		{"API", "GET", "/api/posts", reader, 200, with(plain, "Content-Type", json), `"posts": []`},
		{"API, no such endpoint", "GET", "/api/no-such", reader, 404, with(plain, "Content-Type", json),
			`"code": "not_found",` + "\n" + `    "message": "No such endpoint: GET /api/no-such."`},
		{"API, method not allowed", "DELETE", "/api/posts", reader, 405, with(plain, "Content-Type", json, "Allow", "GET, HEAD, POST"),
			`"code": "method_not_allowed",` + "\n" + `    "message": "DELETE is not allowed here; use GET, HEAD, POST."`},
		{"API, signed out", "GET", "/api/sources", reader, 401,
			with(plain, "Content-Type", json, "WWW-Authenticate", `Basic realm="newsdesk", charset="UTF-8"`), `"code": "unauthorized"`},
		{"WebSub off", "GET", "/websub/1/token", reader, 404, with(plain, "Content-Type", text), ""},
		{"health", "GET", "/healthz", reader, 200, with(plain, "Content-Type", text), "ok\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, base+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tc.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			for _, name := range checked {
				if got, want := res.Header.Get(name), tc.header[name]; got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("the body does not say %q:\n%s", tc.body, body)
			}
		})
	}
}
