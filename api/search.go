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
	Snippet     snippet    `json:"snippet"`
}

// snippet is a passage of the text around what matched, as plain text
// (not HTML) with the parts that matched: each of Matches is [start, end),
// counted in characters (Unicode code points, not bytes or UTF-16 units)
// from the start of Text, in order and not overlapping.
type snippet struct {
	Text    string   `json:"text"`
	Matches [][2]int `json:"matches"` // never null
}

// snippetOf is s as the API shows it.
func snippetOf(s newsdesk.Snippet) snippet {
	out := snippet{Text: s.Text, Matches: make([][2]int, 0, len(s.Matches))}
	for _, m := range s.Matches {
		out.Matches = append(out.Matches, [2]int{m.Start, m.End})
	}
	return out
}

// searchList is the answer to GET /api/search.
type searchList struct {
	Hits []searchHit `json:"hits"`
	// NextOffset is the offset of the next page; absent on the last.
	NextOffset *int `json:"next_offset,omitempty"`
}

// handleSearch answers GET /api/search?q=words, best matches first.
//
// Parameters: q, the search, in the syntax of the site's search box
// (words, "a phrase", elect*, -word); kind, what to search: posts
// (published posts; the default, and all the public may search), or for
// signed-in staff also articles (ingested items) or all (both, drafts
// included: the default for staff); source, a source's ID; tag, a tag's
// slug (posts only); from and to, dates such as 2026-03-10, both days
// included, in UTC; limit, 1 to 100 (20); offset, up to 1,000 (0).
//
// The answer lists hits best first, and next_offset while there are more:
//
//	{"hits": [{
//	    "kind": "posts", "id": 12, "path": "/posts/harbor-bridge-open-again",
//	    "slug": "harbor-bridge-open-again", "status": "published",
//	    "title": "Harbor bridge open again", "url": "https://ledger.example/bridge",
//	    "source_name": "Harbor City Ledger", "published_at": "2026-03-10T09:00:00Z",
//	    "snippet": {"text": "The bridge café reopens & traffic flows.", "matches": [[4, 10], [11, 15]]}
//	  }],
//	 "next_offset": 20}
//
// The snippet is plain text, not HTML: escape it before putting it in a
// page. Its matches are [start, end) pairs counted in characters (Unicode
// code points, not bytes or UTF-16 units) from the start of the text, in
// order and not overlapping; above, [4, 10] is "bridge" and [11, 15]
// "café". In JavaScript, Array.from(text).slice(start, end).join("")
// reads one; in Python, text[start:end]. (Until this version the snippet
// was a string of HTML with <mark> around each match.)
//
// Articles have no path, slug or status; published_at is null when the
// outlet gave no date. Errors: EINVALID (400) for a query with nothing to
// search for, too long, or a bad parameter; EUNAUTHORIZED (401) for
// articles or all without signing in.
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
				URL: h.URL, SourceName: h.SourceName, PublishedAt: h.PublishedAt, Snippet: snippetOf(h.Snippet)}
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
	staff := newsdesk.UserFrom(r.Context()) != nil
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
