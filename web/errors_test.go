package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// Each error code answers one HTTP status, wherever in err's chain the
// coded error sits; an error with no code is newsdesk's own fault.
func TestErrorStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{newsdesk.Errorf(newsdesk.ECONFLICT, "taken"), http.StatusConflict},
		{newsdesk.Errorf(newsdesk.EINVALID, "bad"), http.StatusBadRequest},
		{newsdesk.Errorf(newsdesk.ENOTFOUND, "gone"), http.StatusNotFound},
		{newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "who"), http.StatusUnauthorized},
		{newsdesk.Errorf(newsdesk.EUNAVAILABLE, "outlet down"), http.StatusBadGateway},
		{newsdesk.Errorf(newsdesk.ESERVICEUNAVAILABLE, "database down"), http.StatusServiceUnavailable},
		{newsdesk.Errorf(newsdesk.ETOOLARGE, "big"), http.StatusRequestEntityTooLarge},
		{newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "not a feed"), http.StatusUnprocessableEntity},
		{newsdesk.Errorf(newsdesk.ERATELIMITED, "wait"), http.StatusTooManyRequests},
		{newsdesk.Errorf(newsdesk.EINTERNAL, "oops"), http.StatusInternalServerError},
		{errors.New("uncoded"), http.StatusInternalServerError},
		{fmt.Errorf("load post 3: %w", newsdesk.Errorf(newsdesk.ENOTFOUND, "gone")), http.StatusNotFound},
	} {
		if got := web.ErrorStatus(tc.err); got != tc.want {
			t.Errorf("ErrorStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// A 503 asks clients to come back in ten seconds, unless the answer
// named its own wait; no other status carries a Retry-After of its own.
func TestSetRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		had    string
		want   string
	}{
		{"503", http.StatusServiceUnavailable, "", "10"},
		{"503 with its own wait", http.StatusServiceUnavailable, "120", "120"},
		{"429 with its own wait", http.StatusTooManyRequests, "900", "900"},
		{"500", http.StatusInternalServerError, "", ""},
		{"200", http.StatusOK, "", ""},
	} {
		h := http.Header{}
		if tc.had != "" {
			h.Set("Retry-After", tc.had)
		}
		web.SetRetryAfter(h, tc.status)
		if got := h.Get("Retry-After"); got != tc.want {
			t.Errorf("%s: Retry-After %q, want %q", tc.name, got, tc.want)
		}
	}
}
