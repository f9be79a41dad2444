package ingest

import (
	"bytes"
	"context"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/newsdesk/newsdesk"
)

// feedTypes are the media types of <link rel="alternate"> that announce a
// feed.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
}

// commonFeedPaths are where sites that announce no feed usually keep
// one, tried in this order.
var commonFeedPaths = []string{"/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml"}

// Bounds on discovery: how many announced feeds are tried before giving
// up, and how many links a page may announce at all.
const (
	maxLinkTries = 3
	maxFeedLinks = 20
)

// FeedLinks returns the addresses of the feeds an HTML page announces with
// <link rel="alternate" type="application/rss+xml"> (or atom+xml, or
// feed+json), in the page's order and without repeats, resolved against
// the page's <base href> and its own address. Only http and https
// addresses are returned.
func FeedLinks(page []byte, pageURL *url.URL) []string {
	z := html.NewTokenizer(bytes.NewReader(page))
	base, baseSeen := pageURL, false
	var out []string
	seen := map[string]bool{}
	for len(out) < maxFeedLinks {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr || (string(name) != "link" && string(name) != "base") {
			continue
		}
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			if _, dup := attrs[string(k)]; !dup { // the first of repeated attributes counts, as in browsers
				attrs[string(k)] = string(v)
			}
			if !more {
				break
			}
		}
		if string(name) == "base" {
			// Only the first <base href> counts, as in browsers.
			if href, ok := attrs["href"]; ok && !baseSeen {
				baseSeen = true
				if b := resolve(pageURL, href); b != "" {
					base, _ = url.Parse(b)
				}
			}
			continue
		}
		if !hasToken(attrs["rel"], "alternate") || !feedTypes[mediaType(attrs["type"])] {
			continue
		}
		if u := resolve(base, attrs["href"]); u != "" && !seen[u] && len(u) <= maxMediaURLBytes {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// hasToken reports whether a space-separated list holds tok, in any case.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// mediaType returns a Content-Type's type, lowercased, without parameters.
func mediaType(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// found is a feed found at an address.
type found struct {
	url  *url.URL // as asked for, before redirects: the address to follow
	resp *Response
	feed *Feed
}

// fetchFeed fetches and parses the feed at rawURL.
func (s *Service) fetchFeed(ctx context.Context, rawURL string) (*found, error) {
	u, err := ParseFeedURL(rawURL)
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.Fetcher.Fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	feed, err := s.parse(ctx, resp.Body, resp.URL)
	if err != nil {
		return nil, err
	}
	return &found{url: u, resp: resp, feed: feed}, nil
}

// discover finds the feed of a web page: the first feed the page
// announces that can be read, or, if it announces none, the first of the
// common feed addresses on its site that serves one. Every fetch goes
// through the same Fetcher, within the same limits, as any other.
func (s *Service) discover(ctx context.Context, page *Response) (*found, error) {
	links := FeedLinks(page.Body, page.URL)
	if len(links) > 0 {
		var first error
		for _, link := range links[:min(len(links), maxLinkTries)] {
			f, err := s.fetchFeed(ctx, link)
			if err == nil {
				return f, nil
			}
			if first == nil {
				first = err
			}
			if ctx.Err() != nil {
				break
			}
		}
		return nil, newsdesk.WrapError(newsdesk.ErrorCode(first), first,
			"The address is a web page that names the feed %s, but newsdesk could not read it: %s", links[0], newsdesk.ErrorMessage(first))
	}
	for _, p := range commonFeedPaths {
		u := page.URL.ResolveReference(&url.URL{Path: p})
		f, err := s.fetchFeed(ctx, u.String())
		if err == nil {
			return f, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, newsdesk.Errorf(newsdesk.EUNPROCESSABLE,
		"The address is a web page, not a feed. The page names no feed, and there is none at %s on its site.", orList(commonFeedPaths))
}

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
