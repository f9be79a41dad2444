package site

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/newsdesk/newsdesk"
)

// searchPerPage is how many posts a page of search results lists.
const searchPerPage = 10

// searchPage is the data of search.html.
type searchPage struct {
	layout
	Query   string // as the reader typed it
	Hits    []newsdesk.SearchHit
	Page    int
	Problem string // why the query could not be run, for the reader
	Newer   string // URL of the previous page of results, if any
	Older   string // URL of the next page of results, if any
}

// handleSearch finds published posts by their words: /search?q=harbor+bridge.
// Without q it shows the search form alone. A query that cannot be run
// (only very common words, too long) is shown again with the reason,
// answered 400 so that robots do not keep it.
func handleSearch(search newsdesk.SearchService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if search == nil { // a site set up without search
			pages.notFound(w, r)
			return
		}
		q := r.URL.Query().Get("q")
		n, ok := pageNumber(r.URL.Query().Get("page"))
		if !ok || (n-1)*searchPerPage > newsdesk.MaxSearchOffset {
			pages.notFound(w, r)
			return
		}
		data := searchPage{
			layout: layout{Site: pages.site, Title: "Search",
				Description: fmt.Sprintf("Search the stories of %s.", pages.site)},
			Query: q,
			Page:  n,
		}
		if newsdesk.IsBlank(q) {
			pages.render(w, r, http.StatusOK, "search.html", data)
			return
		}
		data.Title = fmt.Sprintf("Search: %s", excerpt(60, q))
		res, err := search.Search(r.Context(), newsdesk.SearchQuery{
			Text:   q,
			Kind:   newsdesk.SearchPosts,
			Limit:  searchPerPage,
			Offset: (n - 1) * searchPerPage,
		})
		if newsdesk.ErrorCode(err) == newsdesk.EINVALID {
			data.Problem = newsdesk.ErrorMessage(err)
			pages.render(w, r, http.StatusBadRequest, "search.html", data)
			return
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		data.Hits = res.Hits
		if n > 1 {
			data.Title += fmt.Sprintf(", page %d", n)
			data.Newer = searchURL(q, n-1)
		}
		if res.More && n*searchPerPage <= newsdesk.MaxSearchOffset {
			data.Older = searchURL(q, n+1)
		}
		pages.render(w, r, http.StatusOK, "search.html", data)
	})
}

func searchURL(q string, n int) string {
	v := url.Values{"q": {q}}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return "/search?" + v.Encode()
}
