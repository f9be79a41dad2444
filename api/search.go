package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/newsdesk/newsdesk"
)

// searchHit is one search result as the API shows it.
type searchHit struct {
	Kind string `json:"kind"` // "articles" or "posts"
	ID   int64  `json:"id"`
	// Path is a post's page on the public site; absent for articles.
	Path        string     `json:"path,omitempty"`
	Slug        string     `json:"slug,omitempty"`
	Status      string     `json:"status,omitempty"`
	Title       string     `json:"title"`
	URL         string     `json:"url"` // the original article
	SourceName  string     `json:"source_name"`
	PublishedAt *time.Time `json:"published_at"`
	// Snippet is HTML: escaped text with <mark> around each match.
	Snippet string `json:"snippet"`
}

// searchList is the answer to GET /api/search.
type searchList struct {
	Hits []searchHit `json:"hits"`
	// NextOffset is the offset of the next page; absent on the last.
	NextOffset *int `json:"next_offset,omitempty"`
}

// handleSearch answers GET /api/search?q=words, best matches first.
// The public searches published posts (kind=posts, the default for them);
// signed-in staff also search articles (kind=articles or all, the default
// for them) and drafts. Other parameters: source (an ID), tag (a slug),
// from and to (dates, 2026-03-10, both days included), limit and offset.
func handleSearch(search newsdesk.SearchService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if search == nil { // an API set up without search
			respondError(w, r, logger, newsdesk.Errorf(newsdesk.ENOTFOUND, "No such endpoint: %s %s.", r.Method, r.URL.Path))
			return
		}
		q, err := searchQuery(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		res, err := search.Search(r.Context(), q)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := searchList{Hits: []searchHit{}}
		if res.More {
			next := q.Offset + q.Limit
			out.NextOffset = &next
		}
		for _, h := range res.Hits {
			hit := searchHit{Kind: string(h.Kind), ID: h.ID, Slug: h.Slug, Status: string(h.Status), Title: h.Title,
				URL: h.URL, SourceName: h.SourceName, PublishedAt: h.PublishedAt, Snippet: string(h.Snippet)}
			if h.Kind == newsdesk.SearchPosts {
				hit.Path = "/posts/" + h.Slug
			}
			out.Hits = append(out.Hits, hit)
		}
		respond(w, http.StatusOK, out)
	})
}

// searchQuery reads a search from the request's parameters.
func searchQuery(r *http.Request) (newsdesk.SearchQuery, error) {
	v := r.URL.Query()
	staff := userFrom(r.Context()) != nil
	q := newsdesk.SearchQuery{Text: v.Get("q"), Kind: newsdesk.SearchKind(v.Get("kind")), Tag: v.Get("tag"), Drafts: staff}
	if q.Kind == "" {
		q.Kind = newsdesk.SearchPosts
		if staff {
			q.Kind = newsdesk.SearchAll
		}
	}
	if !staff && q.Kind != newsdesk.SearchPosts {
		return q, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Sign in to search articles; without signing in, search kind=posts.")
	}
	var err error
	if q.Limit, err = intParam(v.Get("limit"), "limit", 20, 1, newsdesk.MaxSearchLimit); err != nil {
		return q, err
	}
	if q.Offset, err = intParam(v.Get("offset"), "offset", 0, 0, newsdesk.MaxSearchOffset); err != nil {
		return q, err
	}
	if s := v.Get("source"); s != "" {
		if q.SourceID, err = strconv.ParseInt(s, 10, 64); err != nil || q.SourceID <= 0 {
			return q, newsdesk.Errorf(newsdesk.EINVALID, "source must be a source's ID, not %q.", s)
		}
	}
	if q.From, q.To, err = newsdesk.ParseDateRange(v.Get("from"), v.Get("to")); err != nil {
		return q, err
	}
	return q, nil
}
