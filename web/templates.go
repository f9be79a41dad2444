package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"strings"
)

// ParseTemplates parses every page in dir of fsys on top of dir/layout.html,
// each into a set of its own so that their blocks do not collide, and
// returns them by file name ("items.html"). Pages may call funcs and the
// kit's own: highlight (Highlight). It panics on a template that does not
// parse: templates are embedded, so a test catches that.
func ParseTemplates(fsys fs.FS, dir string, funcs template.FuncMap) map[string]*template.Template {
	all := template.FuncMap{"highlight": Highlight}
	maps.Copy(all, funcs)
	base := template.Must(template.New("layout.html").Funcs(all).ParseFS(fsys, dir+"/layout.html"))
	names, err := fs.Glob(fsys, dir+"/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		short := strings.TrimPrefix(name, dir+"/")
		if short == "layout.html" {
			continue
		}
		pages[short] = template.Must(template.Must(base.Clone()).ParseFS(fsys, name))
	}
	return pages
}

// WritePage renders t's layout with data into a buffer and only then
// writes it with status, so that a template error becomes a clean 500
// rather than half a page. The error, if any, is for the caller to log.
func WritePage(w http.ResponseWriter, status int, t *template.Template, data any) error {
	if t == nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return fmt.Errorf("no such template")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	SetRetryAfter(w.Header(), status)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
