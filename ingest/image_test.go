package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/images"
	"github.com/newsdesk/newsdesk/ingest"
)

func fetchImage(t *testing.T, f *ingest.Fetcher, raw string, limit int64) ([]byte, error) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return f.FetchImage(context.Background(), u, limit)
}

// smallPNG is a 40×20 PNG, half red and half blue.
func smallPNG(t *testing.T) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := color.RGBA{0xff, 0, 0, 0xff}
			if x >= 20 {
				c = color.RGBA{0, 0, 0xff, 0xff}
			}
			m.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An article's image is fetched from the outlet's server, asked for as
// an image, and its bytes are what images.Process makes renditions of.
func TestFetchImage(t *testing.T) {
	pic := smallPNG(t)
	var accept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		w.Header().Set("Content-Type", "image/png")
		w.Write(pic)
	}))
	defer srv.Close()
	got, err := fetchImage(t, loopbackFetcher(), srv.URL+"/lead.png", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, pic) {
		t.Fatalf("fetched %d bytes, served %d", len(got), len(pic))
	}
	if !strings.HasPrefix(accept, "image/") || strings.Contains(accept, "svg") {
		t.Errorf("asked with Accept: %q", accept)
	}
	img, err := images.Process(got, images.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Format != images.PNG || img.Width != 40 || img.Height != 20 || len(img.Renditions) != 1 {
		t.Fatalf("processed: %s %d×%d, %d renditions", img.Format, img.Width, img.Height, len(img.Renditions))
	}
}

// An image on a private address is never fetched, whether the
// article names it or a public server redirects to it: the image fetch
// goes through the same guard as every other.
func TestFetchImageRefusesPrivateAddresses(t *testing.T) {
	secret := newSecretServer(t)
	zoned := fmt.Sprintf("http://[::1%%25lo]:%d/lead.png", secret.port)

	t.Run("named", func(t *testing.T) {
		_, err := fetchImage(t, ingest.NewFetcher(), zoned, 0)
		wantError(t, err, newsdesk.EINVALID, "newsdesk does not fetch from private addresses (::1%lo)")
	})
	t.Run("loopback", func(t *testing.T) {
		_, err := fetchImage(t, ingest.NewFetcher(), fmt.Sprintf("http://127.0.0.1:%d/lead.png", secret.port), 0)
		if err == nil {
			t.Fatal("fetched from 127.0.0.1")
		}
	})
	t.Run("redirect", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, zoned, http.StatusFound)
		}))
		defer srv.Close()
		_, err := fetchImage(t, loopbackFetcher(), srv.URL+"/lead.png", 0)
		wantError(t, err, newsdesk.EINVALID, "newsdesk does not fetch from private addresses (::1%lo)")
	})
	secret.mustBeUntouched(t)
}

// A response that says it is not an image, or is over the limit, is
// refused at its headers: the body is never read.
func TestFetchImageRefusesAtTheHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, ctype string
		length      int // 0: chunked
		limit       int64
		code, msg   string
	}{
		{"an HTML page", "text/html; charset=utf-8", 0, 0, newsdesk.EINVALID, "The link leads to a file that is not an image (text/html)."},
		{"a script", "application/javascript", 0, 0, newsdesk.EINVALID, "not an image (application/javascript)"},
		{"an SVG", "image/svg+xml", 0, 0, newsdesk.EINVALID, "an SVG image, which can carry scripts"},
		{"a length over the limit", "image/jpeg", 2 << 20, 1 << 20, newsdesk.ETOOLARGE, "The image is larger than newsdesk accepts (1 MB)."},
		{"over the default limit", "image/jpeg", 16 << 20, 0, newsdesk.ETOOLARGE, "(15 MB)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The server sends its headers and then holds the body
			// back until the client goes away: a fetch that read the
			// body would wait for the idle timeout.
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				if tc.length > 0 {
					w.Header().Set("Content-Length", fmt.Sprint(tc.length))
				}
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			}))
			defer srv.Close()
			f := loopbackFetcher()
			f.IdleTimeout = 5 * time.Second
			start := time.Now()
			_, err := fetchImage(t, f, srv.URL+"/lead", tc.limit)
			wantError(t, err, tc.code, tc.msg)
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("refused after %s: the body was waited for", d)
			}
		})
	}
}

// The rest of what can go wrong is said in words about an image.
func TestFetchImageFailures(t *testing.T) {
	big := bytes.Repeat([]byte{0xff}, 2<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing.jpg":
			http.NotFound(w, r)
		case "/chunked-too-large":
			w.Header().Set("Content-Type", "image/jpeg")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush() // no Content-Length: the limit is met while reading
			w.Write(big)
		case "/octet-stream":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(smallPNG(t))
		case "/no-type":
			w.Header()["Content-Type"] = nil
			w.Write(smallPNG(t))
		}
	}))
	defer srv.Close()
	f := loopbackFetcher()

	_, err := fetchImage(t, f, srv.URL+"/missing.jpg", 0)
	wantError(t, err, newsdesk.EUNAVAILABLE, "The image's address answered 404 Not Found.")
	_, err = fetchImage(t, f, srv.URL+"/chunked-too-large", 1<<20)
	wantError(t, err, newsdesk.ETOOLARGE, "The image is larger than newsdesk accepts (1 MB).")
	_, err = fetchImage(t, f, "ftp://example.com/lead.png", 0)
	wantError(t, err, newsdesk.EINVALID, "is not a web address newsdesk can fetch")
	for _, path := range []string{"/octet-stream", "/no-type"} {
		if _, err := fetchImage(t, f, srv.URL+path, 0); err != nil {
			t.Errorf("%s: %v: the bytes, not the label, say whether it is an image", path, err)
		}
	}
}
