package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Defaults for Robots.
const (
	// RobotsAgent is the product token newsdesk looks for in robots.txt.
	RobotsAgent = "newsdesk"
	// DefaultRobotsTTL is how long a host's robots.txt is kept.
	DefaultRobotsTTL = 24 * time.Hour
	// DefaultRobotsErrorTTL is how long a robots.txt that could not be
	// read keeps the host's pages off limits before newsdesk asks again.
	DefaultRobotsErrorTTL = 10 * time.Minute
	// DefaultRobotsCacheBytes bounds the memory the kept rules take.
	DefaultRobotsCacheBytes = 16 << 20
	// maxRobotsBytes is the most of a robots.txt that is read; RFC 9309
	// asks crawlers to read at least 500 KiB.
	maxRobotsBytes = 500 << 10
)

// Robots decides whether newsdesk may fetch a page, by the rules of its
// host's robots.txt (RFC 9309). It fetches each host's robots.txt once,
// with the Fetcher's limits and per-host turns, and keeps it for TTL in a
// cache bounded by MaxBytes. A robots.txt that answers 4xx (there is none)
// allows everything; one that answers 5xx or cannot be fetched disallows
// everything until ErrorTTL has passed. Set the fields before first use;
// one Robots serves any number of concurrent checks.
type Robots struct {
	Fetcher  *Fetcher
	Agent    string        // the product token matched against User-agent lines
	TTL      time.Duration // how long rules are kept
	ErrorTTL time.Duration // how long a failure to read them is kept
	MaxBytes int           // the most memory the kept rules may take, roughly
	Now      func() time.Time

	mu    sync.Mutex
	hosts map[string]*robotsEntry // by scheme://host:port
	size  int
}

// robotsEntry is one host's robots.txt, or the failure to read it. ready
// is closed once it is known; until then other checks of the host wait,
// so that the host is asked once.
type robotsEntry struct {
	ready   chan struct{}
	rules   *robotsRules
	err     error
	expires time.Time
	size    int
}

// NewRobots returns a Robots with the defaults, fetching with f.
func NewRobots(f *Fetcher) *Robots {
	return &Robots{Fetcher: f, Agent: RobotsAgent, TTL: DefaultRobotsTTL,
		ErrorTTL: DefaultRobotsErrorTTL, MaxBytes: DefaultRobotsCacheBytes, Now: time.Now}
}

// Allowed reports whether the rules of u's host let newsdesk fetch u. It
// returns an error, coded as the fetch of robots.txt failed, when those
// rules could not be read: the page must not be fetched for now. It
// returns ctx's error if ctx ends while waiting.
func (r *Robots) Allowed(ctx context.Context, u *url.URL) (bool, error) {
	if path := u.EscapedPath(); path == "/robots.txt" {
		return true, nil
	}
	e, err := r.entry(ctx, u)
	if err != nil {
		return false, err
	}
	if e.err != nil {
		return false, e.err
	}
	return e.rules.allowed(requestPath(u)), nil
}

