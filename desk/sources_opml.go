package desk

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

// An import follows the feeds of an OPML file at once, without fetching
// them: checking each feed (and finding the feed of a home page) can take
// seconds an outlet, minutes for hundreds, longer than a browser or a
// proxy waits for an answer. The new sources are due at once, and the
// scheduler's polls, a few at a time in the background, check them; the
// import's page shows how far they have got. What identifies an import is
// the range of IDs its new sources got, in its address, so that any desk
// process can show it and it survives a restart (a source another editor
// adds while the import runs shows there too).

// importPage is the data of sources_import.html.
type importPage struct {
	// The import's new sources still followed, by how their first poll
	// went: not yet polled, read, or failed.
	Waiting, Read, Failing []*newsdesk.Source
	Added                  int // len(Waiting) + len(Read) + len(Failing)
	Checked                int // len(Read) + len(Failing)
	// Feeds of the file skipped (already followed or listed twice) and
	// not followed (not a web address): counts, and the lists themselves
	// on the page that answers the upload.
	Skipped, Rejected         int
	SkippedList, RejectedList []newsdesk.ImportResult
	Listed                    int // Added + Skipped + Rejected
	// Status is this import's page, and Refresh how many seconds it
	// waits before reloading itself, zero when it does not.
	Status  string
	Refresh int
	Range   importRange
}

// importRange names one import's new sources: those with IDs from From
// to To, which the import created one after another.
type importRange struct {
	From, To          int64
	Skipped, Rejected int
}

func (ir importRange) url() string {
	v := url.Values{}
	v.Set("from", strconv.FormatInt(ir.From, 10))
	v.Set("to", strconv.FormatInt(ir.To, 10))
	if ir.Skipped > 0 {
		v.Set("skipped", strconv.Itoa(ir.Skipped))
	}
	if ir.Rejected > 0 {
		v.Set("rejected", strconv.Itoa(ir.Rejected))
	}
	return "/desk/sources/import?" + v.Encode()
}

// parseImportRange reads an import's range from a query or form.
func parseImportRange(v url.Values) (importRange, bool) {
	var ir importRange
	var err error
	if ir.From, err = strconv.ParseInt(v.Get("from"), 10, 64); err != nil || ir.From < 1 {
		return ir, false
	}
	if ir.To, err = strconv.ParseInt(v.Get("to"), 10, 64); err != nil || ir.To < ir.From {
		return ir, false
	}
	for _, c := range []struct {
		key string
		n   *int
	}{{"skipped", &ir.Skipped}, {"rejected", &ir.Rejected}} {
		if s := v.Get(c.key); s != "" {
			if *c.n, err = strconv.Atoi(s); err != nil || *c.n < 0 || *c.n > 1_000_000 {
				return ir, false
			}
		}
	}
	return ir, true
}

// handleImportSources follows the feeds of an uploaded OPML file without
// fetching them, and sends the browser to the import's page, where the
// checks show as they happen. When some feeds could not be followed at
// all, the answer is that page itself, listing them, so that the list
// stays in view. The upload is bounded by the desk's cap on request
// bodies; a larger file gets a message saying so and pointing to the
// command line, which takes more.
func handleImportSources(v sourcesView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v.opml == nil {
			v.pages.notFound(w, r)
			return
		}
		fail := func(status int, message string) {
			v.render(w, r, status, sourcesPage{ImportError: message})
		}
		if err := r.ParseMultipartForm(maxFormBytes); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				fail(http.StatusRequestEntityTooLarge, fmt.Sprintf(
					"The file is larger than the desk accepts (%d MB). Split it, or import it with newsdesk sources import FILE, which takes up to %d MB.",
					maxFormBytes>>20, maxOPMLCommandBytes>>20))
				return
			}
			fail(http.StatusBadRequest, "Choose an OPML file to import.")
			return
		}
		defer r.MultipartForm.RemoveAll()
		file, _, err := r.FormFile("file")
		if err != nil {
			fail(http.StatusBadRequest, "Choose an OPML file to import.")
			return
		}
		defer file.Close()
		report, err := v.opml.ImportOPML(r.Context(), file, newsdesk.ImportOptions{NoCheck: true})
		if err != nil {
			status := web.ErrorStatus(err)
			if status >= 500 {
				v.pages.logger.Error("import sources", "err", err)
			}
			fail(status, newsdesk.ErrorMessage(err))
			return
		}
		var ir importRange
		var skipped, rejected []newsdesk.ImportResult
		for _, res := range report.Results {
			switch res.Status {
			case newsdesk.ImportAdded:
				if ir.From == 0 || res.Source.ID < ir.From {
					ir.From = res.Source.ID
				}
				ir.To = max(ir.To, res.Source.ID)
			case newsdesk.ImportSkipped:
				skipped = append(skipped, res)
			default:
				rejected = append(rejected, res)
			}
		}
		ir.Skipped, ir.Rejected = len(skipped), len(rejected)
		if ir.From > 0 && len(rejected) == 0 {
			http.Redirect(w, r, ir.url(), http.StatusSeeOther)
			return
		}
		v.renderImport(w, r, ir, skipped, rejected)
	})
}

