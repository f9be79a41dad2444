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
	DefaultMaxBodyBytes = 10 << 20 // 10 MiB: far above any real feed
	DefaultTimeout      = 30 * time.Second
	maxRedirects        = 5
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

// Fetcher fetches documents over HTTP within limits.
type Fetcher struct {
	Client       *http.Client
	MaxBodyBytes int64
	UserAgent    string
}

// NewFetcher returns a Fetcher with newsdesk's default limits.
func NewFetcher() *Fetcher {
	return &Fetcher{
		Client: &http.Client{
			Timeout: DefaultTimeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= maxRedirects {
					return fmt.Errorf("more than %d redirects", maxRedirects)
				}
				return nil
			},
		},
		MaxBodyBytes: DefaultMaxBodyBytes,
		UserAgent:    UserAgent,
	}
}

// Response is a fetched document.
type Response struct {
	URL         *url.URL // after redirects
	ContentType string
	Body        []byte
}

// Fetch GETs u and returns its body. Failures are coded: EUNAVAILABLE when
// the host cannot be reached or answers with an error status, ETOOLARGE
// when the body is larger than MaxBodyBytes.
func (f *Fetcher) Fetch(ctx context.Context, u *url.URL) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "%q is not a valid web address.", u)
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, unreachable(u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return nil, newsdesk.Errorf(newsdesk.EUNAVAILABLE, "%s answered %s.", u.Host, resp.Status)
	}
	if resp.ContentLength > f.MaxBodyBytes {
		return nil, tooLarge(f.MaxBodyBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBodyBytes+1))
	if err != nil {
		return nil, unreachable(u, err)
	}
	if int64(len(body)) > f.MaxBodyBytes {
		return nil, tooLarge(f.MaxBodyBytes)
	}
	return &Response{URL: resp.Request.URL, ContentType: resp.Header.Get("Content-Type"), Body: body}, nil
}

func tooLarge(limit int64) error {
	return newsdesk.Errorf(newsdesk.ETOOLARGE, "The feed is larger than newsdesk accepts (%d MB).", limit>>20)
}

// unreachable explains a transport failure in words a user understands.
func unreachable(u *url.URL, err error) error {
	host := u.Hostname()
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var urlErr *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s did not answer in time.", host)
	case errors.As(err, &dnsErr):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not find the host %s.", host)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not connect to %s.", u.Host)
	case errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "redirects"):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "%s redirects too many times.", host)
	default:
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not fetch the feed from %s.", host)
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
