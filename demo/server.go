package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves the demo outlets' feeds and article pages on loopback.
//
// Everything it serves is rendered once, when it starts, and never changes
// afterwards, so it answers any number of requests at once without locks.
type Server struct {
	// URL is the server's address, such as http://127.0.0.1:41234.
	URL string

	outlets []Outlet
	files   map[string]*file // by request path
	started time.Time

	http      *http.Server
	served    chan struct{} // closed when Serve returns
	closeOnce sync.Once
	closeErr  error
}

// Outlet is one demo outlet as the server presents it.
type Outlet struct {
	Name    string
	FeedURL string // absolute, on the server
	SiteURL string // absolute, on the server
}

// file is one rendered response.
type file struct {
	contentType string
	etag        string
	body        []byte
}

// Start serves the demo outlets on a free loopback port, a new one each
// time: a fixed one would sooner or later be the port someone asks
// newsdesk itself to listen on. Load moves what an earlier run stored to
// the new port.
func Start() (*Server, error) {
	return start("127.0.0.1:0", time.Now())
}

// start serves the outlets on addr with dates counted back from now.
func start(addr string, now time.Time) (*Server, error) {
	outlets, err := loadOutlets()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		started: now.UTC().Truncate(time.Second),
		served:  make(chan struct{}),
	}
	// Whole minutes make dates that look written, not computed.
	e := edition{base: s.URL, now: now.UTC().Truncate(time.Minute)}
	if s.files, err = e.render(outlets); err != nil {
		ln.Close()
		return nil, fmt.Errorf("demo server: %w", err)
	}
	for _, o := range outlets {
		s.outlets = append(s.outlets, Outlet{Name: o.Name, FeedURL: e.feedURL(o), SiteURL: e.siteURL(o)})
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.served)
		s.http.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// Outlets returns the demo outlets with their URLs on this server.
func (s *Server) Outlets() []Outlet {
	return append([]Outlet(nil), s.outlets...)
}

// Close stops the server, cutting off requests in flight, and waits until
// it has stopped. Closing twice is not an error.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if err := s.http.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = err
		}
		<-s.served
	})
	return s.closeErr
}

// ServeHTTP answers GET and HEAD for the rendered files. http.ServeContent
// handles the conditional requests (If-None-Match against the ETag,
// If-Modified-Since against the start time) and ranges.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f, ok := s.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache") // store, but ask again each time
	http.ServeContent(w, r, "", s.started, bytes.NewReader(f.body))
}

// render produces every file the server serves.
func (e edition) render(outlets []*outlet) (map[string]*file, error) {
	articleT, outletT, indexT, err := pageTemplates()
	if err != nil {
		return nil, err
	}
	files := map[string]*file{}
	add := func(path, contentType string, body []byte) {
		sum := sha256.Sum256(body)
		files[path] = &file{contentType: contentType, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, body: body}
	}
	const html = "text/html; charset=utf-8"

	var index []Outlet
	for _, o := range outlets {
		images := map[string][]byte{}
		for _, a := range o.Articles {
			img, err := placeholderPNG(o.guid(a))
			if err != nil {
				return nil, err
			}
			images[imagePath(o, a)] = img
			add(imagePath(o, a), "image/png", img)
		}
		feed, feedType, err := e.renderFeed(o, images)
		if err != nil {
			return nil, fmt.Errorf("%s feed: %w", o.Name, err)
		}
		add("/"+o.Dir+"/"+o.Feed, feedType, feed)
		for _, a := range o.Articles {
			body, err := e.articlePage(articleT, o, a, feedType)
			if err != nil {
				return nil, fmt.Errorf("%s article %s: %w", o.Name, a.Slug, err)
			}
			add(articlePath(o, a), html, body)
		}
		front, err := e.outletPage(outletT, o, feedType)
		if err != nil {
			return nil, fmt.Errorf("%s front page: %w", o.Name, err)
		}
		add("/"+o.Dir+"/", html, front)
		index = append(index, Outlet{Name: o.Name, FeedURL: e.feedURL(o), SiteURL: e.siteURL(o)})
	}
	front, err := execute(indexT, index)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	add("/", html, front)
	return files, nil
}
