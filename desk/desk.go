// Package desk serves the editor's desk: where staff sign in, follow
// outlets, read what came in, and publish posts that credit the original.
// It is mounted at /desk/ and writes no SQL, nor any rule above it: it
// decodes forms, calls the services (posts and staff for writing and
// signing in, package newsdesk's interfaces for the rest) and renders
// pages.
package desk

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/story"
	"github.com/newsdesk/newsdesk/web"
)

//go:embed templates static
var files embed.FS

// Config is what the desk uses.
type Config struct {
	Sources newsdesk.SourceService
	Items   newsdesk.ItemService
	Feeds   newsdesk.FeedService
	// Posts writes and finds posts.
	Posts *posts.Service
	// Staff signs editors in and finds who is signed in.
	Staff *staff.Service
	// Stories, when set, makes the stories page the desk's landing page.
	Stories *story.Service
	// Articles, when set, shows each item's extracted article.
	Articles newsdesk.ArticleService
	// Search, when set, adds the search page, across items and posts.
	Search newsdesk.SearchService
	// Logger receives what went wrong inside; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
	// SecureCookies marks cookies Secure, so browsers send them over
	// HTTPS only. Set it whenever the desk is served over HTTPS.
	SecureCookies bool
}

// maxFormBytes bounds a form's body: the longest a post's summary may be
// is 20,000 characters, far under it.
const maxFormBytes = 1 << 20

// New returns the desk's handler, meant to be mounted at "/desk/"; its
// routes carry the full path. It panics if its embedded templates do not
// parse, which the tests catch.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	assets := web.NewAssets(static, "/desk/static/")
	pages := newRenderer(assets, cfg.Logger, cfg.Now, cfg.SecureCookies, cfg.Sources, cfg.Posts)
	sessions := &sessions{staff: cfg.Staff, secure: cfg.SecureCookies}

	mux := http.NewServeMux()
	addRoutes(mux, cfg, sessions, pages, assets)

	// Browsers say where a request comes from (Sec-Fetch-Site, Origin);
	// a form posted from another site is refused before any handler
	// runs, which is all the CSRF protection cookie sessions need.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfg.Logger.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		pages.problem(w, r, http.StatusForbidden, "Request refused",
			"This form was sent from another site, so the desk refused it. Open the desk and try again from there.")
	}))

	// What no route matches gets the desk's own pages; its 404, like every
	// desk page, only behind sign-in.
	notFound := sessions.require(pages)(http.HandlerFunc(pages.notFound))
	var h http.Handler = web.Unmatched(mux, notFound, http.HandlerFunc(pages.notAllowed))
	h = csrf.Handler(h)
	h = limitBody(h)
	// Desk pages stay out of shared caches, tell other sites nothing of
	// where an editor came from, and load nothing but the desk's own
	// stylesheet, images (items' lead images come from the outlets, over
	// HTTP too) and the video players that extracted articles embed, from
	// exactly the origins the sanitiser writes.
	return web.Headers{
		ContentSecurityPolicy: web.PagePolicy("'self' data: https: http:", extract.EmbedOrigins),
		ReferrerPolicy:        "same-origin",
		CacheControl:          "no-store",
	}.Wrap(h)
}

// limitBody caps every request body, so a huge form cannot fill memory.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}
