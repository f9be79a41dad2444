package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
)

func fetch(t *testing.T, f *ingest.Fetcher, raw string) (*ingest.Response, error) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return f.Fetch(context.Background(), u)
}

func wantError(t *testing.T, err error, code, message string) {
	t.Helper()
	if newsdesk.ErrorCode(err) != code || !strings.Contains(newsdesk.ErrorMessage(err), message) {
		t.Fatalf("got %q (%s), want %s with %q", newsdesk.ErrorMessage(err), newsdesk.ErrorCode(err), code, message)
	}
}

// Addresses that are not on the public internet are refused by default,
// whatever names them: the check is on the address dialled. None of these
// is ever connected to.
func TestRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct{ name, url, addr string }{
		{"loopback", srv.URL, "127.0.0.1"},
		{"a name that resolves to loopback", fmt.Sprintf("http://localhost:%d/", port), "127.0.0.1"},
		{"IPv6 loopback", "http://[::1]:1/", "::1"},
		{"RFC 1918", "http://10.1.2.3/", "10.1.2.3"},
		{"RFC 1918 192.168", "http://192.168.0.1/", "192.168.0.1"},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
		{"cloud metadata IPv6", "http://[fd00:ec2::254]/", "fd00:ec2::254"},
		{"link-local IPv6", "http://[fe80::1]/", "fe80::1"},
		{"CGNAT", "http://100.64.0.1/", "100.64.0.1"},
		{"multicast", "http://224.0.0.1/", "224.0.0.1"},
		{"unspecified", "http://0.0.0.0:1/", "0.0.0.0"},
		{"IPv4-mapped loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port), "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fetch(t, ingest.NewFetcher(), tc.url)
			wantError(t, err, newsdesk.EINVALID,
				"newsdesk does not fetch from private addresses ("+tc.addr+"); allow it with --allow-private.")
		})
	}
}

// The allow list lets through exactly what it names: an address, a
// prefix or a host name.
func TestAllowList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct {
		allow, url string
		ok         bool
	}{
		{"127.0.0.1", srv.URL, true},
		{"127.0.0.0/8", srv.URL, true},
		{"10.0.0.0/8, 127.0.0.1", srv.URL, true},
		{"localhost", fmt.Sprintf("http://localhost:%d/", port), true},
		{"localhost", srv.URL, false}, // a name allows the name, not its address
		{"10.0.0.0/8", srv.URL, false},
		{"127.0.0.2", srv.URL, false},
		{fmt.Sprintf("127.0.0.1:%d", port), srv.URL, true},    // one port...
		{fmt.Sprintf("127.0.0.1:%d", port+1), srv.URL, false}, // ...and no other
		{fmt.Sprintf("[::1]:%d", port), srv.URL, false},
	} {
		f := ingest.NewFetcher()
		f.Allow = ingest.MustAllow(tc.allow)
		_, err := fetch(t, f, tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("allow %q, fetch %s: %v", tc.allow, tc.url, err)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "not a host", "user@host", "127.0.0.1:99999", "intranet.example:80"} {
		if _, err := ingest.ParseAllowList(bad); err == nil {
			t.Errorf("ParseAllowList(%q) accepted it", bad)
		}
	}
}

// A redirect is checked like the first request: an allowed server cannot
// send newsdesk on to an address that is not allowed.
func TestRedirectToPrivateAddressIsRefused(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	defer target.Close()
	port := target.Listener.Addr().(*net.TCPAddr).Port
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The fetcher allows 127.0.0.1 only; ::1 is loopback too, and
		// not allowed.
		http.Redirect(w, r, fmt.Sprintf("http://[::1]:%d/", port), http.StatusFound)
	}))
	defer srv.Close()
	_, err := fetch(t, loopbackFetcher(), srv.URL)
	wantError(t, err, newsdesk.EINVALID, "newsdesk does not fetch from private addresses (::1)")
}

func TestRedirectLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n == 0 {
				w.Write([]byte("arrived"))
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		}
	}))
	defer srv.Close()
	f := loopbackFetcher()
	_, err := fetch(t, f, srv.URL+"/a")
	wantError(t, err, newsdesk.EUNAVAILABLE, "127.0.0.1 redirects in a loop.")
	_, err = fetch(t, f, srv.URL+"/hop/6")
	wantError(t, err, newsdesk.EUNAVAILABLE, "127.0.0.1 redirects too many times (more than 5).")
	resp, err := fetch(t, f, srv.URL+"/hop/5")
	if err != nil || string(resp.Body) != "arrived" {
		t.Fatalf("five redirects: %v", err)
	}
}

// A gzip bomb is cut off at the size limit after decompression, without
// decompressing the rest.
func TestGzipBomb(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 256 { // 256 MiB of zeros, about 250 KB compressed
		zw.Write(zeros)
	}
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	}))
	defer srv.Close()
	start := time.Now()
	_, err := fetch(t, loopbackFetcher(), srv.URL)
	wantError(t, err, newsdesk.ETOOLARGE, "larger than newsdesk accepts (10 MB once decompressed)")
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %s", took)
	}
}

// A 100 MB body is refused at 10 MB, whether or not it announces its size.
func TestHundredMegabyteBody(t *testing.T) {
	const size = 100 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/announced" {
			w.Header().Set("Content-Length", fmt.Sprint(size))
		}
		chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 2000)
		for n := 0; n < size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/announced", "/chunked"} {
		_, err := fetch(t, loopbackFetcher(), srv.URL+path)
		wantError(t, err, newsdesk.ETOOLARGE, "larger than newsdesk accepts (10 MB)")
	}
}

// A server that trickles a byte a second never stops sending, so only the
// whole fetch's time limit stops it; a server that stops sending is
// stopped sooner, by the idle limit.
func TestSlowServers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<"))
		w.(http.Flusher).Flush()
		for r.URL.Path == "/trickle" {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
		<-r.Context().Done()
	}))
	defer srv.Close()
	f := loopbackFetcher()
	f.Timeout = 3 * time.Second
	f.IdleTimeout = 1500 * time.Millisecond

	start := time.Now()
	_, err := fetch(t, f, srv.URL+"/trickle")
	wantError(t, err, newsdesk.EUNAVAILABLE, "did not answer in time")
	if took := time.Since(start); took < 2*time.Second || took > 5*time.Second {
		t.Fatalf("trickle stopped after %s, want about 3s", took)
	}
	start = time.Now()
	_, err = fetch(t, f, srv.URL+"/stall")
	wantError(t, err, newsdesk.EUNAVAILABLE, "127.0.0.1 stopped sending data (nothing for 1.5s).")
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Fatalf("stall stopped after %s, want about 1.5s", took)
	}
}

// Requests to one host take turns: at most PerHost at once, started at
// least Delay apart, however many polls run.
func TestHostLimiter(t *testing.T) {
	var mu = make(chan struct{}, 1)
	inFlight, most := 0, 0
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu <- struct{}{}
		inFlight++
		most = max(most, inFlight)
		starts = append(starts, time.Now())
		<-mu
		time.Sleep(50 * time.Millisecond)
		mu <- struct{}{}
		inFlight--
		<-mu
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	f := loopbackFetcher()
	f.Hosts = ingest.NewHostLimiter(2, 20*time.Millisecond)
	done := make(chan error)
	for range 10 {
		go func() { _, err := fetch(t, f, srv.URL); done <- err }()
	}
	for range 10 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if most != 2 {
		t.Fatalf("%d requests at once, want 2", most)
	}
	// The delay is kept at the client; the server sees each start a little
	// late, by however long the machine takes to schedule the handler, so
	// one gap may look short. Over nine gaps the delay must show.
	if span, least := starts[len(starts)-1].Sub(starts[0]), 8*20*time.Millisecond; span < least {
		t.Fatalf("10 requests started within %s, want at least %s with a 20ms delay", span, least)
	}
}
