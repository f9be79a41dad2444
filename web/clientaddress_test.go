package web_test

import (
	"net/http/httptest"
	"testing"

	"github.com/newsdesk/newsdesk/web"
)

func TestClientAddress(t *testing.T) {
	for _, tc := range []struct {
		name, remote string
		forwarded    []string // X-Forwarded-For, once per header
		want         string
	}{
		{"direct", "203.0.113.9:4242", nil, "203.0.113.9"},
		{"direct ignores X-Forwarded-For", "203.0.113.9:4242", []string{"198.51.100.1"}, "203.0.113.9"},
		{"direct IPv6 counts by /64", "[2001:db8:1:2::a]:4242", nil, "2001:db8:1:2::/64"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.9]:4242", nil, "203.0.113.9"},
		{"behind a proxy", "127.0.0.1:4242", []string{"198.51.100.1"}, "198.51.100.1"},
		{"rightmost public", "10.0.0.2:4242", []string{"203.0.113.99, 198.51.100.1, 10.0.0.1"}, "198.51.100.1"},
		{"over several headers", "10.0.0.2:4242", []string{"203.0.113.99", "198.51.100.1"}, "198.51.100.1"},
		{"IPv6 behind a proxy", "[::1]:4242", []string{"2001:db8:1:2::ffff"}, "2001:db8:1:2::/64"},
		{"all private", "127.0.0.1:4242", []string{"10.0.0.7, 192.168.1.1"}, "10.0.0.7"},
		{"garbage", "127.0.0.1:4242", []string{"not an address"}, "127.0.0.1"},
		{"proxy names nobody", "192.168.1.1:4242", nil, "192.168.1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.forwarded {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := web.ClientAddress(r); got != tc.want {
				t.Errorf("ClientAddress = %q, want %q", got, tc.want)
			}
		})
	}
}
