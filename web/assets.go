package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"time"
)

// Assets serves embedded static files under URLs that carry a hash of
// their content (/static/<hash>/site.css). A changed file gets a new URL,
// so browsers may keep each one for a year without asking again.
type Assets struct {
	prefix string
	files  map[string]asset // by file name
}

type asset struct {
	hash string
	body []byte
}

// NewAssets reads and hashes every file at the top of fsys once, at
// start; prefix is the path they are served under, such as "/static/".
func NewAssets(fsys fs.FS, prefix string) *Assets {
	a := &Assets{prefix: prefix, files: map[string]asset{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		a.files[e.Name()] = asset{hash: hex.EncodeToString(sum[:6]), body: body}
	}
	return a
}

// URL returns the hashed URL of the named file, for templates.
func (a *Assets) URL(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return a.prefix + f.hash + "/" + name, nil
}

// Handler serves a file when the hash in its URL is the current one; an
// old hash is a 404, so a stale URL never caches today's file forever. Its
// route must name the path values {hash} and {name}.
func (a *Assets) Handler(notFound http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := a.files[r.PathValue("name")]
		if !ok || f.hash != r.PathValue("hash") {
			notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(f.body))
	})
}
