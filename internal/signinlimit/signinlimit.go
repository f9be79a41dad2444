// Package signinlimit limits failed sign-ins, by account and by client
// address, so that passwords cannot be guessed as fast as bcrypt allows.
//
// One Limiter serves every way in that checks a password (the desk's
// sign-in form and the API's HTTP Basic authentication), so that failures
// through each count together: guessing through the API does not get
// five more tries than guessing through the desk.
package signinlimit

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Limits on failed sign-ins: after MaxFailures failed attempts within
// Window, for one account or from one client address, further attempts
// for it are refused, without checking the password, until the oldest of
// those failures is Window old.
const (
	MaxFailures = 5
	Window      = 15 * time.Minute
	// maxTracked bounds how many accounts and addresses are tracked at
	// once, so that attempts at endless made-up addresses cannot fill the
	// memory. Past it, some are forgotten.
	maxTracked = 50_000
	// maxKeyBytes bounds a key: no e-mail address is longer.
	maxKeyBytes = 254
)

// Limiter counts failed sign-ins by account and by client address. Its
// methods are safe to call from many goroutines.
//
// An account is limited whatever the address, so that guessing one
// editor's password from many machines is slow; an address is limited
// whatever the account, so that one machine cannot try a password against
// every account. The price of the first is that anyone can keep an
// editor out for a while by failing on purpose; signing in again after
// the wait, or from a session already open, still works.
//
// The counts live in this process's memory: they are lost on restart,
// and when several newsdesk processes serve behind a load balancer each
// counts only the attempts it sees, so an attacker whose requests are
// spread over n processes gets up to n times the attempts. A hard limit
// across processes would keep the counts in the shared database instead.
type Limiter struct {
	now func() time.Time

	mu    sync.Mutex
	keys  map[string]*record
	swept time.Time
	// ended is closed, and replaced, whenever an attempt ends, to wake
	// the attempts waiting for it.
	ended chan struct{}
}

// record is what the limiter knows of one account or address.
type record struct {
	failures []time.Time // the recent failures, oldest first
	checking int         // attempts begun whose password is being checked
}

// New returns a Limiter that reads the time from now.
func New(now func() time.Time) *Limiter {
	return &Limiter{now: now, keys: map[string]*record{}, ended: make(chan struct{})}
}

// Refused is the cause, inside the ERATELIMITED error that Begin returns,
// of an attempt refused by the limit.
type Refused struct {
	Wait time.Duration // until the account and the address may try again
}

func (e *Refused) Error() string { return fmt.Sprintf("sign-ins limited for %v", e.Wait) }

// RetryAfter returns the value of a Retry-After header for e: the wait in
// whole seconds, rounded up.
func (e *Refused) RetryAfter() string {
	return strconv.Itoa(int((e.Wait + time.Second - 1) / time.Second))
}

// Begin starts an attempt to sign in to the account (an e-mail address,
// as typed) from the client address (see ClientAddress), before its
// password is checked, and returns it. Every attempt begun must be ended
// by Fail, Release or Forgive.
//
// If the account or the address has failed MaxFailures times within
// Window, Begin returns an ERATELIMITED error whose cause is a *Refused
// saying how long to wait, and starts nothing. Attempts whose passwords
// are being checked count as failures until they end, so that attempts
// sent side by side cannot all be checked before any has failed: an
// attempt that would pass the limit if they all failed waits until enough
// of them have ended, or until ctx is done, when it returns ctx's error.
// Twenty wrong passwords sent at once thus get five checks, and twenty
// right ones are all let through, five at a time.
func (l *Limiter) Begin(ctx context.Context, account, address string) (*Attempt, error) {
	a := &Attempt{l: l, keys: [2]string{"account " + Account(account), "address " + address}}
	for {
		l.mu.Lock()
		now := l.now()
		l.sweep(now)
		var wait time.Duration
		busy := false
		for _, k := range a.keys {
			rec := l.keys[k]
			if rec == nil {
				continue
			}
			l.trim(rec, now)
			if n := len(rec.failures); n >= MaxFailures {
				wait = max(wait, rec.failures[n-MaxFailures].Add(Window).Sub(now))
			} else if n+rec.checking >= MaxFailures {
				busy = true
			}
		}
		if wait > 0 {
			l.mu.Unlock()
			return nil, newsdesk.WrapError(newsdesk.ERATELIMITED, &Refused{Wait: wait},
				"Too many failed sign-ins for this account or from your address. Try again in %s.", minutes(wait))
		}
		if !busy {
			for _, k := range a.keys {
				rec := l.keys[k]
				if rec == nil {
					rec = &record{}
					l.keys[k] = rec
				}
				rec.checking++
			}
			l.mu.Unlock()
			return a, nil
		}
		ended := l.ended
		l.mu.Unlock()
		select {
		case <-ended:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for sign-ins being checked: %w", ctx.Err())
		}
	}
}

