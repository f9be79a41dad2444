package ingest

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// Send makes a request that newsdesk itself starts towards an address a
// stranger chose, such as a WebSub hub's verification of a callback or a
// delivery to one: through the Fetcher's client, so within its refusal of
// private addresses, its turns per host and its timeout, but following
// no redirect (the address asked for is the one that must answer). It
// returns the response's status and at most maxBody bytes of its body.
// A failure to reach the host is coded as Fetch codes it: EINVALID for an
// address newsdesk does not send to, EUNAVAILABLE otherwise.
func (f *Fetcher) Send(ctx context.Context, req *http.Request, maxBody int64) (status int, body []byte, err error) {
	u := req.URL
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return 0, nil, unreachable(u, err)
		}
		defer release()
	}
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
	req = req.WithContext(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	client := *f.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, f.failure(ctx, u, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, f.failure(ctx, u, err)
	}
	// The rest is read, a little of it, so the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, body, nil
}

// CheckAddress refuses, before any request, a URL whose host is an
// address newsdesk does not send to: a literal private, loopback or
// link-local address, or localhost, unless the allow list names it.
// A host name that resolves to such an address is refused later, when a
// request dials it. It returns an EINVALID error that says so.
func (f *Fetcher) CheckAddress(u *url.URL) error {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if f.Allow.allowsHost(host) {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return newsdesk.Errorf(newsdesk.EINVALID, "%q has a port that is not a number from 0 to 65535.", u.Host)
	}
	addrs := []netip.Addr{}
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, ip)
	} else if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		// RFC 6761: always loopback, whatever DNS says.
		addrs = append(addrs, netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback())
	}
	// localhost is refused only when neither of its addresses may be
	// reached: the dialler tries both, as for any name.
	var refused *PrivateAddressError
	for _, ip := range addrs {
		if isPublic(ip) || f.Allow.allowsAddr(netip.AddrPortFrom(ip, uint16(n))) {
			return nil
		}
		if refused == nil {
			refused = &PrivateAddressError{Addr: bare(ip)}
		}
	}
	if refused != nil {
		return newsdesk.WrapError(newsdesk.EINVALID, refused,
			"newsdesk does not send to private addresses (%s); allow it with --allow-private.", refused.Addr)
	}
	return nil
}
