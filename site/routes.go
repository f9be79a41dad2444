package site

import (
	"net/http"

	"github.com/newsdesk/newsdesk/web"
)

// addRoutes lists every route of the public site.
func addRoutes(mux *http.ServeMux, cfg Config, pages *renderer, assets *web.Assets) {
	posts := cfg.Posts
	mux.Handle("GET /{$}", handleHome(posts, pages))
	mux.Handle("GET /posts/{slug}", handlePost(posts, cfg.Related, cfg.RelatedCount, pages))
	mux.Handle("GET /tag/{slug}", handleTag(posts, pages))
	mux.Handle("GET /feed.xml", handleFeed(posts, cfg.Title, cfg.BaseURL, cfg.Hubs, pages))
	mux.Handle("GET /tag/{slug}/feed.xml", handleFeed(posts, cfg.Title, cfg.BaseURL, cfg.Hubs, pages))
	mux.Handle("GET /search", handleSearch(cfg.Search, pages))
	mux.Handle("GET /sitemap.xml", handleSitemap(posts, cfg.BaseURL, pages))
	mux.Handle("GET /static/{hash}/{name}", assets.Handler(pages.notFound))
}
