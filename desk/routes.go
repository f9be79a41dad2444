package desk

import (
	"net/http"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// addRoutes lists every route of the desk. All but signing in and the
// static files need a signed-in user.
func addRoutes(mux *http.ServeMux, cfg Config, s *sessions, pages *renderer, assets *web.Assets) {
	auth := s.require(pages)

	mux.Handle("GET /desk/signin", handleSignInForm(s, pages))
	mux.Handle("POST /desk/signin", handleSignIn(s, pages))
	mux.Handle("POST /desk/signout", handleSignOut(s, pages))
	mux.Handle("GET /desk/static/{hash}/{name}", assets.Handler(pages.notFound))

	if cfg.Stories != nil {
		mux.Handle("GET /desk/{$}", auth(http.RedirectHandler("/desk/stories", http.StatusSeeOther)))
		mux.Handle("GET /desk/stories", auth(handleStories(cfg.Stories, cfg.Now, pages)))
		mux.Handle("POST /desk/stories/merge", auth(handleMergeStories(cfg.Stories, pages)))
		mux.Handle("GET /desk/stories/{id}", auth(handleStory(cfg.Stories, cfg.Now, pages)))
		mux.Handle("POST /desk/stories/{id}/split", auth(handleSplitStory(cfg.Stories, pages)))
	} else {
		mux.Handle("GET /desk/{$}", auth(http.RedirectHandler("/desk/items", http.StatusSeeOther)))
	}

	// The feed service imports and exports OPML too when it can (ingest's
	// does); otherwise the desk offers neither.
	opml, _ := cfg.Feeds.(newsdesk.OPMLService)
	sources := sourcesView{sources: cfg.Sources, opml: opml, now: cfg.Now, pages: pages}
	mux.Handle("GET /desk/sources", auth(handleSources(sources)))
	mux.Handle("POST /desk/sources", auth(handleAddSource(sources, cfg.Items, cfg.Feeds)))
	mux.Handle("POST /desk/sources/import", auth(handleImportSources(sources)))
	mux.Handle("GET /desk/sources/import", auth(handleImportStatus(sources)))
	mux.Handle("POST /desk/sources/import/delete-failed", auth(handleDeleteFailedImports(sources)))
	mux.Handle("GET /desk/sources/export", auth(handleExportSources(sources)))
	mux.Handle("POST /desk/sources/{id}/poll", auth(handlePollSource(cfg.Sources, cfg.Feeds, pages)))
	mux.Handle("GET /desk/sources/{id}/delete", auth(handleDeleteSourceForm(cfg.Sources, cfg.Items, pages)))
	mux.Handle("POST /desk/sources/{id}/delete", auth(handleDeleteSource(cfg.Sources, cfg.Items, pages)))

	mux.Handle("GET /desk/items", auth(handleItems(cfg.Sources, cfg.Items, pages)))
	mux.Handle("GET /desk/search", auth(handleSearch(cfg.Sources, cfg.Search, pages)))
	mux.Handle("GET /desk/items/{id}", auth(handleItem(cfg.Items, cfg.Articles, pages)))

	mux.Handle("GET /desk/posts", auth(handlePosts(cfg.Posts, pages)))
	mux.Handle("GET /desk/posts/new", auth(handleComposeForm(cfg.Posts, pages)))
	mux.Handle("POST /desk/posts", auth(handleCreatePost(cfg.Posts, pages)))
	mux.Handle("GET /desk/posts/{id}", auth(handleEditForm(cfg.Posts, pages)))
	mux.Handle("POST /desk/posts/{id}", auth(handleUpdatePost(cfg.Posts, pages)))
}
