package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/newsdesk/newsdesk"
)

// item is an item as the API shows it.
type item struct {
	ID          int64      `json:"id"`
	SourceID    int64      `json:"source_id"`
	SourceName  string     `json:"source_name"`
	GUID        string     `json:"guid"`
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Content     string     `json:"content"` // HTML as the feed gave it: untrusted
	Author      string     `json:"author"`
	PublishedAt *time.Time `json:"published_at"`
	FetchedAt   time.Time  `json:"fetched_at"`
}

func toItem(it *newsdesk.Item) item {
	return item{
		ID: it.ID, SourceID: it.SourceID, SourceName: it.SourceName, GUID: it.GUID, URL: it.URL,
		Title: it.Title, Summary: it.Summary, Content: it.Content, Author: it.Author,
		PublishedAt: it.PublishedAt, FetchedAt: it.FetchedAt,
	}
}

// itemList is the answer to GET /api/items.
type itemList struct {
	Items []item `json:"items"`
	// NextBefore is the ?before= of the next page; absent on the last.
	NextBefore int64 `json:"next_before,omitempty"`
}

// handleListItems lists items newest first, across sources or of
// ?source=, paging with ?before= (an item ID) and ?limit=.
func handleListItems(items newsdesk.ItemService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := intParam(q.Get("limit"), "limit", 50, 1, 500)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		sourceID, err := idParam(q.Get("source"), "source")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		before, err := idParam(q.Get("before"), "before")
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		// One more than asked for tells whether there is a next page.
		list, err := items.FindItems(r.Context(), newsdesk.ItemFilter{SourceID: sourceID, Before: before, Limit: limit + 1})
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := itemList{Items: []item{}}
		if len(list) > limit {
			list = list[:limit]
			out.NextBefore = list[len(list)-1].ID
		}
		for _, it := range list {
			out.Items = append(out.Items, toItem(it))
		}
		respond(w, http.StatusOK, out)
	})
}

// idParam parses an optional ID from a query parameter; empty is zero.
func idParam(s, name string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "%s must be an ID (a positive whole number), not %q.", name, s)
	}
	return id, nil
}
