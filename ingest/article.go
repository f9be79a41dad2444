package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
)

// DefaultMaxPageBytes bounds an article page: the extractor reads no more
// than extract.MaxBytes of it anyway.
const DefaultMaxPageBytes = extract.MaxBytes

// ArticlesConfig is what an Articles uses.
type ArticlesConfig struct {
	Items    newsdesk.ItemService
	Articles newsdesk.ArticleService
	// Fetcher is the process's one Fetcher, so that page fetches take
	// their turns at each host with the feed fetches; nil for
	// NewFetcher().
	Fetcher *Fetcher
	// Robots decides which pages may be fetched; nil for NewRobots on
	// Fetcher.
	Robots       *Robots
	MaxPageBytes int64 // zero for DefaultMaxPageBytes
	Now          func() time.Time
	Logger       *slog.Logger
}

// Articles fetches the page each item links to, finds the article in it
// and stores what it found (or why it found nothing) as the item's
// newsdesk.Article.
type Articles struct {
	cfg   ArticlesConfig
	pages *Fetcher
}

// NewArticles returns an Articles, filling in defaults for what cfg
// leaves out.
func NewArticles(cfg ArticlesConfig) *Articles {
	if cfg.Fetcher == nil {
		cfg.Fetcher = NewFetcher()
	}
	if cfg.Robots == nil {
		cfg.Robots = NewRobots(cfg.Fetcher)
	}
	if cfg.MaxPageBytes <= 0 {
		cfg.MaxPageBytes = DefaultMaxPageBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Pages are fetched by the same Fetcher (its address checks,
	// redirect rules and per-host turns), through a transport that asks
	// for HTML and stops at the headers when the answer is an error
	// status or not a page, so a PDF is not downloaded only to be
	// refused, and the status survives for the message.
	pages := *cfg.Fetcher
	base := cfg.Fetcher.Client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	pages.Client = &http.Client{
		Transport:     pageTransport{base: base},
		CheckRedirect: cfg.Fetcher.Client.CheckRedirect,
		Jar:           cfg.Fetcher.Client.Jar,
	}
	pages.MaxBodyBytes = cfg.MaxPageBytes
	return &Articles{cfg: cfg, pages: &pages}
}

// ExtractItem fetches the page of an item, extracts its article and
// stores it, and returns what was stored. An item that already has an
// article is left as it is, and that article returned.
//
// A failure of the outlet's is stored as the article's Error and is not
// an error of ExtractItem's, with one exception: a failure that may pass
// (the host is unreachable or answers 5xx, its robots.txt cannot be read)
// is returned, coded EUNAVAILABLE, and nothing is stored, so that the
// caller can try again later; on its last try (lastTry) it is stored like
// the others. ExtractItem returns ENOTFOUND if the item does not exist,
// and EINVALID if it has no URL.
func (a *Articles) ExtractItem(ctx context.Context, itemID int64, lastTry bool) (*newsdesk.Article, error) {
	if got, err := a.cfg.Articles.FindArticle(ctx, itemID); err == nil {
		return got, nil
	} else if newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		return nil, err
	}
	item, err := a.cfg.Items.FindItemByID(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if item.URL == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "Item %d links to no page.", itemID)
	}
	art, err := a.extract(ctx, item)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err // cut short: says nothing about the page
		}
		if mayPass(err) && !lastTry {
			return nil, err
		}
		a.cfg.Logger.Info("no article", "item", itemID, "url", item.URL, "err", err)
		art = &newsdesk.Article{ItemID: itemID, Error: newsdesk.ErrorMessage(err)}
	}
	art.ExtractedAt = a.cfg.Now()
	if err := a.cfg.Articles.SaveArticle(ctx, art); err != nil {
		return nil, err
	}
	return art, nil
}

