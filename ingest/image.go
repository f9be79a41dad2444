package ingest

import (
	"context"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// DefaultMaxImageBytes bounds an image fetched for a post: what
// images.Process accepts (images.DefaultMaxBytes), so that a file it
// would refuse is not downloaded first.
const DefaultMaxImageBytes = 15 << 20

// imageAccept asks for the formats newsdesk reads, in the order it
// prefers them; a server that negotiates sends one of them rather than
// AVIF or SVG.
const imageAccept = "image/webp, image/jpeg, image/png, image/gif;q=0.9, image/*;q=0.5"

// FetchImage GETs the image at u (an article's lead image) and returns
// its bytes, for images.Process to check and re-encode. It goes through
// the Fetcher's address checks, redirect rules, timeouts and per-host
// turns like every other fetch, asks for an image, and refuses before
// reading the body a response whose Content-Type says it is something
// else (a page, a script, an SVG) or whose length is over limit (zero
// for DefaultMaxImageBytes). A response with no Content-Type, or
// application/octet-stream, as some storage services send, is read:
// images.Process finds the format from the bytes in any case.
//
// Errors are coded: EINVALID for an address newsdesk does not fetch
// from (a private one, or a redirect to one) and for a response that is
// not an image; ETOOLARGE for one over limit; EUNAVAILABLE when the
// host cannot be reached, answers with an error status, or is too slow.
func (f *Fetcher) FetchImage(ctx context.Context, u *url.URL, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxImageBytes
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The image's address %q is not a web address newsdesk can fetch.", u.String())
	}
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return nil, unreachable(u, err) // the wait was cut short: a timeout
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
		return nil, newsdesk.WrapError(newsdesk.EINVALID, err, "The image's address %q is not valid.", u.String())
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", imageAccept)
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, f.imageFailure(ctx, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return nil, newsdesk.Errorf(newsdesk.EUNAVAILABLE, "The image's address answered %s.", resp.Status)
	}
	if err := imageType(resp.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	if resp.ContentLength > limit {
		return nil, imageTooLarge(limit)
	}
	first := 32 << 10
	if resp.ContentLength > 0 {
		first = int(resp.ContentLength) + 1 // +1 for the EOF read
	}
	body, err := readBody(resp.Body, first, limit, func() { timer.Reset(idle) })
	switch {
	case errors.Is(err, errBodyTooLarge):
		return nil, imageTooLarge(limit)
	case err != nil:
		return nil, f.imageFailure(ctx, u, err)
	}
	return body, nil
}

// imageType refuses a Content-Type that says the body is not an image
// newsdesk could read. SVG is an image to a browser, but one that can
// run scripts, and newsdesk serves none.
func imageType(contentType string) error {
	if contentType == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	}
	switch {
	case mt == "image/svg+xml":
		return newsdesk.Errorf(newsdesk.EINVALID, "The link leads to an SVG image, which can carry scripts: newsdesk accepts JPEG, PNG, GIF and WebP.")
	case strings.HasPrefix(mt, "image/"), mt == "application/octet-stream":
		return nil
	}
	return newsdesk.Errorf(newsdesk.EINVALID, "The link leads to a file that is not an image (%s).", mt)
}

func imageTooLarge(limit int64) error {
	return newsdesk.Errorf(newsdesk.ETOOLARGE, "The image is larger than newsdesk accepts (%d MB).", limit>>20)
}

// imageFailure explains a failed fetch: in the Fetcher's words where
// they fit an image as well as a feed (a private address, a redirect
// loop, a timeout, a host not found or refusing), and as a failure to
// fetch the image otherwise, where the Fetcher's words say "feed".
func (f *Fetcher) imageFailure(ctx context.Context, u *url.URL, err error) error {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var redirect *redirectError
	_, private := privateAddress(err)
	switch {
	case private, errors.Is(context.Cause(ctx), errIdle), errors.As(err, &redirect),
		isTimeout(err), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		return f.failure(ctx, u, err)
	}
	return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not fetch the image from %s.", u.Hostname())
}
