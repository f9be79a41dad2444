package site

import (
	"net/http"

	"github.com/newsdesk/newsdesk"
)

// addRoutes lists every route of the public site.
func addRoutes(mux *http.ServeMux, posts newsdesk.PostService, pages *renderer, assets *assets) {
	mux.Handle("GET /{$}", handleHome(posts, pages))
	mux.Handle("GET /posts/{slug}", handlePost(posts, pages))
	mux.Handle("GET /static/{hash}/{name}", assets.handler(pages.notFound))
}
