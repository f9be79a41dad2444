package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// The one error writer answers with the status of the error's code and
// its message for users; internal details reach the log, for newsdesk's
// own failures only, and never the client. Each surface gives the
// answer its own form.
func TestErrorWriter(t *testing.T) {
	secret := errors.New("dial tcp 10.0.0.7:5432: connection refused")
	for _, tc := range []struct {
		name       string
		err        error
		json       bool // a surface that answers in JSON, else the default, plain text
		status     int
		body       string
		retryAfter string
		logged     bool
	}{
		{"not found, text", newsdesk.Errorf(newsdesk.ENOTFOUND, "No such post."), false, 404, "No such post.\n", "", false},
		{"invalid, JSON", newsdesk.WrapError(newsdesk.EINVALID, secret, "The headline is empty."), true, 400,
			`{"code":"invalid","message":"The headline is empty."}`, "", false},
		{"database down", newsdesk.WrapError(newsdesk.ESERVICEUNAVAILABLE, secret, "The database cannot be reached just now."), false,
			503, "The database cannot be reached just now.\n", "10", true},
		{"database down, JSON", fmt.Errorf("list posts: %w", newsdesk.WrapError(newsdesk.ESERVICEUNAVAILABLE, secret, "Try again.")), true,
			503, `{"code":"service_unavailable","message":"Try again."}`, "10", true},
		{"uncoded", fmt.Errorf("render: %w", secret), false, 500, "Internal error.\n", "", true},
		{"uncoded, JSON", secret, true, 500, `{"code":"internal","message":"Internal error."}`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			errs := web.ErrorWriter{Logger: slog.New(slog.NewTextHandler(&log, nil))}
			if tc.json {
				errs.Body = func(w http.ResponseWriter, _ *http.Request, p web.Problem) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(p.Status)
					fmt.Fprintf(w, `{"code":%q,"message":%q}`, p.Code, p.Message)
				}
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				errs.Error(w, r, tc.err)
			}))
			defer srv.Close()
			res, err := http.Get(srv.URL + "/posts/7")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || string(body) != tc.body {
				t.Errorf("answer %d %q, want %d %q", res.StatusCode, body, tc.status, tc.body)
			}
			if got := res.Header.Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
			}
			if !tc.json && res.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q, want plain text", res.Header.Get("Content-Type"))
			}
			if strings.Contains(string(body), "10.0.0.7") {
				t.Errorf("the answer shows internal details: %s", body)
			}
			if logged := strings.Contains(log.String(), "10.0.0.7") && strings.Contains(log.String(), "path=/posts/7"); logged != tc.logged {
				t.Errorf("logged %v, want %v:\n%s", logged, tc.logged, log.String())
			}
		})
	}
}
