package ingest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// secretServer is a service on the machine's own loopback that newsdesk
// must never read: it counts every request that reaches it. It listens
// on ::1 and 127.0.0.1 (the same port when it can) so that every written
// form of "this machine" would reach it if the guard let it through.
type secretServer struct {
	port int
	hits atomic.Int32
}

func newSecretServer(t *testing.T) *secretServer {
	t.Helper()
	s := &secretServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>secret</title>
<item><guid>s1</guid><title>internal secret</title><link>http://127.0.0.1/s1</link></item></channel></rss>`)
	})
	v6, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	s.port = v6.Addr().(*net.TCPAddr).Port
	srv6 := &httptest.Server{Listener: v6, Config: &http.Server{Handler: h}}
	srv6.Start()
	t.Cleanup(srv6.Close)
	if v4, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", s.port)); err == nil {
		srv4 := &httptest.Server{Listener: v4, Config: &http.Server{Handler: h}}
		srv4.Start()
		t.Cleanup(srv4.Close)
	}
	return s
}

// hostileIPv6URLs are the written forms of addresses that are not on the
// public internet, IPv6 and numeric IPv4 alike, each on the secret
// server's port. Zoned forms must be refused however the zone is written.
func (s *secretServer) hostileURLs() map[string]string {
	p := s.port
	return map[string]string{
		"zoned loopback":                  fmt.Sprintf("http://[::1%%25lo]:%d/feed.xml", p),
		"zoned loopback, numeric zone":    fmt.Sprintf("http://[::1%%251]:%d/feed.xml", p),
		"zoned link-local":                fmt.Sprintf("http://[fe80::1%%25lo]:%d/feed.xml", p),
		"zoned cloud metadata":            fmt.Sprintf("http://[fd00:ec2::254%%25lo]:%d/feed.xml", p),
		"zoned unspecified":               fmt.Sprintf("http://[::%%25lo]:%d/feed.xml", p),
		"zoned multicast":                 fmt.Sprintf("http://[ff02::1%%25lo]:%d/feed.xml", p),
		"loopback":                        fmt.Sprintf("http://[::1]:%d/feed.xml", p),
		"unspecified":                     fmt.Sprintf("http://[::]:%d/feed.xml", p),
		"IPv4-mapped loopback":            fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/feed.xml", p),
		"IPv4-mapped, zoned":              fmt.Sprintf("http://[::ffff:127.0.0.1%%25lo]:%d/feed.xml", p),
		"IPv4-compatible loopback":        fmt.Sprintf("http://[::127.0.0.1]:%d/feed.xml", p),
		"IPv4-translated loopback":        fmt.Sprintf("http://[::ffff:0:127.0.0.1]:%d/feed.xml", p),
		"NAT64 loopback":                  fmt.Sprintf("http://[64:ff9b::127.0.0.1]:%d/feed.xml", p),
		"local-use NAT64":                 fmt.Sprintf("http://[64:ff9b:1::7f00:1]:%d/feed.xml", p),
		"6to4 of loopback":                fmt.Sprintf("http://[2002:7f00:1::1]:%d/feed.xml", p),
		"Teredo":                          fmt.Sprintf("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:%d/feed.xml", p),
		"unique local":                    fmt.Sprintf("http://[fd12:3456::1]:%d/feed.xml", p),
		"link-local":                      fmt.Sprintf("http://[fe80::1]:%d/feed.xml", p),
		"site-local":                      fmt.Sprintf("http://[fec0::1]:%d/feed.xml", p),
		"multicast":                       fmt.Sprintf("http://[ff02::1]:%d/feed.xml", p),
		"IPv4 loopback as one number":     fmt.Sprintf("http://2130706433:%d/feed.xml", p),
		"IPv4 loopback in hexadecimal":    fmt.Sprintf("http://0x7f000001:%d/feed.xml", p),
		"IPv4 loopback in octal":          fmt.Sprintf("http://0177.0.0.1:%d/feed.xml", p),
		"IPv4 loopback, short form":       fmt.Sprintf("http://127.1:%d/feed.xml", p),
		"IPv4 unspecified":                fmt.Sprintf("http://0.0.0.0:%d/feed.xml", p),
		"IPv4 loopback as decimal dotted": fmt.Sprintf("http://127.000.000.001:%d/feed.xml", p),
	}
}

func (s *secretServer) mustBeUntouched(t *testing.T) {
	t.Helper()
	if n := s.hits.Load(); n != 0 {
		t.Fatalf("the loopback service was reached %d times", n)
	}
}

// Every written form of an address that is not public is refused where
// it matters, when the connection is dialled: no request ever reaches the
// machine's own services. Each is refused as a private address, or found
// to be no usable address at all; none is fetched.
func TestGuardRefusesEveryAddressForm(t *testing.T) {
	secret := newSecretServer(t)
	for name, raw := range secret.hostileURLs() {
		t.Run(name, func(t *testing.T) {
			_, err := fetch(t, ingest.NewFetcher(), raw)
			if err == nil {
				t.Fatalf("%s was fetched", raw)
			}
			if c := newsdesk.ErrorCode(err); c != newsdesk.EINVALID && c != newsdesk.EUNAVAILABLE {
				t.Fatalf("%s: %v (%s)", raw, err, c)
			}
		})
	}
	secret.mustBeUntouched(t)
}

