package api

import "net/http"

// addRoutes lists every route of the API.
func addRoutes(mux *http.ServeMux, cfg Config, auth *authenticator) {
	optional, required := auth.optional(cfg.Logger), auth.required(cfg.Logger)

	mux.Handle("GET /api/posts", handleListPosts(cfg.Posts, cfg.Logger))
	mux.Handle("GET /api/posts/{id}", optional(handleGetPost(cfg.Posts, cfg.Logger)))
	mux.Handle("POST /api/posts", required(handleCreatePost(cfg.Posts, cfg.Logger)))
	mux.Handle("PATCH /api/posts/{id}", required(handleUpdatePost(cfg.Posts, cfg.Logger)))

	mux.Handle("GET /api/sources", required(handleListSources(cfg.Sources, cfg.Logger)))
	mux.Handle("GET /api/sources/{id}", required(handleGetSource(cfg.Sources, cfg.Logger)))
	mux.Handle("POST /api/sources", required(handleAddSource(cfg.Feeds, cfg.Logger)))
	mux.Handle("POST /api/sources/{id}/poll", required(handlePollSource(cfg.Sources, cfg.Feeds, cfg.Logger)))

	mux.Handle("GET /api/items", required(handleListItems(cfg.Items, cfg.Logger)))

	mux.Handle("GET /api/search", optional(handleSearch(cfg.Search, cfg.Logger)))
}
