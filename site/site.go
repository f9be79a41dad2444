// Package site serves the public site: the list of published posts and a
// page for each post, crediting and linking the original article.
package site

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/web"
)

//go:embed templates static
var files embed.FS

// Config is what the public site uses.
type Config struct {
	// Posts finds the published posts.
	Posts *posts.Service
	// Search finds published posts for /search.
	Search newsdesk.SearchService
	// Title is the site's name, shown in the masthead and in every page's
	// <title>; "newsdesk" when empty.
	Title string
	// Logger receives what went wrong inside; nil discards it.
	Logger *slog.Logger
	// Related, when set, lists the posts most related to each post under
	// "Related Articles" on its page.
	Related RelatedPosts
	// RelatedCount is how many related posts a page lists; 5 when zero.
	RelatedCount int
	// BaseURL is the site's address as readers reach it
	// ("https://news.example.org"), for the absolute links of feeds and
	// the sitemap; "http://localhost" when empty. It is never taken from
	// a request: any client may send any Host or X-Forwarded-Host, and a
	// shared cache would keep the feed it got back for everyone.
	BaseURL string
	// Hubs are the WebSub hubs the feeds name (<link rel="hub">), where
	// feed readers follow them to be told of a post within seconds:
	// newsdesk's own hub first, then any other it pings. None when empty.
	Hubs []string
}

// RelatedPosts answers which published posts are most related to a post;
// *postindex.Index is one.
type RelatedPosts interface {
	// Related returns the IDs of up to k posts most related to the post,
	// best first.
	Related(postID int64, k int) []int64
}

// New returns the public site's handler, meant to be mounted at "/".
// It panics if its embedded templates do not parse, which a test catches.
func New(cfg Config) http.Handler {
	if cfg.Title == "" {
		cfg.Title = "newsdesk"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	assets := web.NewAssets(static, "/static/")
	pages := newRenderer(cfg.Title, assets, cfg.Logger)

	if cfg.RelatedCount <= 0 {
		cfg.RelatedCount = 5
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost"
	}

	mux := http.NewServeMux()
	addRoutes(mux, cfg, pages, assets)
	h := web.Unmatched(mux, http.HandlerFunc(pages.notFound), http.HandlerFunc(pages.notAllowed))
	// The site needs no script, so it allows none; images from anywhere
	// over HTTPS; frames only from the video players the sanitiser
	// embeds, for sanitised HTML shown in a page.
	return web.Headers{ContentSecurityPolicy: web.PagePolicy("'self' https: data:", extract.EmbedOrigins)}.Wrap(h)
}
