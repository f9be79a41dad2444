package ingest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
)

// An address a stranger names is refused before any request when it is
// plainly private, unless allowed; a host name is left for the dialler.
func TestCheckAddress(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		allow string
		ok    bool
	}{
		{"public address", "https://93.184.216.34/cb", "", true},
		{"host name, checked when dialled", "https://reader.example/cb", "", true},
		{"loopback", "http://127.0.0.1:8080/cb", "", false},
		{"private range", "http://10.1.2.3/cb", "", false},
		{"cloud metadata", "http://169.254.169.254/latest", "", false},
		{"IPv6 loopback", "http://[::1]:8080/cb", "", false},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/cb", "", false},
		{"localhost", "http://localhost:8080/cb", "", false},
		{"a name under localhost", "http://reader.localhost/cb", "", false},
		{"loopback allowed", "http://127.0.0.1:8080/cb", "127.0.0.1", true},
		{"localhost when its IPv4 address is allowed", "http://localhost:8080/cb", "127.0.0.1", true},
		{"allowed on another port only", "http://127.0.0.1:9090/cb", "127.0.0.1:8080", false},
		{"allowed on this port", "http://127.0.0.1:8080/cb", "127.0.0.1:8080", true},
		{"allowed by name", "http://intranet.example/cb", "intranet.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ingest.NewFetcher()
			f.Allow = ingest.MustAllow(tt.allow)
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			err = f.CheckAddress(u)
			if tt.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.ok && (newsdesk.ErrorCode(err) != newsdesk.EINVALID || !strings.Contains(err.Error(), "--allow-private")) {
				t.Fatalf("got %v, want EINVALID naming --allow-private", err)
			}
		})
	}
}

// Send goes through the guard, follows no redirect, and reads no more of
// the answer than asked.
func TestSend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer srv.Close()
	send := func(f *ingest.Fetcher, path string) (int, []byte, error) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f.Send(context.Background(), req, 10)
	}

	f := ingest.NewFetcher()
	if _, _, err := send(f, "/"); newsdesk.ErrorCode(err) != newsdesk.EINVALID {
		t.Fatalf("loopback not allowed: got %v, want EINVALID", err)
	}
	f.Allow = ingest.MustAllow("127.0.0.1")
	status, body, err := send(f, "/")
	if err != nil || status != 200 || string(body) != "xxxxxxxxxx" {
		t.Fatalf("got %d %q %v, want 200 and the first 10 bytes", status, body, err)
	}
	status, _, err = send(f, "/moved")
	if err != nil || status != http.StatusFound {
		t.Fatalf("redirect: got %d %v, want the 302 itself", status, err)
	}
}
