package desk

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/newsdesk/newsdesk"
)

// itemsPerPage is how many items the items page shows at a time.
const itemsPerPage = 30

// itemsPage is the data of items.html.
type itemsPage struct {
	Items    []*newsdesk.Item
	Sources  []*newsdesk.Source // for the filter
	SourceID int64              // the filter's choice; zero for all
	Older    string             // URL of the next page, if any
	Paged    bool               // whether this is not the first page
}

// handleItems lists the newest items across sources, or of one source, a
// page at a time, each with a way to write a post about it.
func handleItems(sources newsdesk.SourceService, items newsdesk.ItemService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		sourceID, err := optionalID(q.Get("source"), "source")
		if err != nil {
			pages.error(w, r, err)
			return
		}
		before, err := optionalID(q.Get("before"), "before")
		if err != nil {
			pages.error(w, r, err)
			return
		}
		// One more than a page tells whether there is an older page.
		list, err := items.FindItems(r.Context(), newsdesk.ItemFilter{SourceID: sourceID, Before: before, Limit: itemsPerPage + 1})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		all, err := sources.FindSources(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		data := itemsPage{Sources: all, SourceID: sourceID, Paged: before != 0}
		if len(list) > itemsPerPage {
			list = list[:itemsPerPage]
			older := url.Values{"before": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
			if sourceID != 0 {
				older.Set("source", strconv.FormatInt(sourceID, 10))
			}
			data.Older = "/desk/items?" + older.Encode()
		}
		data.Items = list
		pages.render(w, r, http.StatusOK, "items.html", view{Title: "Items", Nav: "items", Data: data})
	})
}

// optionalID parses an ID from a query parameter; empty is zero.
func optionalID(s, name string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a valid %s.", s, name)
	}
	return id, nil
}

// itemPage is the data of item.html.
type itemPage struct {
	Item *newsdesk.Item
	// Article is what extraction found on the item's page; nil when it
	// has not been tried yet (or extraction is off: Extracting is false).
	Article    *newsdesk.Article
	Extracting bool
	// Body is the article's HTML, sanitised by the extractor when it was
	// stored.
	Body template.HTML
}

// handleItem shows one item with the article extracted from its page,
// or why there is none.
func handleItem(items newsdesk.ItemService, articles newsdesk.ArticleService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			pages.notFound(w, r)
			return
		}
		item, err := items.FindItemByID(r.Context(), id)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		data := itemPage{Item: item, Extracting: articles != nil}
		if articles != nil {
			a, err := articles.FindArticle(r.Context(), id)
			switch {
			case err == nil:
				data.Article = a
				data.Body = template.HTML(a.HTML) // sanitised by package extract before it was stored
			case newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND:
				pages.error(w, r, err)
				return
			}
		}
		title := item.Title
		if title == "" {
			title = "Untitled item"
		}
		pages.render(w, r, http.StatusOK, "item.html", view{Title: title, Nav: "items", Data: data})
	})
}
