package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddress returns the address a request comes from, as limits on
// clients (such as staff's on failed sign-ins) count it. An IPv6 client
// counts by its /64 network, which one machine commonly has to itself.
//
// A request from a loopback or private address came through a reverse
// proxy or load balancer in front of newsdesk (or from a machine on the
// same network), and the proxy says in X-Forwarded-For whom it came from:
// the client is the rightmost public address there, the proxies before
// newsdesk being private. Without this every client behind the proxy
// would share one address. A client that reaches newsdesk directly from a
// private network can name any address there; limits that also count by
// account, as those on sign-ins do, still hold it.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if addr.IsLoopback() || addr.IsPrivate() {
		if fwd, ok := forwardedFor(r); ok {
			addr = fwd
		}
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// forwardedFor returns the client that X-Forwarded-For names: the
// rightmost public address, or the leftmost address if all are private.
func forwardedFor(r *http.Request) (netip.Addr, bool) {
	var addrs []netip.Addr
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for _, part := range strings.Split(h, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			addrs = append(addrs, a.Unmap().WithZone(""))
		}
	}
	if len(addrs) == 0 {
		return netip.Addr{}, false
	}
	for i := len(addrs) - 1; i >= 0; i-- {
		if a := addrs[i]; !a.IsLoopback() && !a.IsPrivate() {
			return a, true
		}
	}
	return addrs[0], true
}
