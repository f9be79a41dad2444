package desk

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// searchPerPage is how many results the desk's search shows at a time.
const searchPerPage = 20

// searchPage is the data of search.html.
type searchPage struct {
	Query    string
	Kind     newsdesk.SearchKind
	SourceID int64
	From, To string // as typed, YYYY-MM-DD
	Sources  []*newsdesk.Source
	Hits     []newsdesk.SearchHit
	Searched bool   // whether a search ran (the form was sent with words)
	Problem  string // why the search could not run, for the editor
	Newer    string // URL of the previous page, if any
	Older    string // URL of the next page, if any
}

// handleSearch searches items (by their extracted text, or their feed
// summary until extraction has run) and posts, drafts included, with
// filters for the source and the publication dates.
func handleSearch(sources newsdesk.SourceService, search newsdesk.SearchService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if search == nil { // a desk set up without search
			pages.notFound(w, r)
			return
		}
		v := r.URL.Query()
		data := searchPage{Query: v.Get("q"), Kind: newsdesk.SearchKind(v.Get("kind")),
			From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to"))}
		if data.Kind == "" {
			data.Kind = newsdesk.SearchArticles
		}
		all, err := sources.FindSources(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		data.Sources = all
		page, err := strconv.Atoi(v.Get("page"))
		if v.Get("page") == "" {
			page, err = 1, nil
		}
		q := newsdesk.SearchQuery{Text: data.Query, Kind: data.Kind, Drafts: true, Limit: searchPerPage}
		if err == nil && (page < 1 || (page-1)*searchPerPage > newsdesk.MaxSearchOffset) {
			err = newsdesk.Errorf(newsdesk.EINVALID, "Results can be paged through up to the %d first only.", newsdesk.MaxSearchOffset)
		}
		if err == nil {
			q.Offset = (page - 1) * searchPerPage
			data.SourceID, err = optionalID(v.Get("source"), "source")
			q.SourceID = data.SourceID
		}
		if err == nil {
			q.From, q.To, err = newsdesk.ParseDateRange(data.From, data.To)
		}
		status := http.StatusOK
		if err == nil && !newsdesk.IsBlank(data.Query) {
			data.Searched = true
			var res *newsdesk.SearchResults
			res, err = search.Search(r.Context(), q)
			if err == nil {
				data.Hits = res.Hits
				if page > 1 {
					data.Newer = deskSearchURL(v, page-1)
				}
				if res.More && page*searchPerPage <= newsdesk.MaxSearchOffset {
					data.Older = deskSearchURL(v, page+1)
				}
			}
		}
		if newsdesk.ErrorCode(err) == newsdesk.EINVALID {
			data.Problem = newsdesk.ErrorMessage(err)
			status = http.StatusBadRequest
		} else if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.render(w, r, status, "search.html", view{Title: "Search", Nav: "search", Data: data})
	})
}

// deskSearchURL is the search with the same filters on another page.
func deskSearchURL(v url.Values, page int) string {
	next := url.Values{}
	for _, k := range []string{"q", "kind", "source", "from", "to"} {
		if s := v.Get(k); s != "" {
			next.Set(k, s)
		}
	}
	if page > 1 {
		next.Set("page", strconv.Itoa(page))
	}
	return "/desk/search?" + next.Encode()
}