// extract fetches the item's page, if robots.txt allows, and finds the
// article in it.
func (a *Articles) extract(ctx context.Context, item *newsdesk.Item) (*newsdesk.Article, error) {
	u, err := url.Parse(item.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "The item's link %q is not a web address newsdesk can fetch.", item.URL)
	}
	u.Fragment = ""
	allowed, err := a.cfg.Robots.Allowed(ctx, u)
	if err != nil {
		return nil, err
	}
	if !allowed {
		return nil, newsdesk.Errorf(newsdesk.EINVALID, "robots.txt disallows newsdesk from fetching this page (%s://%s/robots.txt).", u.Scheme, u.Host)
	}
	resp, err := a.pages.Fetch(ctx, u)
	if err != nil {
		return nil, pageFailure(u, err, a.pages.MaxBodyBytes)
	}
	contentType := resp.ContentType
	if contentType == "" {
		contentType = http.DetectContentType(resp.Body)
		if !isHTML(contentType) {
			return nil, notAPage(contentType)
		}
	}
	found, err := extract.Extract(resp.Body, contentType, resp.URL)
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "The page could not be read as HTML.")
	}
	art := &newsdesk.Article{
		ItemID:   item.ID,
		Title:    found.Title,
		Byline:   found.Byline,
		SiteName: found.SiteName,
		Language: found.Language,
		Image:    found.Image,
		Text:     found.Text,
		HTML:     found.HTML,
	}
	if !found.Published.IsZero() {
		p := found.Published.UTC()
		art.PublishedAt = &p
	}
	if newsdesk.IsBlank(art.Text) {
		art.Error = "newsdesk found no article text on the page."
	}
	return art, nil
}

// mayPass reports whether a failure to fetch a page may pass by itself:
// the host is down, overloaded or slow, rather than refusing for good.
func mayPass(err error) bool {
	var status *pageStatusError
	if errors.As(err, &status) {
		return status.code >= 500 || status.code == http.StatusTooManyRequests || status.code == http.StatusRequestTimeout
	}
	return newsdesk.ErrorCode(err) == newsdesk.EUNAVAILABLE
}

// pageFailure explains a failed page fetch in words about a page: the
// Fetcher's own messages speak of feeds.
func pageFailure(u *url.URL, err error, limit int64) error {
	var status *pageStatusError
	var notHTML *notHTMLError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var redirect *redirectError
	switch {
	case errors.As(err, &status):
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, status, "The page answered %s.", status.status)
	case errors.As(err, &notHTML):
		return notAPage(notHTML.contentType)
	case newsdesk.ErrorCode(err) == newsdesk.ETOOLARGE:
		return newsdesk.WrapError(newsdesk.ETOOLARGE, err, "The page is larger than newsdesk reads (%d MB).", limit>>20)
	case newsdesk.ErrorCode(err) == newsdesk.EINVALID,
		errors.As(err, &redirect),
		isTimeout(err), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &dnsErr),
		errors.As(err, &opErr) && opErr.Op == "dial":
		return err // the Fetcher's words fit a page as well as a feed
	default:
		return newsdesk.WrapError(newsdesk.EUNAVAILABLE, err, "Could not fetch the page from %s.", u.Hostname())
	}
}

func notAPage(contentType string) error {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" {
		mt = "of no stated type"
	}
	return newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The link leads to a file that is not an HTML page (%s).", mt)
}

// isHTML reports whether a Content-Type names an HTML page.
func isHTML(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A malformed type: let the extractor try, as browsers would.
		return true
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// pageTransport asks for HTML, and ends an exchange at the response's
// headers when its status is an error or its body not a page.
type pageTransport struct {
	base http.RoundTripper
}

func (t pageTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch ct := resp.Header.Get("Content-Type"); {
	case resp.StatusCode >= 400:
		discard(resp.Body)
		return nil, &pageStatusError{code: resp.StatusCode, status: resp.Status}
	case resp.StatusCode < 300 && ct != "" && !isHTML(ct):
		discard(resp.Body)
		return nil, &notHTMLError{contentType: ct}
	}
	return resp, nil
}

// discard closes a body not wanted, reading a little of it first so
// that a small one leaves its connection fit for reuse.
func discard(body io.ReadCloser) {
	io.CopyN(io.Discard, body, 4<<10)
	body.Close()
}

// pageStatusError is a page's error status.
type pageStatusError struct {
	code   int
	status string
}

func (e *pageStatusError) Error() string { return fmt.Sprintf("status %s", e.status) }

// notHTMLError is a page that is not HTML.
type notHTMLError struct{ contentType string }

func (e *notHTMLError) Error() string { return "not an HTML page: " + e.contentType }
