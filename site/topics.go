package site

import (
	"strings"

	"github.com/newsdesk/newsdesk"
)

// FeedPaths returns the paths of the feeds a published post appears in:
// the site's, and each of its tags'. newsdesk's WebSub hub sends these
// feeds to their followers when the post is published or changes, so a
// new feed the site serves (another format, an author's) belongs here too.
func FeedPaths(p *newsdesk.Post) []string {
	paths := []string{"/feed.xml"}
	for _, t := range p.Tags {
		if t.Slug != "" {
			paths = append(paths, tagURL(t.Slug)+"/feed.xml")
		}
	}
	return paths
}

// hubLinks is a feed's Link header for WebSub discovery: its hubs, and
// itself as the topic to follow there.
func hubLinks(hubs []string, self string) string {
	var b strings.Builder
	for _, h := range hubs {
		b.WriteString("<" + h + `>; rel="hub", `)
	}
	b.WriteString("<" + self + `>; rel="self"`)
	return b.String()
}