// The forms that name an address are refused as private, by name: the
// error says which address, so that an operator who means it knows what
// to allow.
func TestGuardNamesTheRefusedAddress(t *testing.T) {
	secret := newSecretServer(t)
	p := secret.port
	for _, tc := range []struct{ url, addr string }{
		{fmt.Sprintf("http://[::1%%25lo]:%d/", p), "::1%lo"},
		{fmt.Sprintf("http://[fe80::1%%25lo]:%d/", p), "fe80::1%lo"},
		{fmt.Sprintf("http://[fd00:ec2::254%%25lo]:%d/", p), "fd00:ec2::254%lo"},
		{fmt.Sprintf("http://[::127.0.0.1]:%d/", p), "::7f00:1"},
		{fmt.Sprintf("http://[::]:%d/", p), "::"},
	} {
		_, err := fetch(t, ingest.NewFetcher(), tc.url)
		wantError(t, err, newsdesk.EINVALID, "newsdesk does not fetch from private addresses ("+tc.addr+")")
	}
	secret.mustBeUntouched(t)
}

// An allow list entry for an address allows it whatever zone is written
// on it, and no zone smuggles in an address it does not allow.
func TestGuardAllowListAndZones(t *testing.T) {
	secret := newSecretServer(t)
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("::1")
	if _, err := fetch(t, f, fmt.Sprintf("http://[::1%%25lo]:%d/", secret.port)); err != nil {
		t.Fatalf("::1 allowed, ::1%%lo refused: %v", err)
	}
	f = ingest.NewFetcher() // a new one: the first keeps its connection
	f.Allow = ingest.MustAllow("fe80::/10")
	if _, err := fetch(t, f, fmt.Sprintf("http://[::1%%25lo]:%d/", secret.port)); err == nil {
		t.Fatal("fe80::/10 allowed ::1%lo")
	}
	if secret.hits.Load() != 1 {
		t.Fatalf("%d requests reached the server, want the one allowed", secret.hits.Load())
	}
}

// Every way newsdesk reaches a remote address goes through the guard: a
// source, an item's page during extraction (and its robots.txt), a
// redirect from an allowed page, the feed a page names (discovery), and a
// WebSub hub, which would otherwise receive the subscription's secret.
func TestGuardHoldsOnEveryPath(t *testing.T) {
	ctx := context.Background()
	secret := newSecretServer(t)
	zoned := fmt.Sprintf("http://[::1%%25lo]:%d", secret.port)

	t.Run("source", func(t *testing.T) {
		db := storetest.SQLite(t)
		_, err := newService(db).AddFeed(ctx, zoned+"/feed.xml")
		wantError(t, err, newsdesk.EINVALID, "private addresses (::1%lo)")
	})

	t.Run("redirect", func(t *testing.T) {
		db := storetest.SQLite(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, zoned+"/feed.xml", http.StatusFound)
		}))
		defer srv.Close()
		_, err := newService(db).AddFeed(ctx, srv.URL+"/feed.xml")
		wantError(t, err, newsdesk.EINVALID, "private addresses (::1%lo)")
	})

	t.Run("discovery", func(t *testing.T) {
		db := storetest.SQLite(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="%s/feed.xml"></head><body>home</body></html>`, zoned)
		}))
		defer srv.Close()
		if _, err := newService(db).AddFeed(ctx, srv.URL+"/"); err == nil {
			t.Fatal("the feed a page named on a private address was followed")
		}
	})

	t.Run("page and robots.txt", func(t *testing.T) {
		db := storetest.SQLite(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet</title>
<item><guid>p1</guid><title>A story</title><link>%s/news/story</link></item></channel></rss>`, zoned)
		}))
		defer srv.Close()
		src, err := newService(db).AddFeed(ctx, srv.URL+"/feed.xml")
		if err != nil {
			t.Fatal(err)
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("items %v, %v", items, err)
		}
		art, err := newArticles(db).ExtractItem(ctx, items[0].ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if art.Text != "" || !strings.Contains(art.Error, "private addresses (::1%lo)") {
			t.Fatalf("article %q, error %q", art.Text, art.Error)
		}
	})

	t.Run("WebSub hub", func(t *testing.T) {
		db := storetest.SQLite(t)
		d := newWebSubDesk(t, db, loopbackFetcher())
		d.feed.Store(atomFeed(zoned+"/hub", d.feedURL, "a1"))
		src, err := d.svc.AddFeed(ctx, d.feedURL)
		if err != nil {
			t.Fatal(err)
		}
		d.request(t)
		sub := d.subscription(t, src.ID)
		if sub.State != newsdesk.LeaseFailed || !strings.Contains(sub.LastError, "private addresses (::1%lo)") {
			t.Fatalf("subscription: %+v", sub)
		}
	})

	secret.mustBeUntouched(t)
}
