package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// AllowList names the addresses that are not public but may be fetched
// anyway: an intranet's feeds, or a test's server on loopback. Each entry
// is a CIDR prefix (10.0.0.0/8), a single address (127.0.0.1, ::1), an
// address and one port on it (127.0.0.1:18080, [::1]:8080: the demo's
// outlets, and nothing else the machine serves) or a host name
// (intranet.example), matched exactly and case-insensitively.
type AllowList struct {
	prefixes []netip.Prefix
	ports    []netip.AddrPort
	hosts    map[string]bool
}

// ParseAllowList parses a comma-separated list of CIDR prefixes, addresses
// and host names. It returns EINVALID-coded errors for entries it cannot
// read. An empty string allows nothing.
func ParseAllowList(s string) (AllowList, error) {
	var a AllowList
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if err := a.add(entry); err != nil {
			return AllowList{}, err
		}
	}
	return a, nil
}

// MustAllow is ParseAllowList for lists fixed in code, such as a test's
// own server address; it panics on a malformed entry.
func MustAllow(s string) AllowList {
	a, err := ParseAllowList(s)
	if err != nil {
		panic(err)
	}
	return a
}

func (a *AllowList) add(entry string) error {
	if strings.Contains(entry, "/") {
		p, err := netip.ParsePrefix(entry) // refuses zones
		if err != nil {
			return fmt.Errorf("allow list entry %q is not a CIDR prefix such as 10.0.0.0/8: %w", entry, err)
		}
		a.prefixes = append(a.prefixes, p.Masked())
		return nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(entry, "[]")); err == nil {
		ip = bare(ip)
		a.prefixes = append(a.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
		return nil
	}
	if ap, err := netip.ParseAddrPort(entry); err == nil {
		a.ports = append(a.ports, netip.AddrPortFrom(bare(ap.Addr()), ap.Port()))
		return nil
	}
	if strings.ContainsAny(entry, " :@") {
		return fmt.Errorf("allow list entry %q is neither an address, a CIDR prefix nor a host name", entry)
	}
	if a.hosts == nil {
		a.hosts = map[string]bool{}
	}
	a.hosts[strings.ToLower(strings.TrimSuffix(entry, "."))] = true
	return nil
}

// String lists the entries, comma-separated.
func (a AllowList) String() string {
	var out []string
	for _, p := range a.prefixes {
		if p.IsSingleIP() {
			out = append(out, p.Addr().String())
		} else {
			out = append(out, p.String())
		}
	}
	for _, ap := range a.ports {
		out = append(out, ap.String())
	}
	for h := range a.hosts {
		out = append(out, h)
	}
	return strings.Join(out, ",")
}

// Merge returns a list allowing what either list allows.
func (a AllowList) Merge(b AllowList) AllowList {
	out := AllowList{
		prefixes: append(append([]netip.Prefix(nil), a.prefixes...), b.prefixes...),
		ports:    append(append([]netip.AddrPort(nil), a.ports...), b.ports...),
	}
	for _, m := range []map[string]bool{a.hosts, b.hosts} {
		for h := range m {
			if out.hosts == nil {
				out.hosts = map[string]bool{}
			}
			out.hosts[h] = true
		}
	}
	return out
}

func (a AllowList) allowsHost(host string) bool {
	return a.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

func (a AllowList) allowsAddr(ap netip.AddrPort) bool {
	ip := bare(ap.Addr())
	for _, p := range a.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	for _, allowed := range a.ports {
		if allowed.Addr() == ip && allowed.Port() == ap.Port() {
			return true
		}
	}
	return false
}

// blocked are the addresses newsdesk does not fetch from unless allowed:
// everything that is not the public internet, where a URL an editor (or a
// feed's redirect) names could reach the machine itself, the newsroom's
// network or the cloud provider's metadata service.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",          // "this network", and the unspecified 0.0.0.0
		"10.0.0.0/8",         // RFC 1918
		"100.64.0.0/10",      // carrier-grade NAT
		"127.0.0.0/8",        // loopback
		"169.254.0.0/16",     // link-local, and cloud metadata 169.254.169.254
		"172.16.0.0/12",      // RFC 1918
		"192.0.0.0/24",       // IETF protocol assignments
		"192.168.0.0/16",     // RFC 1918
		"198.18.0.0/15",      // benchmarking networks
		"224.0.0.0/4",        // multicast
		"240.0.0.0/4",        // reserved, and broadcast
		"::/96",              // unspecified, loopback, and the deprecated IPv4-compatible ::a.b.c.d
		"64:ff9b::/96",       // NAT64: may embed any IPv4 address
		"64:ff9b:1::/48",     // local-use NAT64
		"2002::/16",          // 6to4: may embed any IPv4 address
		"fc00::/7",           // unique local (ULA), and cloud metadata fd00:ec2::254
		"fe80::/10",          // link-local
		"ff00::/8",           // multicast
		"2001:db8::/32",      // documentation
		"::ffff:0:0/96",      // IPv4-mapped, when not unmapped first
		"100::/64",           // discard-only
		"2001::/32",          // Teredo: may embed any IPv4 address
		"fec0::/10",          // deprecated site-local
		"::ffff:0:0:0/96",    // IPv4-translated
		"192.88.99.0/24",     // 6to4 relay anycast
		"255.255.255.255/32", // broadcast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// bare returns ip as the address it names, without what would hide it
// from a prefix check: an IPv6 zone (netip.Prefix.Contains is false for
// every zoned address, so "::1%lo" would otherwise pass for public) and
// the IPv4-mapped form (::ffff:127.0.0.1 is 127.0.0.1).
func bare(ip netip.Addr) netip.Addr {
	return ip.WithZone("").Unmap()
}

// isPublic reports whether ip is on the public internet.
func isPublic(ip netip.Addr) bool {
	ip = bare(ip)
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return ip.IsValid()
}

// PrivateAddressError is the error for a fetch that would reach an
// address that is not public and not allowed.
type PrivateAddressError struct {
	Addr netip.Addr
}

func (e *PrivateAddressError) Error() string {
	return fmt.Sprintf("%s is not a public address", e.Addr)
}

// dialContext returns a DialContext that connects only to public
// addresses and those allow allows. The check runs on the address being
// connected to, after DNS resolution (net.Dialer.Control), so a host name
// that resolves to a private address — or starts to, as in DNS rebinding
// — is refused, and so is every redirect, since each opens or reuses a
// connection dialled this way.
func dialContext(allow func() AllowList) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		list := allow()
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		d := &net.Dialer{}
		if !list.allowsHost(host) {
			d.Control = func(_, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err != nil {
					return fmt.Errorf("dial %s: %w", address, err)
				}
				// The address is checked as it will be dialled, zone
				// and all, and named in the error as written.
				ip := ap.Addr()
				if !isPublic(ip) && !list.allowsAddr(ap) {
					return &PrivateAddressError{Addr: ip.Unmap()}
				}
				return nil
			}
		}
		return d.DialContext(ctx, network, addr)
	}
}

// privateAddress returns the refused address in err's chain, if any.
func privateAddress(err error) (*PrivateAddressError, bool) {
	var p *PrivateAddressError
	return p, errors.As(err, &p)
}
