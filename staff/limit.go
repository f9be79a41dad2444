package staff

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Limits on failed sign-ins.
const (
	// MaxFailures is how many failures within FailureWindow lock a
	// group of clients until the oldest of them is FailureWindow old:
	// the untrusted clients of an account, one trusted browser, or the
	// trusted programs of an account at one address.
	MaxFailures = 5
	// MaxAccountsPerAddress is how many accounts may fail from one
	// address within FailureWindow, through untrusted clients, before
	// untrusted clients there are refused.
	MaxAccountsPerAddress = 10
	// FailureWindow is how long a failure counts.
	FailureWindow = 15 * time.Minute
	// DeviceLifetime is how long a device cookie trusts a browser after
	// the sign-in that set it; each sign-in sets a new one.
	DeviceLifetime = 365 * 24 * time.Hour
	// ProgramTrust is how long a program is trusted for an account at an
	// address after it last signed in there.
	ProgramTrust = 30 * 24 * time.Hour

	// maxOpen bounds the records anyone can make the limiter keep (made-up
	// accounts, addresses), so that attempts at endless ones cannot fill
	// the memory: past it, some are forgotten.
	maxOpen = 50_000
	// maxStaff bounds the records only staff can make it keep (real
	// accounts, trusted browsers and programs), and maxPrograms the
	// programs trusted; neither is near in a newsroom.
	maxStaff    = 10_000
	maxPrograms = 10_000
	// maxKeyBytes bounds an account's key: no e-mail address is longer.
	maxKeyBytes = 254
)

// dummyHash is a bcrypt hash of a password nobody has. An unknown e-mail
// is checked against it, so that it takes as long to refuse as a wrong
// password and the timing does not tell them apart.
const dummyHash = "$2a$10$D.4zbCPFZ/K1Dc42/cYwM.RlwM8O0M0d9wMOQJY5YLDJZFd7odMBO"

// limiter checks passwords within limits on failed sign-ins,
// so that they cannot be guessed as fast as bcrypt allows, and so that
// nobody who fails on purpose can keep staff out.
//
// It follows OWASP's "Slow Down Online Guessing Attacks with Device
// Cookies". A client that has signed in to an account before is trusted
// for that account, and its failures count apart from those of clients
// that have not: failures from untrusted clients lock the account for
// untrusted clients only, and a trusted client that fails too often is
// locked alone. Someone guessing has never signed in, so however long
// they keep at it they hold up only other untrusted clients, never the
// browsers and programs staff already use. A lockout of the whole
// account, which the guesser could renew forever with about 20 requests
// an hour, is what this replaces.
//
// A browser is trusted through its device cookie (see newDevice), set
// when it signs in. A program using HTTP Basic keeps no cookies: it is
// trusted from the client address it signed in from, for that account,
// for ProgramTrust after its last success.
//
// Untrusted clients are also limited by address, counting the accounts
// that failed from it rather than the failures, so that one machine
// cannot try a password against every account, while one broken script,
// which fails for a single account however often it runs, cannot keep
// an office behind one address out.
//
// One limiter, a Service's, serves every way in that checks a password
// (the desk's sign-in form and the API's HTTP Basic authentication), so
// that failures through each count together.
//
// The counts and the trust of programs live in this process's memory:
// they are lost on restart, and when several newsdesk processes serve
// behind a load balancer each counts only the attempts it sees. Device
// cookies are signed with the user's password hash, which every process
// reads from the database, so a browser stays trusted across restarts and
// processes.
//
// Its methods are safe to call from many goroutines.
type limiter struct {
	now    func() time.Time
	logger *slog.Logger

	mu sync.Mutex
	// open holds the records anyone can create: those of accounts that
	// do not exist, and of addresses.
	open map[string]*record
	// staff holds the records tied to real accounts: their untrusted
	// clients, trusted browsers and trusted programs. They are kept apart
	// so that a flood of made-up accounts and addresses, which may make
	// the limiter forget some of open, cannot make it forget these.
	staff map[string]*record
	// programs holds when a program last signed in, by programKey.
	programs map[string]time.Time
	swept    time.Time
	// ended is closed, and replaced, whenever an attempt ends, to wake
	// the attempts waiting for it.
	ended chan struct{}
}

