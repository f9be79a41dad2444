package site

import (
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/textproc"
	"github.com/newsdesk/newsdesk/web"
)

// layout is what every page's frame needs; each page's data embeds it.
type layout struct {
	Site        string // the site's name
	Title       string // this page's title, without the site's name; empty on the home page
	Description string // the meta description
	// Feed is this page's own feed, offered beside the site's; nil for none.
	Feed *feedLink
}

// feedLink is a feed a page offers readers' feed readers.
type feedLink struct {
	Title string
	URL   string
}

// renderer holds the parsed pages and writes them, and the site's error
// pages, to responses.
type renderer struct {
	site   string
	logger *slog.Logger
	pages  map[string]*template.Template // by file name, e.g. "post.html"
	errors web.ErrorWriter
}

// newRenderer parses every page in templates/ on top of layout.html.
func newRenderer(site string, a *web.Assets, logger *slog.Logger) *renderer {
	rd := &renderer{site: site, logger: logger}
	rd.errors = web.ErrorWriter{Logger: logger, Body: rd.problemPage}
	rd.pages = web.ParseTemplates(files, "templates", template.FuncMap{
		"static":   a.URL,
		"date":     formatDate,
		"isoTime":  isoTime,
		"excerpt":  excerpt,
		"firstPar": firstParagraph,
		"tagURL":   tagURL,
		"linkify":  linkify,
	})
	return rd
}

// render writes the named page with status.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := web.WritePage(w, status, rd.pages[name], data); err != nil {
		rd.logger.Error("render page", "template", name, "path", r.URL.Path, "err", err)
	}
}

// errorPage is the data of error.html.
type errorPage struct {
	layout
	Heading string
	Message string
}

// problem writes the error page with a heading and a message for readers.
func (rd *renderer) problem(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	rd.render(w, r, status, "error.html", errorPage{
		layout:  layout{Site: rd.site, Title: heading, Description: message},
		Heading: heading,
		Message: message,
	})
}

// notFound writes the 404 page. It says the same for a post that never
// existed and for a draft, so readers cannot learn what is unpublished.
func (rd *renderer) notFound(w http.ResponseWriter, r *http.Request) {
	rd.problem(w, r, http.StatusNotFound, "Page not found",
		"There is nothing at this address. The story may have moved, or the link may be mistyped.")
}

// notAllowed writes the 405 page; web.Unmatched has set its Allow header.
func (rd *renderer) notAllowed(w http.ResponseWriter, r *http.Request) {
	rd.problem(w, r, http.StatusMethodNotAllowed, "Not allowed", "This address does not accept that kind of request.")
}

// error writes the page for err through web's one error writer: the
// status its code maps to and its message for readers. Internal details
// go to the log only.
func (rd *renderer) error(w http.ResponseWriter, r *http.Request, err error) {
	rd.errors.Error(w, r, err)
}

// problemPage is how the site shows a failed request: the 404 page for
// anything not found, whatever the error said, and otherwise the error
// page with the error's message.
func (rd *renderer) problemPage(w http.ResponseWriter, r *http.Request, p web.Problem) {
	if p.Status == http.StatusNotFound {
		rd.notFound(w, r)
		return
	}
	heading := "Something went wrong"
	if p.Status == http.StatusServiceUnavailable {
		heading = "Back in a moment"
	}
	rd.problem(w, r, p.Status, heading, p.Message)
}

// formatDate writes a date as readers expect it in a byline: 2 March 2026.
func formatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

// firstParagraph returns a post's first paragraph, for the home page.
func firstParagraph(p *newsdesk.Post) string {
	if paras := p.Paragraphs(); len(paras) > 0 {
		return paras[0]
	}
	return ""
}

// excerpt shortens s to at most max characters, cut at a word boundary
// and ended with an ellipsis, for meta descriptions and teasers.
func excerpt(max int, s string) string {
	return textproc.Excerpt(s, textproc.ExcerptOptions{Runes: max, Ellipsis: "…"})
}

// isoTime writes a time for a <time datetime> attribute.
func isoTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// textPart is a piece of plain text, or a web address within it.
type textPart struct {
	Text string
	URL  string // set when Text is a web address to link
}

// linkify splits text at the bare web addresses in it (such as a YouTube
// link at the start of an excerpt), so that a template can link them. Only
// http and https addresses are linked.
func linkify(text string) []textPart {
	var out []textPart
	var plain strings.Builder
	for i, w := range strings.Split(text, " ") {
		if i > 0 {
			plain.WriteByte(' ')
		}
		lower := strings.ToLower(w)
		if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
			plain.WriteString(w)
			continue
		}
		if plain.Len() > 0 {
			out = append(out, textPart{Text: plain.String()})
			plain.Reset()
		}
		out = append(out, textPart{Text: w, URL: w})
	}
	if plain.Len() > 0 {
		out = append(out, textPart{Text: plain.String()})
	}
	return out
}
