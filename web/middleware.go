package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Headers are the security headers that a surface, or a whole process,
// sets on every answer. X-Content-Type-Options: nosniff is always set;
// an empty field is left unset. They are set before the handler runs, so
// a surface mounted inside another sets its own over the outer one's.
type Headers struct {
	ContentSecurityPolicy string
	ReferrerPolicy        string
	FrameOptions          string // X-Frame-Options
	CacheControl          string
}

// Wrap returns next with h set on every answer.
func (h Headers) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := w.Header()
		set := func(name, value string) {
			if value != "" {
				out.Set(name, value)
			}
		}
		set("Cache-Control", h.CacheControl)
		set("Content-Security-Policy", h.ContentSecurityPolicy)
		set("X-Content-Type-Options", "nosniff")
		set("Referrer-Policy", h.ReferrerPolicy)
		set("X-Frame-Options", h.FrameOptions)
		next.ServeHTTP(w, r)
	})
}

// PagePolicy returns the Content-Security-Policy of newsdesk's pages,
// which run no script: styles come from their own origin, images from
// imgSrc, frames from frameSrc (the video players extracted articles
// embed); forms post only to their own origin, and no other site may
// frame them.
func PagePolicy(imgSrc, frameSrc string) string {
	return "default-src 'none'; style-src 'self'; img-src " + imgSrc + "; frame-src " + frameSrc +
		"; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// RecoverPanics turns a handler's panic into a 500, answered and logged
// by errs, rather than a dropped connection. http.ErrAbortHandler, which
// a handler panics with to abort on purpose, is let through.
func RecoverPanics(next http.Handler, errs ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				errs.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// healthTimeout bounds a health check's ping: a database slower than this
// to answer one is as good as down to a load balancer.
const healthTimeout = 2 * time.Second

// Healthz answers health checks (a load balancer's, or a test waiting for
// serve): "ok" while ping reaches the database, and otherwise a 503
// through errs, whose Retry-After tells the balancer to wait as long as
// readers are told to.
func Healthz(ping func(context.Context) error, errs ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := ping(ctx); err != nil {
			errs.Error(w, r, newsdesk.WrapError(newsdesk.ESERVICEUNAVAILABLE, err, "database unavailable"))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
}
