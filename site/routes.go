package site

import (
	"net/http"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/page"
)

// addRoutes lists every route of the public site.
func addRoutes(mux *http.ServeMux, posts newsdesk.PostService, pages *renderer, assets *page.Assets) {
	mux.Handle("GET /{$}", handleHome(posts, pages))
	mux.Handle("GET /posts/{slug}", handlePost(posts, pages))
	mux.Handle("GET /static/{hash}/{name}", assets.Handler(pages.notFound))
}
