package desk

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/web"
)

// sessions signs editors in and out and finds who is signed in, through
// the staff service; what it adds are the desk's cookies.
type sessions struct {
	staff  *staff.Service
	secure bool
}

// sessionToken returns the session token r's cookie carries, or "".
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(staff.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// user returns the signed-in user of r, or EUNAUTHORIZED.
func (s *sessions) user(r *http.Request) (*newsdesk.User, error) {
	return s.staff.SessionUser(r.Context(), sessionToken(r))
}

// start sets the cookies of a sign-in: the session's, sent with every
// request to the site, and the device cookie, sent back only to the
// sign-in form, from then on trusted for the account.
func (s *sessions) start(w http.ResponseWriter, in *staff.SignedIn) {
	http.SetCookie(w, &http.Cookie{
		Name:     staff.SessionCookie,
		Value:    in.Token,
		Path:     "/",
		Expires:  in.Expires,
		MaxAge:   int(staff.SessionLifetime / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
	http.SetCookie(w, &http.Cookie{
		Name:     staff.DeviceCookieName(in.User.Email),
		Value:    in.Device,
		Path:     "/desk/signin",
		Expires:  in.DeviceExpires,
		MaxAge:   int(staff.DeviceLifetime / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteStrictMode,
	})
}

// end deletes r's session, if any, and clears its cookie. The device
// cookie stays.
func (s *sessions) end(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{
		Name: staff.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	return s.staff.SignOut(r.Context(), sessionToken(r))
}

// require is middleware that lets only signed-in users through, with the
// user in the request's context. Others go to the sign-in page, which
// brings them back to the page they asked for.
func (s *sessions) require(pages *renderer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, err := s.user(r)
			if newsdesk.ErrorCode(err) == newsdesk.EUNAUTHORIZED {
				target := "/desk/signin"
				// A form's POST cannot be replayed after sign-in; only a
				// page to look at is worth coming back to.
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					if uri := r.URL.RequestURI(); uri != "/desk/" {
						target += "?next=" + url.QueryEscape(uri)
					}
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
			if err != nil {
				pages.error(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(newsdesk.WithUser(r.Context(), u)))
		})
	}
}

// safeNext returns where to go after signing in: next if it is a page of
// the desk on this site, else the desk's front page. Anything else would
// let a link to the sign-in page send editors to another site.
func safeNext(next string) string {
	const home = "/desk/"
	if !strings.HasPrefix(next, "/desk/") || strings.ContainsFunc(next, func(r rune) bool {
		return r == '\\' || r < 0x20 || r == 0x7f
	}) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	// "/desk/../elsewhere", also spelled with %2e, leaves the desk.
	if clean := path.Clean(u.Path); clean != "/desk" && !strings.HasPrefix(clean, "/desk/") {
		return home
	}
	return next
}

// signInPage is the data of signin.html.
type signInPage struct {
	Email string
	Next  string
	Error string
}

// handleSignInForm shows the sign-in form, or sends a signed-in user on.
func handleSignInForm(s *sessions, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next := r.URL.Query().Get("next")
		if _, err := s.user(r); err == nil {
			http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
			return
		}
		pages.render(w, r, http.StatusOK, "signin.html", view{Title: "Sign in", Data: signInPage{Next: next}})
	})
}

// handleSignIn checks an e-mail and password (see staff.Service.SignIn)
// and starts a session. It says the same for an unknown e-mail as for a
// wrong password, so the form cannot be used to learn who has an
// account. After too many failed attempts it refuses further ones for a
// while with 429 Too Many Requests; a browser that has signed in to the
// account before holds a device cookie that keeps it apart from those
// that have not, so that others' failures never hold it up.
func handleSignIn(s *sessions, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		email := strings.TrimSpace(r.PostForm.Get("email"))
		password := r.PostForm.Get("password")
		next := r.PostForm.Get("next")

		client := staff.Client{Address: web.ClientAddress(r)}
		if c, err := r.Cookie(staff.DeviceCookieName(email)); err == nil {
			client.Device = c.Value
		}
		in, err := s.staff.SignIn(r.Context(), email, password, client)
		if err != nil {
			var refused *staff.Refused
			switch code := newsdesk.ErrorCode(err); {
			case code == newsdesk.EUNAUTHORIZED || code == newsdesk.ERATELIMITED:
				if errors.As(err, &refused) {
					w.Header().Set("Retry-After", refused.RetryAfter())
				}
				pages.render(w, r, web.ErrorStatus(err), "signin.html", view{Title: "Sign in", Data: signInPage{
					Email: email, Next: next, Error: newsdesk.ErrorMessage(err),
				}})
			case r.Context().Err() != nil:
				// The client left while other attempts were checked.
			default:
				pages.error(w, r, err)
			}
			return
		}
		s.start(w, in)
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	})
}

// handleSignOut ends the session and goes back to the sign-in page.
func handleSignOut(s *sessions, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.end(w, r); err != nil {
			pages.error(w, r, err)
			return
		}
		pages.flash(w, flash{Kind: flashSignedOut})
		http.Redirect(w, r, "/desk/signin", http.StatusSeeOther)
	})
}

// formError turns a failure to read a form into an error for the user.
func formError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newsdesk.WrapError(newsdesk.ETOOLARGE, err, "The form is too large to send.")
	}
	return newsdesk.WrapError(newsdesk.EINVALID, err, "The form could not be read.")
}