// newLimiter returns a limiter that reads the time from now and logs to
// logger (nil discards) when a group of clients reaches its limit.
func newLimiter(now func() time.Time, logger *slog.Logger) *limiter {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &limiter{
		now: now, logger: logger,
		open: map[string]*record{}, staff: map[string]*record{}, programs: map[string]time.Time{},
		ended: make(chan struct{}),
	}
}

// Client is who tries to sign in, as the limiter tells clients apart.
type Client struct {
	// Address is where the request comes from (see web.ClientAddress).
	Address string
	// Device is the value of the browser's device cookie for the account
	// (see DeviceCookieName), or "".
	Device string
	// Program is set for a client that sends its password with every
	// request and keeps no cookies (HTTP Basic): it is trusted by its
	// address once it has signed in from there.
	Program bool
}

// Refused is the cause, inside the ERATELIMITED error that
// Service.Authenticate and Service.SignIn return, of an attempt refused
// by the limits.
type Refused struct {
	Wait time.Duration // until this client may try again
}

func (e *Refused) Error() string { return fmt.Sprintf("sign-ins limited for %v", e.Wait) }

// RetryAfter returns the value of a Retry-After header for e: the wait in
// whole seconds, rounded up.
func (e *Refused) RetryAfter() string {
	return strconv.Itoa(int((e.Wait + time.Second - 1) / time.Second))
}

// check checks the password of the account that email names, tried by
// client c, and returns the account's user.
//
// It returns EUNAUTHORIZED, saying the same for an unknown e-mail as for
// a wrong password, so that it cannot be used to learn who has an
// account; ERATELIMITED, wrapping a *Refused that says how long to wait,
// without checking the password, when the client's group has failed too
// often (see limiter); the context's error if ctx ends
// while it waits; or the error of finding the user.
//
// Attempts whose passwords are being checked count as failures until
// they end, so that attempts sent side by side cannot all be checked
// before any has failed: an attempt that would pass a limit if they all
// failed waits until enough of them have ended. Twenty wrong passwords
// sent at once thus get five checks, and twenty right ones all go
// through, five at a time.
//
// A right password clears the failures of the trusted client it came
// from, never those of untrusted clients (which would let the guesser
// start again whenever staff sign in somewhere new); takes the account
// off its address's count of accounts failed, since someone there knows
// its password; and makes a program trusted at its address.
func (l *limiter) check(ctx context.Context, users newsdesk.UserService, email, password string, c Client) (*newsdesk.User, error) {
	u, err := users.FindUserByEmail(ctx, email)
	switch {
	case newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND:
		u = nil
	case err != nil:
		return nil, err
	}
	a, err := l.begin(ctx, u, email, c)
	if err != nil {
		return nil, err
	}
	defer a.end(unchecked) // if checking panics; a no-op once ended
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if !CheckPassword(hash, password) || u == nil {
		a.end(failed)
		return nil, newsdesk.Errorf(newsdesk.EUNAUTHORIZED, "Wrong e-mail or password.")
	}
	a.end(succeeded)
	return u, nil
}

// kind is a kind of group of clients whose failures count together.
type kind int

const (
	untrusted   kind = iota // the untrusted clients of one account
	fromAddress             // the untrusted clients at one address, counted by account
	device                  // one trusted browser
	program                 // the trusted programs of one account at one address
)

func (k kind) String() string {
	return [...]string{"untrusted clients of the account", "untrusted clients at the address", "trusted browser", "trusted program"}[k]
}

// limit is how many failures (or, from an address, accounts) the group
// may have within FailureWindow.
func (k kind) limit() int {
	if k == fromAddress {
		return MaxAccountsPerAddress
	}
	return MaxFailures
}

