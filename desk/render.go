package desk

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/textproc"
	"github.com/newsdesk/newsdesk/web"
)

// view is what every desk page's template gets: the frame's parts, and
// the page's own data in Data.
type view struct {
	Title string // for <title> and the page's heading
	Nav   string // the menu entry to mark as current: items, sources or posts
	Data  any

	// Filled in by render.
	User  *newsdesk.User
	Flash *message
}

// renderer holds the parsed pages and writes them, and the desk's error
// pages, to responses.
type renderer struct {
	logger *slog.Logger
	secure bool
	pages  map[string]*template.Template // by file name, e.g. "items.html"
	// sources and posts name what flash messages are about.
	sources newsdesk.SourceService
	posts   *posts.Service
	errors  web.ErrorWriter
}

// newRenderer parses every page in templates/ on top of layout.html.
func newRenderer(a *web.Assets, logger *slog.Logger, now func() time.Time, secure bool, sources newsdesk.SourceService, postService *posts.Service) *renderer {
	rd := &renderer{logger: logger, secure: secure, sources: sources, posts: postService}
	rd.errors = web.ErrorWriter{Logger: logger, Body: rd.problemPage}
	rd.pages = web.ParseTemplates(files, "templates", template.FuncMap{
		"static":  a.URL,
		"ago":     func(t time.Time) string { return relativeTime(now(), t) },
		"stamp":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"excerpt": excerpt,
	})
	return rd
}

// render writes the named page with status, adding the signed-in user
// and any flash message waiting for this page.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, status int, name string, p view) {
	p.User = newsdesk.UserFrom(r.Context())
	p.Flash = rd.takeFlash(w, r)
	if err := web.WritePage(w, status, rd.pages[name], p); err != nil {
		rd.logger.Error("render page", "template", name, "path", r.URL.Path, "err", err)
	}
}

// errorPage is the data of error.html.
type errorPage struct {
	Message string
}

// problem writes the error page with a heading and a message.
func (rd *renderer) problem(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	rd.render(w, r, status, "error.html", view{Title: heading, Data: errorPage{Message: message}})
}

// notFound writes the 404 page.
func (rd *renderer) notFound(w http.ResponseWriter, r *http.Request) {
	rd.problem(w, r, http.StatusNotFound, "Not found", "There is nothing at this address.")
}

// notAllowed writes the 405 page; web.Unmatched has set its Allow header.
func (rd *renderer) notAllowed(w http.ResponseWriter, r *http.Request) {
	rd.problem(w, r, http.StatusMethodNotAllowed, "Not allowed", "This address does not accept that kind of request.")
}

// error writes the page for err through web's one error writer: the
// status its code maps to and its message for users. Internal details go
// to the log only.
func (rd *renderer) error(w http.ResponseWriter, r *http.Request, err error) {
	rd.errors.Error(w, r, err)
}

// problemPage is how the desk shows a failed request: the error page,
// headed by what kind of failure it is, with the error's message.
func (rd *renderer) problemPage(w http.ResponseWriter, r *http.Request, p web.Problem) {
	heading := "Something went wrong"
	switch p.Status {
	case http.StatusNotFound:
		heading = "Not found"
	case http.StatusBadRequest:
		heading = "That did not work"
	case http.StatusServiceUnavailable:
		heading = "Back in a moment"
	}
	rd.problem(w, r, p.Status, heading, p.Message)
}

// flash keeps a message for the next page the browser shows. It rides in
// a short-lived cookie, so that a redirect after a form shows it once and
// reloading the page does not.
func (rd *renderer) flash(w http.ResponseWriter, f flash) {
	b, err := json.Marshal(f)
	if err != nil {
		rd.logger.Error("flash", "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/desk/",
		MaxAge: 60, HttpOnly: true, Secure: rd.secure, SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash returns the waiting flash message, if any, and clears it.
func (rd *renderer) takeFlash(w http.ResponseWriter, r *http.Request) *message {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Path: "/desk/", MaxAge: -1, HttpOnly: true, Secure: rd.secure, SameSite: http.SameSiteLaxMode,
	})
	var f flash
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return nil
	}
	return rd.flashMessage(r.Context(), f)
}

// relativeTime says how far t is from now in the words an editor scans
// for: "5 minutes ago", "in 2 hours"; past a month, the date.
func relativeTime(now, t time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		if future {
			return "in under a minute"
		}
		return "just now"
	case d < time.Hour:
		s = plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		s = plural(int(d/time.Hour), "hour")
	case d < 31*24*time.Hour:
		s = plural(int(d/(24*time.Hour)), "day")
	default:
		return t.UTC().Format("2 Jan 2006")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// plural writes a count with its noun: "1 item", "3 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// excerpt shortens s to at most max characters, cut at a word boundary
// and ended with an ellipsis.
func excerpt(max int, s string) string {
	return textproc.Excerpt(s, textproc.ExcerptOptions{Runes: max, Ellipsis: "…"})
}