// entry returns the host's known robots.txt, fetching it if it is not
// known or has expired.
func (r *Robots) entry(ctx context.Context, u *url.URL) (*robotsEntry, error) {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	now := r.Now()
	r.mu.Lock()
	if r.hosts == nil {
		r.hosts = map[string]*robotsEntry{}
	}
	e := r.hosts[key]
	if e != nil {
		select {
		case <-e.ready:
			if now.After(e.expires) {
				r.remove(key, e)
				e = nil
			}
		default: // being fetched: wait for it below
		}
	}
	fetch := e == nil
	if fetch {
		e = &robotsEntry{ready: make(chan struct{})}
		r.hosts[key] = e
	}
	r.mu.Unlock()

	if fetch {
		// The fetch is the host's, not this caller's: a caller that gives
		// up must not leave the others with a cancelled answer.
		e.rules, e.err = r.fetch(context.WithoutCancel(ctx), u)
		ttl := r.TTL
		if e.err != nil {
			ttl = r.ErrorTTL
		}
		e.expires = r.Now().Add(ttl)
		e.size = len(key) + 64
		if e.rules != nil {
			e.size += e.rules.size()
		}
		r.mu.Lock()
		if r.hosts[key] == e {
			r.size += e.size
			r.evict(key)
		}
		r.mu.Unlock()
		close(e.ready)
		return e, nil
	}
	select {
	case <-e.ready:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// remove forgets a known entry. The caller holds r.mu.
func (r *Robots) remove(key string, e *robotsEntry) {
	delete(r.hosts, key)
	r.size -= e.size
}

// evict forgets hosts, expired ones first and then those that expire
// soonest, until the kept rules fit in MaxBytes. It keeps the host just
// fetched (keep). The caller holds r.mu.
func (r *Robots) evict(keep string) {
	limit := r.MaxBytes
	if limit <= 0 {
		limit = DefaultRobotsCacheBytes
	}
	if r.size <= limit {
		return
	}
	now := r.Now()
	for key, e := range r.hosts {
		if key != keep && isReady(e) && now.After(e.expires) {
			r.remove(key, e)
		}
	}
	for r.size > limit {
		var oldest string
		var oldestEntry *robotsEntry
		for key, e := range r.hosts {
			if key != keep && isReady(e) && (oldestEntry == nil || e.expires.Before(oldestEntry.expires)) {
				oldest, oldestEntry = key, e
			}
		}
		if oldestEntry == nil {
			return
		}
		r.remove(oldest, oldestEntry)
	}
}

func isReady(e *robotsEntry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// fetch GETs the host's robots.txt and parses it. It answers with its own
// request rather than Fetcher.Fetch because the status matters here: a
// 4xx means there are no rules, a 5xx that the rules cannot be known.
func (r *Robots) fetch(ctx context.Context, page *url.URL) (*robotsRules, error) {
	f := r.Fetcher
	u := &url.URL{Scheme: page.Scheme, Host: page.Host, Path: "/robots.txt"}
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return nil, robotsUnreadable(u, unreachable(u, err))
		}
		defer release()
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, robotsUnreadable(u, err)
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "text/plain, */*;q=0.5")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, robotsUnreadable(u, f.failure(ctx, u, err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		// RFC 9309 2.3.1.4: the rules cannot be known, so assume the
		// whole site is off limits. A 429 says the same.
		return nil, robotsUnreadable(u, newsdesk.Errorf(newsdesk.EUNAVAILABLE, "%s answered %s.", u.Host, resp.Status))
	case resp.StatusCode >= 400:
		return &robotsRules{}, nil // no robots.txt: everything is allowed
	case resp.StatusCode >= 300:
		// A redirect the client did not follow (no Location, say): as
		// good as no file.
		return &robotsRules{}, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if err != nil {
		return nil, robotsUnreadable(u, f.failure(ctx, u, err))
	}
	return parseRobots(body, r.Agent), nil
}

// robotsUnreadable says that a host's robots.txt could not be read, and
// so its pages are not fetched for now.
func robotsUnreadable(u *url.URL, err error) error {
	return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err,
		"newsdesk could not read %s (%s), so it does not fetch pages from %s for now.",
		u.String(), strings.TrimSuffix(newsdesk.ErrorMessage(err), "."), u.Host)
}

// requestPath is what robots.txt rules are matched against: the URL's
// path and query, escaped as sent.
func requestPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return normalizeEscapes(p)
}

// robotsRules are the Allow and Disallow rules of the group that applies
// to newsdesk.
type robotsRules struct {
	rules []robotsRule
}

type robotsRule struct {
	allow   bool
	pattern string // normalised; '*' matches any run, a final '$' the end
}

func (rs *robotsRules) size() int {
	n := 24 * len(rs.rules)
	for _, r := range rs.rules {
		n += len(r.pattern)
	}
	return n
}

// allowed applies the rule with the longest matching pattern; Allow wins
// a tie, and a path that no rule matches is allowed (RFC 9309 2.2.2).
func (rs *robotsRules) allowed(path string) bool {
	best, allow := -1, true
	for _, r := range rs.rules {
		if len(r.pattern) < best || (len(r.pattern) == best && !r.allow) {
			continue
		}
		if matchRobots(r.pattern, path) {
			best, allow = len(r.pattern), r.allow
		}
	}
	return allow
}

// matchRobots reports whether pattern matches the start of path (the
// whole of it when pattern ends in '$'). A '*' matches any run of
// characters. Matching each literal piece at its leftmost place is enough
// for patterns with no other wildcard, and keeps the work linear.
func matchRobots(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	pieces := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, pieces[0]) {
		return false
	}
	rest := path[len(pieces[0]):]
	if len(pieces) == 1 {
		return !anchored || rest == ""
	}
	last := len(pieces) - 1
	for _, p := range pieces[1:last] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	if anchored {
		return strings.HasSuffix(rest, pieces[last])
	}
	return strings.Contains(rest, pieces[last])
}

