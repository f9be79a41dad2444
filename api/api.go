// Package api serves newsdesk's JSON API at /api/: published posts for
// anyone, and sources, items and writing posts for signed-in staff, who
// authenticate with HTTP Basic (e-mail and password) or the desk's
// session cookie.
//
// Every error is answered as {"error": {"code": "...", "message": "..."}}
// with the status its code maps to (web.ErrorStatus); the code is one
// of newsdesk's error codes, or "method_not_allowed" for a 405.
//
// Basic sign-ins are limited with the desk's (see staff.Service): a
// program that has signed in from an address is trusted there, apart
// from clients that have not; a client refused after too many failures
// gets 429, a Retry-After header and the code "rate_limited".
package api

import (
	"log/slog"
	"net/http"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/web"
)

// Config is what the API uses.
type Config struct {
	Sources newsdesk.SourceService
	Items   newsdesk.ItemService
	Feeds   newsdesk.FeedService
	// Posts writes posts and finds them, published ones for the public.
	Posts *posts.Service
	// Staff checks the credentials of callers who send them: HTTP Basic
	// within the limits on failed sign-ins, or the desk's session cookie.
	// Give the API and the desk the same one, so that failures through
	// either count against both.
	Staff *staff.Service
	// Search answers GET /api/search.
	Search newsdesk.SearchService
	// Logger receives what went wrong inside; nil discards it.
	Logger *slog.Logger
}

// New returns the API's handler, meant to be mounted at "/api/"; its
// routes carry the full path.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	auth := &authenticator{staff: cfg.Staff}
	mux := http.NewServeMux()
	addRoutes(mux, cfg, auth)

	// The desk's session cookie is accepted here, so a page on another
	// site must not be able to make a signed-in browser POST to the API.
	// Clients that are not browsers send no Origin or Sec-Fetch-Site and
	// pass.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, cfg.Logger, newsdesk.Errorf(newsdesk.EUNAUTHORIZED,
			"Cross-origin requests are refused: call the API from the same site, or from outside a browser."))
	}))
	return csrf.Handler(web.Unmatched(mux, noEndpoint(cfg.Logger), http.HandlerFunc(methodNotAllowed)))
}

// noEndpoint answers a path the API does not have, in JSON like every
// other answer of the API.
func noEndpoint(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, logger, newsdesk.Errorf(newsdesk.ENOTFOUND, "No such endpoint: %s %s.", r.Method, r.URL.Path))
	})
}

// methodNotAllowed answers a method an endpoint does not take, naming
// those it does (web.Unmatched has set the Allow header). Its code,
// "method_not_allowed", is the API's own: no error of newsdesk's has it.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := w.Header().Get("Allow")
	respond(w, http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
		Code:    "method_not_allowed",
		Message: r.Method + " is not allowed here; use " + allow + ".",
	}})
}
