package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/web"
)

// get serves h on port 0 for one GET of path, and returns the answer and
// its body.
func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// A surface's headers are set on every answer, over those of the process
// it is mounted in; what it leaves empty stays as the process set it, and
// nosniff is never forgotten.
func TestHeaders(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") })
	process := web.Headers{ReferrerPolicy: "strict-origin-when-cross-origin", FrameOptions: "DENY"}
	surface := web.Headers{ContentSecurityPolicy: web.PagePolicy("'self'", "https://player.example"), ReferrerPolicy: "same-origin", CacheControl: "no-store"}
	for _, tc := range []struct {
		name string
		h    http.Handler
		want map[string]string
	}{
		{"process", process.Wrap(ok), map[string]string{"Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY",
			"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "", "Cache-Control": ""}},
		{"surface within the process", process.Wrap(surface.Wrap(ok)), map[string]string{"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
			"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; frame-src https://player.example; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}},
		{"nothing but nosniff", web.Headers{}.Wrap(ok), map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "", "X-Frame-Options": ""}},
	} {
		res, _ := get(t, tc.h, "/")
		for name, want := range tc.want {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%s: %s %q, want %q", tc.name, name, got, want)
			}
		}
	}
}

// A handler's panic is a 500 and a log line, not a dropped connection.
func TestRecoverPanics(t *testing.T) {
	var log bytes.Buffer
	errs := web.ErrorWriter{Logger: slog.New(slog.NewTextHandler(&log, nil))}
	h := web.RecoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("nil map") }), errs)
	res, body := get(t, h, "/posts/1")
	if res.StatusCode != http.StatusInternalServerError || body != "Internal error.\n" {
		t.Errorf("answer %d %q, want 500 Internal error.", res.StatusCode, body)
	}
	if !strings.Contains(log.String(), "panic: nil map") || !strings.Contains(log.String(), "path=/posts/1") {
		t.Errorf("the log does not name the panic and the path:\n%s", log.String())
	}
}

// The health check says ok while the database answers, and 503 with a
// Retry-After while it does not.
func TestHealthz(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ping       error
		status     int
		body       string
		retryAfter string
	}{
		{"up", nil, 200, "ok\n", ""},
		{"down", errors.New("connection refused"), 503, "database unavailable\n", "10"},
	} {
		ping := func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Errorf("%s: the ping has no deadline", tc.name)
			}
			return tc.ping
		}
		res, body := get(t, web.Healthz(ping, web.ErrorWriter{}), "/healthz")
		if res.StatusCode != tc.status || body != tc.body || res.Header.Get("Retry-After") != tc.retryAfter {
			t.Errorf("%s: %d %q, Retry-After %q; want %d %q, Retry-After %q", tc.name,
				res.StatusCode, body, res.Header.Get("Retry-After"), tc.status, tc.body, tc.retryAfter)
		}
		if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
	}
}