// Attempt is one sign-in begun, whose password is being checked.
type Attempt struct {
	l    *Limiter
	keys [2]string // the account's, then the address's
	done bool
}

// Fail ends an attempt whose password was wrong, or whose account does
// not exist: it counts as a failure for the account and for the address.
// Fail reports whether this failure was the one that reached the limit,
// which is worth logging once rather than for every attempt refused after
// it.
func (a *Attempt) Fail() (limited bool) {
	return a.end(true, false)
}

// Release ends an attempt without counting it: its password was right,
// or could not be checked. The account's earlier failures stand. A client
// that sends its password with every request (HTTP Basic) releases its
// attempts; were they to forgive, such a client would wipe the account's
// failures as fast as anyone guessing could make them. Ending an attempt
// already ended does nothing, so Release can be deferred as a safety net.
func (a *Attempt) Release() {
	a.end(false, false)
}

// Forgive ends an attempt whose password was right, as Release does, and
// clears its account's failures too: a person who mistyped their password
// a few times and then signed in is not one typo away from being kept
// out. The address's failures stand.
func (a *Attempt) Forgive() {
	a.end(false, true)
}

func (a *Attempt) end(failed, forgive bool) (limited bool) {
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.done {
		return false
	}
	a.done = true
	now := l.now()
	for i, k := range a.keys {
		rec := l.keys[k]
		if rec == nil { // forgotten by sweep, past maxTracked
			if !failed {
				continue
			}
			rec = &record{}
			l.keys[k] = rec
		}
		if rec.checking > 0 {
			rec.checking--
		}
		if forgive && i == 0 {
			rec.failures = nil
		}
		if failed {
			rec.failures = append(rec.failures, now)
			l.trim(rec, now)
			limited = limited || len(rec.failures) == MaxFailures
		}
		if len(rec.failures) == 0 && rec.checking == 0 {
			delete(l.keys, k)
		}
	}
	close(l.ended)
	l.ended = make(chan struct{})
	return limited
}

// trim drops the record's failures older than the window.
func (l *Limiter) trim(rec *record, now time.Time) {
	i := 0
	for i < len(rec.failures) && !rec.failures[i].After(now.Add(-Window)) {
		i++
	}
	if i > 0 {
		rec.failures = append(rec.failures[:0], rec.failures[i:]...)
	}
}

// sweep forgets, once a window, the keys with no recent failure and no
// attempt under way. When there is no room for one more attempt's two
// keys it does so at once, and if there are still too many it forgets
// some, down to a quarter under the bound, so that attempts from endless
// new addresses do not each pay for a sweep.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < Window && len(l.keys)+2 <= maxTracked {
		return
	}
	l.swept = now
	for k, rec := range l.keys {
		l.trim(rec, now)
		if len(rec.failures) == 0 && rec.checking == 0 {
			delete(l.keys, k)
		}
	}
	if len(l.keys)+2 <= maxTracked {
		return
	}
	for k, rec := range l.keys {
		if len(l.keys) <= maxTracked*3/4 {
			break
		}
		if rec.checking == 0 {
			delete(l.keys, k)
		}
	}
}

// minutes says how many minutes d is, rounded up: "1 minute", "15 minutes".
func minutes(d time.Duration) string {
	n := int((d + time.Minute - 1) / time.Minute)
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// Account returns the account an e-mail address names, as the limiter
// counts it: lower-case, as the store keeps it.
func Account(email string) string {
	k := strings.ToLower(strings.TrimSpace(email))
	if len(k) > maxKeyBytes {
		k = k[:maxKeyBytes]
	}
	return k
}

// ClientAddress returns the address a request comes from, as the limiter
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
