package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// source is a source as the API shows it.
type source struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	FeedURL      string     `json:"feed_url"`
	SiteURL      string     `json:"site_url"`
	Status       string     `json:"status"`
	LastError    string     `json:"last_error"`
	ErrorCount   int        `json:"error_count"`
	LastPolledAt *time.Time `json:"last_polled_at"`
	NextPollAt   time.Time  `json:"next_poll_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

func toSource(s *newsdesk.Source) source {
	return source{
		ID: s.ID, Name: s.Name, FeedURL: s.FeedURL, SiteURL: s.SiteURL,
		Status: string(s.Status), LastError: s.LastError, ErrorCount: s.ErrorCount,
		LastPolledAt: s.LastPolledAt, NextPollAt: s.NextPollAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// handleListSources lists every source with how its last poll went.
func handleListSources(sources newsdesk.SourceService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := sources.FindSources(r.Context())
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := struct {
			Sources []source `json:"sources"`
		}{Sources: []source{}}
		for _, s := range list {
			out.Sources = append(out.Sources, toSource(s))
		}
		respond(w, http.StatusOK, out)
	})
}

// handleGetSource shows one source.
func handleGetSource(sources newsdesk.SourceService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		s, err := sources.FindSourceByID(r.Context(), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		respond(w, http.StatusOK, toSource(s))
	})
}

// newSource is the body of POST /api/sources.
type newSource struct {
	URL string `json:"url"`
}

// handleAddSource follows a feed, answering 201 with the new source, or
// the feed service's coded error: why the feed cannot be followed.
func handleAddSource(feeds newsdesk.FeedService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in newSource
		if err := decode(w, r, &in); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if in.URL = strings.TrimSpace(in.URL); newsdesk.IsBlank(in.URL) {
			respondError(w, r, logger, newsdesk.Errorf(newsdesk.EINVALID, "url is required: the address of the feed to follow."))
			return
		}
		s, err := feeds.AddFeed(r.Context(), in.URL)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.Header().Set("Location", "/api/sources/"+strconv.FormatInt(s.ID, 10))
		respond(w, http.StatusCreated, toSource(s))
	})
}

// pollResult is the answer to POST /api/sources/{id}/poll.
type pollResult struct {
	NewItems int    `json:"new_items"`
	Source   source `json:"source"`
}

// handlePollSource polls a source now. A failed poll answers its error,
// which is also recorded on the source.
func handlePollSource(sources newsdesk.SourceService, feeds newsdesk.FeedService, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		// Looking first keeps a missing source a 404 whatever the feed
		// service does with it.
		if _, err := sources.FindSourceByID(r.Context(), id); err != nil {
			respondError(w, r, logger, err)
			return
		}
		n, err := feeds.PollSource(r.Context(), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		s, err := sources.FindSourceByID(r.Context(), id)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		respond(w, http.StatusOK, pollResult{NewItems: n, Source: toSource(s)})
	})
}

// pathID parses the {id} of the path; what is not an ID names nothing.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, newsdesk.Errorf(newsdesk.ENOTFOUND, "Nothing has the ID %q.", r.PathValue("id"))
	}
	return id, nil
}
