package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/web"
)

// authenticator finds who is calling, through the staff service.
type authenticator struct {
	staff *staff.Service
}

// presented reports whether r carries credentials of either kind.
func presented(r *http.Request) bool {
	if _, _, ok := r.BasicAuth(); ok {
		return true
	}
	c, err := r.Cookie(staff.SessionCookie)
	return err == nil && c.Value != ""
}

// user returns the caller: Basic credentials first, else the session
// cookie. It returns EUNAUTHORIZED when neither identifies a user, and
// ERATELIMITED when Basic credentials come after too many failures.
func (a *authenticator) user(r *http.Request) (*newsdesk.User, error) {
	if email, password, ok := r.BasicAuth(); ok {
		return a.basic(r, email, password)
	}
	if c, err := r.Cookie(staff.SessionCookie); err == nil && c.Value != "" {
		u, err := a.staff.SessionUser(r.Context(), c.Value)
		if newsdesk.ErrorCode(err) == newsdesk.EUNAUTHORIZED {
			return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "The session has ended: sign in again.")
		}
		return u, err
	}
	return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED,
		"Authentication required: send HTTP Basic credentials (e-mail and password) or the desk's session cookie.")
}

// basic checks HTTP Basic credentials. Every check is an attempt to sign
// in, limited with the desk's (see staff.Service.Authenticate): a
// program that has signed in from an address is trusted there for the
// account, so that others' failures do not hold it up, and its own
// failures hold up only the account's programs at that address; the
// failures of programs not trusted count with those of browsers not
// trusted. A refusal is ERATELIMITED wrapping a *staff.Refused.
func (a *authenticator) basic(r *http.Request, email, password string) (*newsdesk.User, error) {
	return a.staff.Authenticate(r.Context(), email, password, staff.Client{
		Address: web.ClientAddress(r),
		Program: true,
	})
}

// required is middleware that lets only identified users through.
func (a *authenticator) required(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, err := a.user(r)
			if err != nil {
				if r.Context().Err() != nil {
					return // the client left while other attempts were checked
				}
				var refused *staff.Refused
				if errors.As(err, &refused) {
					w.Header().Set("Retry-After", refused.RetryAfter())
				}
				respondError(w, r, logger, err)
				return
			}
			w.Header().Set("Cache-Control", "private, no-store")
			next.ServeHTTP(w, r.WithContext(newsdesk.WithUser(r.Context(), u)))
		})
	}
}

// optional is middleware for what anyone may ask and staff may see more
// of. Credentials that are sent must be right: a typo should not quietly
// turn a caller into the public.
func (a *authenticator) optional(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !presented(r) {
				next.ServeHTTP(w, r)
				return
			}
			a.required(logger)(next).ServeHTTP(w, r)
		})
	}
}