// message is what a client of the group is told when it is refused,
// with a %s for the wait.
func (k kind) message() string {
	switch k {
	case untrusted:
		return "Too many failed sign-ins to this account from browsers and programs that have not signed in to it before. " +
			"Those that have can still sign in; others can try again in %s."
	case fromAddress:
		return "Too many failed sign-ins from your address. " +
			"Browsers and programs that have signed in before can still sign in; others can try again in %s."
	case device:
		return "Too many failed sign-ins from this browser. Try again in %s."
	default:
		return "Too many failed sign-ins to this account from your address. Try again in %s."
	}
}

// group is one group of clients, as one attempt counts in it.
type group struct {
	kind  kind
	key   string
	staff bool // kept in limiter.staff rather than limiter.open
}

// record is what the limiter knows of one group.
type record struct {
	failures []time.Time          // the failures within the window, oldest first
	accounts map[string]time.Time // fromAddress: each account failed within the window, with its last failure
	checking int                  // attempts begun whose password is being checked
}

func (rec *record) count() int {
	return len(rec.failures) + len(rec.accounts)
}

func (rec *record) idle() bool {
	return rec.count() == 0 && rec.checking == 0
}

// trim forgets the failures of the record older than the window.
func (rec *record) trim(now time.Time) {
	cutoff := now.Add(-FailureWindow)
	i := 0
	for i < len(rec.failures) && !rec.failures[i].After(cutoff) {
		i++
	}
	if i > 0 {
		rec.failures = append(rec.failures[:0], rec.failures[i:]...)
	}
	for a, t := range rec.accounts {
		if !t.After(cutoff) {
			delete(rec.accounts, a)
		}
	}
}

// wait returns how long until the record, at or past its limit, is
// under it again.
func (rec *record) wait(limit int, now time.Time) time.Duration {
	times := rec.failures
	if rec.accounts != nil {
		times = slices.SortedFunc(maps.Values(rec.accounts), time.Time.Compare)
	}
	return times[len(times)-limit].Add(FailureWindow).Sub(now)
}

// groups returns the groups an attempt by c to sign in as u (nil when
// the account does not exist) counts in.
func (l *limiter) groups(u *newsdesk.User, account string, c Client, now time.Time) []group {
	if u != nil {
		if id, ok := deviceID(u, c.Device, now); ok {
			return []group{{kind: device, key: "device " + id, staff: true}}
		}
		if k := programKey(account, c.Address); c.Program && now.Sub(l.programs[k]) < ProgramTrust {
			return []group{{kind: program, key: "program " + k, staff: true}}
		}
	}
	return []group{
		{kind: untrusted, key: "account " + account, staff: u != nil},
		{kind: fromAddress, key: "address " + c.Address},
	}
}

func programKey(account, address string) string {
	return account + " " + address
}

func (l *limiter) records(g group) map[string]*record {
	if g.staff {
		return l.staff
	}
	return l.open
}

// attempt is one sign-in begun, whose password is being checked.
type attempt struct {
	l                *limiter
	groups           []group
	account, address string
	program          bool
	done             bool
}

