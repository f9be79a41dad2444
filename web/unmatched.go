package web

import "net/http"

// Unmatched serves mux, and answers the requests that none of its routes
// matches in the surface's own form rather than with the mux's plain
// text: notFound for a path no route has, and notAllowed, with the mux's
// Allow header set already, for a path whose routes take other methods.
// It needs no catch-all route, which would turn every 405 into a 404.
func Unmatched(mux *http.ServeMux, notFound, notAllowed http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			notAllowed.ServeHTTP(w, r)
			return
		}
		notFound.ServeHTTP(w, r)
	})
}

// headerRecorder keeps the status and headers a handler writes and drops
// its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(status int)      { h.status = status }
