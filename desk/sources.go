package desk

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// sourcesPage is the data of sources.html.
type sourcesPage struct {
	Sources []sourceRow
	Now     time.Time
	// The add form's input and what was wrong with it, kept after an error.
	AddURL   string
	AddError string
	// OPML says whether the import form and export link are offered;
	// ImportError says what was wrong with an imported file.
	OPML        bool
	ImportError string
}

// sourcesView is what the sources page needs besides its data.
type sourcesView struct {
	sources newsdesk.SourceService
	opml    newsdesk.OPMLService // nil when the feed service does not do OPML
	now     func() time.Time
	pages   *renderer
}

// handleSources lists the sources, each with how its last poll went.
func handleSources(v sourcesView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v.render(w, r, http.StatusOK, sourcesPage{})
	})
}

// render fills in the list of sources and writes the page.
func (v sourcesView) render(w http.ResponseWriter, r *http.Request, status int, data sourcesPage) {
	list, err := v.sources.FindSources(r.Context())
	if err != nil {
		v.pages.error(w, r, err)
		return
	}
	data.Now, data.OPML = v.now(), v.opml != nil
	for _, s := range list {
		row := sourceRow{Source: s, Due: !s.NextPollAt.After(data.Now)}
		if s.PollInterval > 0 {
			row.Every = every(s.PollInterval)
		}
		data.Sources = append(data.Sources, row)
	}
	v.pages.render(w, r, status, "sources.html", view{Title: "Sources", Nav: "sources", Data: data})
}

// handleAddSource follows a new feed. When the feed cannot be followed the
// form comes back with the address as typed and the reason.
func handleAddSource(v sourcesView, items newsdesk.ItemService, feeds newsdesk.FeedService) http.Handler {
	pages := v.pages
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, formError(err))
			return
		}
		rawURL := strings.TrimSpace(r.PostForm.Get("url"))
		src, err := feeds.AddFeed(r.Context(), rawURL)
		if err != nil {
			status := web.ErrorStatus(err)
			if status >= 500 {
				pages.logger.Error("add source", "url", rawURL, "err", err)
			}
			v.render(w, r, status, sourcesPage{AddURL: rawURL, AddError: newsdesk.ErrorMessage(err)})
			return
		}
		n, err := items.CountItems(r.Context(), src.ID)
		if err != nil {
			pages.logger.Error("count items of new source", "source", src.ID, "err", err)
			n = -1
		}
		pages.flash(w, flash{Kind: flashFollowing, ID: src.ID, Count: n})
		http.Redirect(w, r, "/desk/sources", http.StatusSeeOther)
	})
}

// handlePollSource polls a source now and says what came of it. A failed
// poll is also recorded on the source, where the sources page shows it.
func handlePollSource(sources newsdesk.SourceService, feeds newsdesk.FeedService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, ok := findSource(w, r, sources, pages)
		if !ok {
			return
		}
		n, err := feeds.PollSource(r.Context(), src.ID)
		switch {
		case err != nil && web.ErrorStatus(err) >= 500:
			pages.logger.Error("poll source", "source", src.ID, "err", err)
			fallthrough
		case err != nil:
			pages.flash(w, flash{Kind: flashPollFailed, ID: src.ID})
		default:
			pages.flash(w, flash{Kind: flashPolled, ID: src.ID, Count: n})
		}
		http.Redirect(w, r, "/desk/sources", http.StatusSeeOther)
	})
}

// deleteSourcePage is the data of source_delete.html.
type deleteSourcePage struct {
	Source *newsdesk.Source
	Items  int
}

// handleDeleteSourceForm asks before a source and its items are deleted;
// with no script on the desk, a page of its own is the confirmation.
func handleDeleteSourceForm(sources newsdesk.SourceService, items newsdesk.ItemService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, ok := findSource(w, r, sources, pages)
		if !ok {
			return
		}
		n, err := items.CountItems(r.Context(), src.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.render(w, r, http.StatusOK, "source_delete.html", view{
			Title: "Stop following " + src.Name, Nav: "sources",
			Data: deleteSourcePage{Source: src, Items: n},
		})
	})
}

// handleDeleteSource stops following a source and deletes its items.
func handleDeleteSource(sources newsdesk.SourceService, items newsdesk.ItemService, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, ok := findSource(w, r, sources, pages)
		if !ok {
			return
		}
		n, err := items.CountItems(r.Context(), src.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if err := sources.DeleteSource(r.Context(), src.ID); err != nil {
			pages.error(w, r, err)
			return
		}
		// The message cannot name the source, which is gone and whose
		// name is not put in the cookie; the page before named it.
		pages.flash(w, flash{Kind: flashUnfollowed, Count: n})
		http.Redirect(w, r, "/desk/sources", http.StatusSeeOther)
	})
}

// findSource loads the source the path names, or writes the error page.
func findSource(w http.ResponseWriter, r *http.Request, sources newsdesk.SourceService, pages *renderer) (*newsdesk.Source, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pages.notFound(w, r)
		return nil, false
	}
	src, err := sources.FindSourceByID(r.Context(), id)
	if err != nil {
		pages.error(w, r, err)
		return nil, false
	}
	return src, true
}

// sourceRow is one source on the sources page.
type sourceRow struct {
	*newsdesk.Source
	Every string // its poll interval in words; empty until first polled
	Due   bool   // whether the scheduler picks it up at its next round
}

// every says a poll interval in words: "30 minutes", "2 hours 15 minutes",
// "3 days".
func every(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		s := plural(int(d/time.Hour), "hour")
		if m := int(d % time.Hour / time.Minute); m > 0 {
			s += " " + plural(m, "minute")
		}
		return s
	default:
		return plural(int(d.Round(time.Hour)/(24*time.Hour)), "day")
	}
}