// begin starts an attempt by c to sign in as u, before its password is
// checked, or refuses it.
func (l *limiter) begin(ctx context.Context, u *newsdesk.User, email string, c Client) (*attempt, error) {
	account := accountOf(email)
	for {
		l.mu.Lock()
		now := l.now()
		l.sweep(now)
		groups := l.groups(u, account, c, now)
		var wait time.Duration
		var refusing kind
		busy := false
		for _, g := range groups {
			rec := l.records(g)[g.key]
			if rec == nil {
				continue
			}
			rec.trim(now)
			n, limit := rec.count(), g.kind.limit()
			if n >= limit {
				if w := rec.wait(limit, now); w > wait {
					wait, refusing = w, g.kind
				}
			} else if n+rec.checking >= limit {
				busy = true
			}
		}
		if wait > 0 {
			l.mu.Unlock()
			return nil, newsdesk.WrapError(newsdesk.ERATELIMITED, &Refused{Wait: wait}, refusing.message(), minutes(wait))
		}
		if !busy {
			for _, g := range groups {
				m := l.records(g)
				rec := m[g.key]
				if rec == nil {
					rec = &record{}
					m[g.key] = rec
				}
				rec.checking++
			}
			l.mu.Unlock()
			return &attempt{l: l, groups: groups, account: account, address: c.Address, program: c.Program}, nil
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

// outcome is how an attempt ended.
type outcome int

const (
	unchecked outcome = iota // the password could not be checked: count nothing
	failed
	succeeded
)

// end ends the attempt, once, and logs each group that this failure
// brought to its limit: once, not for every attempt refused after it.
func (a *attempt) end(o outcome) {
	l := a.l
	l.mu.Lock()
	if a.done {
		l.mu.Unlock()
		return
	}
	a.done = true
	now := l.now()
	var limited []group
	for _, g := range a.groups {
		m := l.records(g)
		rec := m[g.key]
		if rec == nil { // forgotten, past maxOpen
			if o != failed {
				continue
			}
			rec = &record{}
			m[g.key] = rec
		}
		rec.checking = max(rec.checking-1, 0)
		switch {
		case o == failed && g.kind == fromAddress:
			if rec.accounts == nil {
				rec.accounts = map[string]time.Time{}
			}
			rec.accounts[a.account] = now
		case o == failed:
			rec.failures = append(rec.failures, now)
		case o == succeeded && g.kind == fromAddress:
			// Someone at this address knows this account's password: its
			// typos there are not someone trying every account.
			delete(rec.accounts, a.account)
		case o == succeeded && g.kind != untrusted:
			rec.failures = nil
		}
		rec.trim(now)
		if o == failed && rec.count() == g.kind.limit() {
			limited = append(limited, g)
		}
		if rec.idle() {
			delete(m, g.key)
		}
	}
	if o == succeeded && a.program {
		l.programs[programKey(a.account, a.address)] = now
	}
	close(l.ended)
	l.ended = make(chan struct{})
	l.mu.Unlock()
	for _, g := range limited {
		l.logger.Warn("sign-ins limited after repeated failures", "group", g.kind.String(),
			"account", a.account, "address", a.address, "limit", g.kind.limit(), "within", FailureWindow)
	}
}

// sweep forgets, once a window, the records with no recent failure and
// no attempt under way, and the programs no longer trusted. When a map is
// full it does so at once, and if the map is still too full it forgets
// some of it, down to a quarter under its bound, so that attempts from
// endless new addresses do not each pay for a sweep.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < FailureWindow && len(l.open)+2 <= maxOpen && len(l.staff)+2 <= maxStaff && len(l.programs)+1 <= maxPrograms {
		return
	}
	l.swept = now
	for _, m := range []map[string]*record{l.open, l.staff} {
		for k, rec := range m {
			rec.trim(now)
			if rec.idle() {
				delete(m, k)
			}
		}
	}
	for k, t := range l.programs {
		if now.Sub(t) >= ProgramTrust {
			delete(l.programs, k)
		}
	}
	shrink(l.open, maxOpen)
	shrink(l.staff, maxStaff)
	if len(l.programs)+1 > maxPrograms {
		// The programs that signed in longest ago go first.
		times := slices.SortedFunc(maps.Values(l.programs), time.Time.Compare)
		cutoff := times[len(times)-maxPrograms*3/4]
		for k, t := range l.programs {
			if t.Before(cutoff) {
				delete(l.programs, k)
			}
		}
	}
}

// shrink forgets records of m with no attempt under way, down to a
// quarter under bound, if it has no room for two more.
func shrink(m map[string]*record, bound int) {
	if len(m)+2 <= bound {
		return
	}
	for k, rec := range m {
		if len(m) <= bound*3/4 {
			break
		}
		if rec.checking == 0 {
			delete(m, k)
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

// accountOf returns the account an e-mail address names, as the limiter
// counts it: lower-case, as the store keeps it.
func accountOf(email string) string {
	k := strings.ToLower(strings.TrimSpace(email))
	if len(k) > maxKeyBytes {
		k = k[:maxKeyBytes]
	}
	return k
}
