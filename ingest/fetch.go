// Package ingest reads outlets' feeds: it fetches a feed over HTTP within
// limits, parses RSS, Atom and JSON Feed, and stores new items, turning
// every way a remote party can fail into a coded error a user can act on.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Default limits for one fetch.
const (
	DefaultMaxBodyBytes = 10 << 20 // 10 MiB, after decompression: far above any real feed
	DefaultTimeout      = 30 * time.Second
	DefaultIdleTimeout  = 10 * time.Second
	DefaultMaxRedirects = 5
)

// UserAgent names newsdesk to the outlets it reads.
const UserAgent = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; feed reader)"

// ParseFeedURL checks that raw is an absolute http or https URL with a
// host, and returns it normalised. A bare host name gets https://.
func ParseFeedURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Enter the address of a feed, such as https://example.com/feed.xml.")
	}
	if !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "/") && !strings.ContainsAny(raw, " :") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "%q is not a valid web address.", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a web address: it must start with http:// or https://.", raw)
	}
	if u.Hostname() == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "%q has no host name.", raw)
	}
	if strings.ContainsAny(u.Hostname(), " _") && net.ParseIP(u.Hostname()) == nil {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "%q has an invalid host name.", raw)
	}
	u.Fragment = ""
	return u, nil
}

// Fetcher fetches documents over HTTP within limits, refusing addresses
// that are not on the public internet unless Allow names them. Set its
// fields before the first Fetch; one Fetcher serves any number of
// concurrent fetches, and should be shared by all of a process's polls so
// that its per-host limits hold.
type Fetcher struct {
	// Client does the requests; NewFetcher builds one whose connections
	// are checked against Allow and whose requests take turns per host.
	Client *http.Client
	// MaxBodyBytes bounds a body after decompression, so a gzip bomb stops
	// there.
	MaxBodyBytes int64
	// Timeout bounds a whole fetch, redirects and body included, so a
	// server trickling a byte a second fails in bounded time.
	Timeout time.Duration
	// IdleTimeout bounds the wait for the response headers and for each
	// piece of the body.
	IdleTimeout  time.Duration
	MaxRedirects int
	UserAgent    string
	// Allow lists the private addresses and host names that may be
	// fetched; newsdesk fetches from no others but public ones.
	Allow AllowList
	// Hosts limits fetches per host (of the URL asked for, not of its
	// redirects); nil for no limit.
	Hosts *HostLimiter
}

// NewFetcher returns a Fetcher with newsdesk's default limits and its own
// per-host limiter.
func NewFetcher() *Fetcher {
	f := &Fetcher{
		MaxBodyBytes: DefaultMaxBodyBytes,
		Timeout:      DefaultTimeout,
		IdleTimeout:  DefaultIdleTimeout,
		MaxRedirects: DefaultMaxRedirects,
		UserAgent:    UserAgent,
		Hosts:        NewHostLimiter(DefaultPerHost, DefaultHostDelay),
	}
	transport := &http.Transport{
		// No proxy: the address check must see the address fetched.
		Proxy:                 nil,
		DialContext:           dialContext(func() AllowList { return f.Allow }),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   DefaultPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	f.Client = &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			for _, prev := range via {
				if prev.URL.String() == req.URL.String() {
					return &redirectError{loop: true, max: f.MaxRedirects}
				}
			}
			if len(via) > f.MaxRedirects {
				return &redirectError{max: f.MaxRedirects}
			}
			return nil
		},
	}
	return f
}

// redirectError says why a chain of redirects was not followed.
type redirectError struct {
	loop bool
	max  int
}

func (e *redirectError) Error() string {
	if e.loop {
		return "redirect loop"
	}
	return fmt.Sprintf("more than %d redirects", e.max)
}

// Validators are what a conditional GET sends back: the ETag and
// Last-Modified of the copy newsdesk has.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a fetched document.
type Response struct {
	URL         *url.URL // after redirects
	ContentType string
	Body        []byte
	// NotModified is true when the server answered 304 to a conditional
	// request: the copy newsdesk has is current, and Body is empty.
	NotModified bool
	// Validators to send on the next fetch.
	ETag         string
	LastModified string
	// MaxAge is Cache-Control's max-age, zero if none.
	MaxAge time.Duration
}

// Fetch GETs u and returns its body. Failures are coded: EUNAVAILABLE when
// the host cannot be reached, answers with an error status, or is too
// slow; ETOOLARGE when the body is larger than MaxBodyBytes; EINVALID when
// u (or a redirect) leads to an address newsdesk does not fetch from.
func (f *Fetcher) Fetch(ctx context.Context, u *url.URL) (*Response, error) {
	return f.FetchIf(ctx, u, Validators{})
}

// idleError is the cause of a fetch cancelled for want of progress.
var errIdle = errors.New("no data for too long")