// parseRobots reads a robots.txt and keeps the rules that apply to agent:
// those of every group naming agent, or, if none does, of every group
// naming "*" (RFC 9309 2.2.1). Lines it does not understand are skipped,
// as the RFC asks.
func parseRobots(body []byte, agent string) *robotsRules {
	agent = strings.ToLower(agent)
	var mine, star []robotsRule
	var sawMine bool
	// The group being read: which agents it names, and whether its rules
	// have begun (a User-agent line after a rule starts a new group).
	var forMine, forStar, inRules bool
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), maxRobotsBytes+1)
	sc.Split(scanRobotsLines)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if inRules {
				forMine, forStar, inRules = false, false, false
			}
			switch token := strings.ToLower(productToken(value)); {
			case token == agent && token != "":
				forMine, sawMine = true, true
			case strings.HasPrefix(value, "*"):
				forStar = true
			}
		case "allow", "disallow":
			inRules = true
			if value == "" { // "Disallow:" with no path allows everything: no rule
				continue
			}
			r := robotsRule{allow: key == "allow", pattern: normalizePattern(value)}
			if forMine {
				mine = append(mine, r)
			}
			if forStar {
				star = append(star, r)
			}
		default:
			// Sitemap, Crawl-delay and others: not rules, and they do not
			// end a group.
		}
	}
	if sawMine {
		return &robotsRules{rules: mine}
	}
	return &robotsRules{rules: star}
}

// scanRobotsLines splits at LF, CR LF or a lone CR.
func scanRobotsLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		if data[i] == '\r' && i+1 == len(data) && !atEOF {
			return 0, nil, nil // the LF may follow
		}
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// productToken is the leading run of letters, '_' and '-' of a
// User-agent value: "newsdesk/1.0" names newsdesk.
func productToken(v string) string {
	for i, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return v[:i]
		}
	}
	return v
}

// normalizePattern escapes a rule's path as a URL path would be sent
// (characters outside ASCII and spaces percent-encoded, escapes in upper
// case), collapses runs of '*', and drops anything after a '$' that is
// not the last character, which can then never match.
func normalizePattern(p string) string {
	if i := strings.IndexByte(p, '$'); i >= 0 && i < len(p)-1 {
		p = p[:i+1]
	}
	for strings.Contains(p, "**") {
		p = strings.ReplaceAll(p, "**", "*")
	}
	if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*") {
		p = "/" + p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 0x80 || c <= ' ' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return normalizeEscapes(b.String())
}

// normalizeEscapes writes percent-escapes in upper case, so that %2f and
// %2F compare equal.
func normalizeEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHex(b[i+1]) && isHex(b[i+2]) {
			b[i+1], b[i+2] = upperHex(b[i+1]), upperHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}
