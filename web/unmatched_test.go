package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/web"
)

// What no route matches is answered by the surface's own handlers, the
// 405 keeping the mux's Allow header; what a route matches is the
// route's, redirects to a path's canonical form included.
func TestUnmatched(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts/{slug}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "post "+r.PathValue("slug"))
	})
	mux.HandleFunc("POST /posts/{slug}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "saved") })
	mux.HandleFunc("GET /tags/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "tags") })
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "our own 404")
	})
	notAllowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "our own 405; use "+w.Header().Get("Allow"))
	})
	srv := httptest.NewServer(web.Unmatched(mux, notFound, notAllowed))
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
		allow        string
	}{
		{"GET", "/posts/ferry", 200, "post ferry", ""},
		{"POST", "/posts/ferry", 200, "saved", ""},
		{"GET", "/nowhere", 404, "our own 404", ""},
		{"DELETE", "/posts/ferry", 405, "our own 405; use GET, HEAD, POST", "GET, HEAD, POST"},
		{"GET", "/tags", 307, `href="/tags/"`, ""},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.body) || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %q, Allow %q; want %d %q, Allow %q", tc.method, tc.path,
				res.StatusCode, body, res.Header.Get("Allow"), tc.status, tc.body, tc.allow)
		}
	}
}