// FetchIf is Fetch as a conditional GET: if the server says the copy that
// v describes is current, the Response has NotModified set. A 429 or 503
// carrying Retry-After yields an error from which RetryAfter recovers it.
func (f *Fetcher) FetchIf(ctx context.Context, u *url.URL, v Validators) (*Response, error) {
	// Wait for a turn at the host before the clock starts: waiting behind
	// other feeds of the same outlet is not the outlet being slow.
	// Redirects, rare for feeds, do not take turns of their own.
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return nil, unreachable(u, err)
		}
		defer release()
	}
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := f.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	timer := time.AfterFunc(idle, func() { cancel(errIdle) })
	defer timer.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "%q is not a valid web address.", u)
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, f.failure(ctx, u, err)
	}
	defer resp.Body.Close()
	out := &Response{
		URL:          resp.Request.URL,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}
	out.MaxAge, _ = parseMaxAge(resp.Header.Get("Cache-Control"))
	if resp.StatusCode == http.StatusNotModified && (v.ETag != "" || v.LastModified != "") {
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = v.ETag
		}
		if out.LastModified == "" {
			out.LastModified = v.LastModified
		}
		return out, nil
	}
	if resp.StatusCode >= 300 {
		err := newsdesk.Errorf(newsdesk.EUNAVAILABLE, "%s answered %s.", u.Host, resp.Status)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			// A date is read against the server's own clock (its Date
			// header), so that clock skew does not shorten the wait.
			now, derr := http.ParseTime(resp.Header.Get("Date"))
			if derr != nil {
				now = time.Now()
			}
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
				err.Err = &retryAfterError{after: d}
			}
		}
		return nil, err
	}
	if resp.ContentLength > f.MaxBodyBytes {
		return nil, tooLarge(f.MaxBodyBytes, false)
	}
	first := 32 << 10
	if resp.ContentLength > 0 {
		first = int(resp.ContentLength) + 1 // +1 for the EOF read
	}
	body, err := readBody(resp.Body, first, f.MaxBodyBytes, func() { timer.Reset(idle) })
	switch {
	case errors.Is(err, errBodyTooLarge):
		return nil, tooLarge(f.MaxBodyBytes, resp.Uncompressed)
	case err != nil:
		return nil, f.failure(ctx, u, err)
	}
	out.Body = body
	return out, nil
}

var errBodyTooLarge = errors.New("body too large")

// readBody reads r to its end, at most limit bytes of it, into blocks of
// first bytes and then more, doubling up to 1 MB, and joins them once at
// the end. A body of n bytes then costs n, and n more while the blocks
// are joined; a bytes.Buffer doubling its way to 10 MB would hold 16 MB
// and have dropped 16 more on the way, with several feeds read at once.
// progress is called on every read that brings bytes.
func readBody(r io.Reader, first int, limit int64, progress func()) ([]byte, error) {
	var blocks [][]byte
	total := 0
	for size := first; ; size = min(size*2, max(first, 1<<20)) {
		block := make([]byte, size)
		n := 0
		var err error
		for n < len(block) && err == nil {
			var m int
			m, err = r.Read(block[n:])
			if m > 0 {
				n += m
				progress()
			}
		}
		total += n
		if int64(total) > limit {
			return nil, errBodyTooLarge
		}
		blocks = append(blocks, block[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(blocks) == 1 {
		return blocks[0], nil
	}
	body := make([]byte, 0, total)
	for _, b := range blocks {
		body = append(body, b...)
	}
	return body, nil
}

// retryAfterError carries a server's Retry-After inside a coded error.
type retryAfterError struct{ after time.Duration }

func (e *retryAfterError) Error() string { return fmt.Sprintf("retry after %s", e.after) }

// RetryAfter returns how long the server that caused err asked newsdesk
// to wait, if it did.
func RetryAfter(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}

func tooLarge(limit int64, decompressed bool) error {
	if decompressed {
		return newsdesk.Errorf(newsdesk.ETOOLARGE, "The feed is larger than newsdesk accepts (%d MB once decompressed).", limit>>20)
	}
	return newsdesk.Errorf(newsdesk.ETOOLARGE, "The feed is larger than newsdesk accepts (%d MB).", limit>>20)
}

// failure explains a transport failure in words a user understands.
func (f *Fetcher) failure(ctx context.Context, u *url.URL, err error) error {
	host := u.Hostname()
	var redirect *redirectError
	switch {
	case errors.Is(context.Cause(ctx), errIdle):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s stopped sending data (nothing for %s).", host, f.IdleTimeout)
	case errors.As(err, &redirect) && redirect.loop:
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s redirects in a loop.", host)
	case errors.As(err, &redirect):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s redirects too many times (more than %d).", host, redirect.max)
	}
	if p, ok := privateAddress(err); ok {
		return newsdesk.WrapError(newsdesk.EINVALID, err,
			"newsdesk does not fetch from private addresses (%s); allow it with --allow-private.", p.Addr)
	}
	return unreachable(u, err)
}

// unreachable explains a transport failure in words a user understands.
func unreachable(u *url.URL, err error) error {
	host := u.Hostname()
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s did not answer in time.", host)
	case errors.As(err, &dnsErr):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not find the host %s.", host)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not connect to %s.", u.Host)
	default:
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not fetch the feed from %s.", host)
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
