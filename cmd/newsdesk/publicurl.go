package main

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// parsePublicURL checks --public-url: the one address every absolute
// link newsdesk writes starts with (feeds, the sitemap, WebSub
// callbacks), so that no link is ever taken from a request's Host or
// X-Forwarded-* headers, which any client can set. It returns nil for "".
//
// A path is refused rather than supported: every page links to the site
// at the root ("/posts/...", "/desk/..."), so a site served under
// https://example.org/news/ would link out of itself.
func parsePublicURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	bad := func(why string) error {
		return newsdesk.Errorf(newsdesk.EINVALID,
			"--public-url %q %s: give the scheme and host readers use, such as https://news.example.org.", raw, why)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Opaque != "":
		return nil, bad("is not a web address")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("does not start with http:// or https://")
	case u.Hostname() == "":
		return nil, bad("names no host")
	case u.User != nil:
		return nil, bad("has a user name or password in it")
	case u.Path != "" && u.Path != "/":
		return nil, bad("has a path; newsdesk is served at the root of its host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, bad("has a query or a fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad("has a port that is not a number from 1 to 65535")
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// defaultPublicURL is the address links say when --public-url is not
// set: localhost on the port serve listens on, which is right for one
// person trying newsdesk on their own machine and plainly wrong, rather
// than silently attacker-chosen, anywhere else.
func defaultPublicURL(listening net.Addr) *url.URL {
	port := 80
	if a, ok := listening.(*net.TCPAddr); ok {
		port = a.Port
	}
	return &url.URL{Scheme: "http", Host: "localhost:" + strconv.Itoa(port)}
}
