package desk

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limits on failed sign-ins: after maxFailures failed attempts within
// failureWindow, for one account or from one client address, further
// attempts for it are refused, without checking the password, until the
// oldest of those failures is failureWindow old.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	// maxTracked bounds how many accounts and addresses are tracked at
	// once, so that attempts at endless made-up addresses cannot fill the
	// memory. Past it, some are forgotten.
	maxTracked = 50_000
	// maxKeyBytes bounds a key: no e-mail address is longer.
	maxKeyBytes = 254
)

// signInLimiter counts failed sign-ins by account and by client address.
//
// An account is limited whatever the address, so that guessing one
// editor's password from many machines is slow; an address is limited
// whatever the account, so that one machine cannot try a password against
// every account. The price of the first is that anyone can keep an
// editor out for a while by failing on purpose; signing in again after
// the wait, or from a session already open, still works.
//
// The counts live in this process's memory: they are lost on restart,
// and when several newsdesk processes serve the desk behind a load
// balancer each counts only the attempts it sees, so an attacker whose
// requests are spread over n processes gets up to n times the attempts.
// A hard limit across processes would keep the counts in the shared
// database instead.
type signInLimiter struct {
	now func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // by key; the recent failures, oldest first
	swept    time.Time
}

func newSignInLimiter(now func() time.Time) *signInLimiter {
	return &signInLimiter{now: now, failures: map[string][]time.Time{}}
}

// attempt records an attempt to sign in to the account (an e-mail
// address, as typed) from the client address, before its password is
// checked. If either has failed too often lately it returns how long until
// it may try again, and records nothing. Otherwise it counts the attempt
// as a failure at once, so that attempts sent side by side cannot all be
// checked before any has failed, and returns done, to be called with
// whether the password was right: a success clears the account's failures
// and takes back the address's count of this attempt. Done reports
// whether this failure was the one that reached the limit.
func (l *signInLimiter) attempt(account, address string) (wait time.Duration, done func(ok bool) (limited bool)) {
	keys := [2]string{"account " + accountName(account), "address " + address}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	for _, k := range keys {
		recent := l.recent(k, now)
		if len(recent) >= maxFailures {
			wait = max(wait, recent[len(recent)-maxFailures].Add(failureWindow).Sub(now))
		}
	}
	if wait > 0 {
		return wait, nil
	}
	limited := false
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
		limited = limited || len(l.failures[k]) == maxFailures
	}
	return 0, func(ok bool) bool {
		if !ok {
			return limited
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.failures, keys[0])
		times := l.failures[keys[1]]
		for i := len(times) - 1; i >= 0; i-- {
			if times[i].Equal(now) {
				times = append(times[:i], times[i+1:]...)
				break
			}
		}
		if len(times) == 0 {
			delete(l.failures, keys[1])
		} else {
			l.failures[keys[1]] = times
		}
		return false
	}
}

// recent returns the key's failures within the window, dropping older
// ones.
func (l *signInLimiter) recent(key string, now time.Time) []time.Time {
	times := l.failures[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-failureWindow)) {
		i++
	}
	switch {
	case i == len(times):
		delete(l.failures, key)
		return nil
	case i > 0:
		times = append(times[:0], times[i:]...)
		l.failures[key] = times
	}
	return times
}

// sweep forgets, once a window, the keys with no recent failure, and
// forgets some keys if there are still too many.
func (l *signInLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < failureWindow && len(l.failures) < maxTracked {
		return
	}
	l.swept = now
	for k := range l.failures {
		l.recent(k, now)
	}
	for k := range l.failures {
		if len(l.failures) < maxTracked {
			break
		}
		delete(l.failures, k)
	}
}

// accountName is the account an e-mail address names, as the limiter
// counts it: lower-case, as the store keeps it.
func accountName(email string) string {
	k := strings.ToLower(strings.TrimSpace(email))
	if len(k) > maxKeyBytes {
		k = k[:maxKeyBytes]
	}
	return k
}

// clientAddress returns the address a request comes from, as the limiter
// counts it. An IPv6 client counts by its /64 network, which one machine
// commonly has to itself.
//
// A request from a loopback or private address came through a reverse
// proxy or load balancer in front of newsdesk (or from a machine on the
// same network), and the proxy says in X-Forwarded-For whom it came from:
// the client is the rightmost public address there, the proxies before
// newsdesk being private. Without this every client behind the proxy
// would share one count, and five failures by anyone would keep everyone
// out. A client that reaches newsdesk directly from a private network can
// name any address there, but it still meets the account's limit.
func clientAddress(r *http.Request) string {
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
