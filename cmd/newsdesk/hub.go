package main

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hub"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/store"
)

// newFeedHub returns newsdesk's WebSub hub for its own feeds, or nil when
// --public-url is not set: followers on the internet could not reach the
// localhost default, nor could other hubs fetch the feeds from it. others
// is --websub-hub, the other hubs to tell of every change.
//
// The hub gets the feeds it delivers from a site of its own, since a
// worker process serves none: it is given what the feeds show (title,
// address, hubs) exactly as routes gives the site it serves.
func newFeedHub(db *store.DB, fetcher *ingest.Fetcher, title string, public *url.URL, others string, logger *slog.Logger) (*hub.Hub, error) {
	list, err := parseHubList(others)
	if err != nil {
		return nil, err
	}
	if public == nil {
		if len(list) > 0 {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "--websub-hub needs --public-url: the other hub fetches the feeds from the address readers use.")
		}
		return nil, nil
	}
	base := public.String()
	feeds := site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: title, BaseURL: base, Hubs: append([]string{base + hub.Path}, list...), Logger: logger})
	return hub.New(hub.Config{Followers: db, Fetcher: fetcher, Feeds: feeds, FeedPaths: site.FeedPaths,
		PublicURL: base, Others: list, Logger: logger.With("part", "hub")}), nil
}

// parseHubList reads --websub-hub: comma-separated http or https URLs.
func parseHubList(raw string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
			return nil, newsdesk.Errorf(newsdesk.EINVALID, "--websub-hub %q is not an http or https address, such as https://pubsubhubbub.appspot.com/.", s)
		}
		out = append(out, s)
	}
	return out, nil
}
