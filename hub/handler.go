package hub

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// maxFormBytes bounds a subscription request's body: its parameters
// together are at most a few kilobytes.
const maxFormBytes = 16 << 10

// Handler returns the hub's web surface, meant to be mounted at "/hub":
// POST a subscription request there (a form, as WebSub asks), and it
// answers 202 Accepted, then verifies the request with the callback; or
// 4xx and a plain-text reason, for the follower's developer. A GET
// answers with a line saying what the address is. q receives the
// verifications.
func (h *Hub) Handler(q Queue) http.Handler {
	errs := web.ErrorWriter{Logger: h.cfg.Logger}
	mux := http.NewServeMux()
	mux.Handle("POST "+Path, handleRequest(h, q, errs))
	mux.Handle("GET "+Path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "This is the WebSub hub of this site's feeds: POST a subscription request here (https://www.w3.org/TR/websub/).\n")
	}))
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errs.Error(w, r, newsdesk.Errorf(newsdesk.ENOTFOUND, "Not found."))
	})
	notAllowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.TextBody(w, r, web.Problem{Status: http.StatusMethodNotAllowed, Message: "Method not allowed: POST a subscription request."})
	})
	return web.Unmatched(mux, notFound, notAllowed)
}

// handleRequest decodes a subscription request and hands it to Accept.
func handleRequest(h *Hub, q Queue, errs web.ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
			errs.Error(w, r, newsdesk.Errorf(newsdesk.EINVALID,
				"Send the request as a form (Content-Type: application/x-www-form-urlencoded), as WebSub asks."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				errs.Error(w, r, newsdesk.Errorf(newsdesk.ETOOLARGE, "The request is larger than %d bytes.", maxFormBytes))
				return
			}
			errs.Error(w, r, newsdesk.WrapError(newsdesk.EINVALID, err, "The request's body is not a form."))
			return
		}
		if err := h.Accept(r.Context(), r.PostForm, q); err != nil {
			errs.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "Accepted: the hub will now ask the callback to confirm.\n")
	})
}
