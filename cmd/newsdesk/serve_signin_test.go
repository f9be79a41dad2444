package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

// The desk and the API of one process share one limit on failed
// sign-ins: three failures on the desk's form and two through the API's
// Basic authentication are five, and the next attempt through either is
// refused.
func TestServeSignInLimitShared(t *testing.T) {
	base := serveForTest(t, "--database", filepath.Join(t.TempDir(), "newsdesk.db"))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	desk := func() *http.Response {
		t.Helper()
		res, err := noRedirect.PostForm(base+"/desk/signin", url.Values{"email": {"editor@example.org"}, "password": {"guess"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	api := func() *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/api/sources", nil)
		req.SetBasicAuth("editor@example.org", "guess")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i := range 3 {
		if res := desk(); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("desk failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}
	for i := range 2 {
		res := api()
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("API failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}

	res := api()
	defer res.Body.Close()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		body.Error.Code != newsdesk.ERATELIMITED || !strings.HasPrefix(body.Error.Message, "Too many failed sign-ins") {
		t.Errorf("API after five failures: status %d, Retry-After %q, %+v; want 429 rate_limited",
			res.StatusCode, res.Header.Get("Retry-After"), body.Error)
	}
	if res := desk(); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("desk after five failures: status %d, want 429 with Retry-After", res.StatusCode)
	}
}
