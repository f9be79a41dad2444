package desk

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/newsdesk/newsdesk"
)

// importPage is the data of sources_import.html.
type importPage struct {
	Total                  int
	Added, Skipped, Failed []newsdesk.ImportResult
}

// handleImportSources follows the feeds of an uploaded OPML file and
// shows what became of each. The upload is bounded by the desk's cap on
// request bodies; a larger file gets a message saying so and pointing to
// the command line, which takes more.
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
		report, err := v.opml.ImportOPML(r.Context(), file, newsdesk.ImportOptions{NoCheck: r.PostForm.Get("check") == ""})
		if err != nil {
			status := newsdesk.ErrorStatus(err)
			if status >= 500 {
				v.pages.logger.Error("import sources", "err", err)
			}
			fail(status, newsdesk.ErrorMessage(err))
			return
		}
		data := importPage{Total: len(report.Results)}
		for _, res := range report.Results {
			switch res.Status {
			case newsdesk.ImportAdded:
				data.Added = append(data.Added, res)
			case newsdesk.ImportSkipped:
				data.Skipped = append(data.Skipped, res)
			default:
				data.Failed = append(data.Failed, res)
			}
		}
		v.pages.render(w, r, http.StatusOK, "sources_import.html", view{Title: "Import results", Nav: "sources", Data: data})
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