// handleImportStatus shows an import's new sources by how their first
// poll went, reloading itself while some wait for theirs.
func handleImportStatus(v sourcesView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ir, ok := parseImportRange(r.URL.Query())
		if !ok {
			v.pages.notFound(w, r)
			return
		}
		v.renderImport(w, r, ir, nil, nil)
	})
}

// renderImport writes an import's page. The lists of skipped and rejected
// feeds are known only when answering the upload; the page reloads
// itself only without them, so that they are not lost from view.
func (v sourcesView) renderImport(w http.ResponseWriter, r *http.Request, ir importRange, skipped, rejected []newsdesk.ImportResult) {
	data := importPage{Skipped: ir.Skipped, Rejected: ir.Rejected, SkippedList: skipped, RejectedList: rejected, Range: ir}
	if ir.From > 0 {
		list, err := v.sources.FindSources(r.Context())
		if err != nil {
			v.pages.error(w, r, err)
			return
		}
		for _, s := range list {
			if s.ID < ir.From || s.ID > ir.To {
				continue
			}
			switch s.Status {
			case newsdesk.SourceNew:
				data.Waiting = append(data.Waiting, s)
			case newsdesk.SourceError:
				data.Failing = append(data.Failing, s)
			default:
				data.Read = append(data.Read, s)
			}
		}
		data.Status = ir.url()
	}
	data.Checked = len(data.Read) + len(data.Failing)
	data.Added = data.Checked + len(data.Waiting)
	data.Listed = data.Added + data.Skipped + data.Rejected
	if len(data.Waiting) > 0 && skipped == nil && rejected == nil {
		data.Refresh = importRefreshSeconds
	}
	v.pages.render(w, r, http.StatusOK, "sources_import.html", view{Title: "Import", Nav: "sources", Data: data})
}

// importRefreshSeconds is how often an import's page reloads itself
// while its feeds are being checked.
const importRefreshSeconds = 3

// handleDeleteFailedImports stops following the sources of an import
// whose first poll failed, as an editor does who wants only the feeds
// that work.
func handleDeleteFailedImports(v sourcesView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			v.pages.error(w, r, formError(err))
			return
		}
		ir, ok := parseImportRange(r.PostForm)
		if !ok {
			v.pages.notFound(w, r)
			return
		}
		list, err := v.sources.FindSources(r.Context())
		if err != nil {
			v.pages.error(w, r, err)
			return
		}
		n := 0
		for _, s := range list {
			if s.ID < ir.From || s.ID > ir.To || s.Status != newsdesk.SourceError {
				continue
			}
			if err := v.sources.DeleteSource(r.Context(), s.ID); err != nil && newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
				v.pages.error(w, r, err)
				return
			}
			n++
		}
		v.pages.flash(w, flash{Kind: flashPruned, Count: n})
		http.Redirect(w, r, ir.url(), http.StatusSeeOther)
	})
}

// maxOPMLCommandBytes is what newsdesk sources import accepts, named in
// the message about a file too large for the desk.
const maxOPMLCommandBytes = 10 << 20

// handleExportSources downloads every source as an OPML file.
func handleExportSources(v sourcesView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v.opml == nil {
			v.pages.notFound(w, r)
			return
		}
		var b bytes.Buffer
		if err := v.opml.ExportOPML(r.Context(), &b); err != nil {
			v.pages.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="newsdesk-sources.opml"`)
		w.Write(b.Bytes())
	})
}
