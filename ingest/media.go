package ingest

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"

	"github.com/newsdesk/newsdesk"
)

// Bounds on what one item keeps, so a hostile feed cannot make one item
// large in the database.
const (
	maxEnclosures    = 20
	maxCategories    = 30
	maxMediaURLBytes = 2048
)

// addMedia fills in what gofeed leaves to extensions: the item's lead
// image, its enclosures (with Media RSS content), its categories (with
// Dublin Core subjects), and Dublin Core and Media RSS stand-ins for a
// missing author, date, title or summary.
func addMedia(it *newsdesk.Item, fi *gofeed.Item, feedType string, base *url.URL) {
	media := fi.Extensions["media"]
	var groups []map[string][]ext.Extension
	if media != nil {
		groups = append(groups, media)
		for _, g := range media["group"] {
			groups = append(groups, g.Children)
		}
	}

	it.ImageURL = leadImage(fi, feedType, groups, base)
	it.Enclosures = enclosures(fi, groups, base)
	it.Categories = categories(fi)

	if it.Title == "" {
		it.Title = clean(htmlToText(firstValue(groups, "title")))
	}
	if it.Summary == "" {
		it.Summary = clean(htmlToText(firstValue(groups, "description")))
	}
	dc := fi.Extensions["dc"]
	if it.Author == "" {
		it.Author = clean(extValue(dc, "creator"))
	}
	if it.PublishedAt == nil {
		if t, ok := parseW3CDate(extValue(dc, "date")); ok {
			it.PublishedAt = &t
		}
	}
}

// leadImage picks the image that best stands for the item: a Media RSS
// thumbnail, else Media RSS image content, else a thumbnail of other
// Media RSS content, else an image enclosure, else the image gofeed found
// (iTunes, JSON Feed), else the first real image in the item's HTML.
// feedType is gofeed's: rss, atom or json.
func leadImage(fi *gofeed.Item, feedType string, groups []map[string][]ext.Extension, base *url.URL) string {
	for _, g := range groups {
		for _, t := range g["thumbnail"] {
			if u := mediaURL(base, t.Attrs["url"]); u != "" {
				return u
			}
		}
	}
	for _, g := range groups {
		for _, c := range g["content"] {
			if isImage(c.Attrs["medium"], c.Attrs["type"]) {
				if u := mediaURL(base, c.Attrs["url"]); u != "" {
					return u
				}
			}
		}
	}
	for _, g := range groups {
		for _, c := range g["content"] {
			for _, t := range c.Children["thumbnail"] {
				if u := mediaURL(base, t.Attrs["url"]); u != "" {
					return u
				}
			}
		}
	}
	for _, e := range fi.Enclosures {
		if e != nil && isImage("", e.Type) {
			if u := mediaURL(base, e.URL); u != "" {
				return u
			}
		}
	}
	if fi.ITunesExt != nil {
		if u := mediaURL(base, fi.ITunesExt.Image); u != "" {
			return u
		}
	}
	// A JSON Feed's image (or banner); for RSS gofeed's choice would
	// also scan the HTML, keeping tracking pixels, so it is not taken.
	if feedType == "json" && fi.Image != nil {
		if u := mediaURL(base, fi.Image.URL); u != "" {
			return u
		}
	}
	for _, doc := range []string{fi.Content, fi.Description} {
		if u := firstImage(doc, base); u != "" {
			return u
		}
	}
	return ""
}

func isImage(medium, mediaType string) bool {
	return strings.EqualFold(medium, "image") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(mediaType)), "image/")
}

// enclosures lists the item's files: its own enclosures first, then
// Media RSS content not already listed.
func enclosures(fi *gofeed.Item, groups []map[string][]ext.Extension, base *url.URL) []newsdesk.Enclosure {
	var out []newsdesk.Enclosure
	add := func(rawURL, mediaType, length string) {
		if len(out) >= maxEnclosures {
			return
		}
		u := mediaURL(base, rawURL)
		if u == "" || slices.ContainsFunc(out, func(e newsdesk.Enclosure) bool { return e.URL == u }) {
			return
		}
		n, err := strconv.ParseInt(strings.TrimSpace(length), 10, 64)
		if err != nil || n < 0 {
			n = 0
		}
		out = append(out, newsdesk.Enclosure{URL: u, Type: strings.TrimSpace(mediaType), Length: n})
	}
	for _, e := range fi.Enclosures {
		if e != nil {
			add(e.URL, e.Type, e.Length)
		}
	}
	for _, g := range groups {
		for _, c := range g["content"] {
			add(c.Attrs["url"], c.Attrs["type"], c.Attrs["fileSize"])
		}
	}
	return out
}

// categories merges the item's categories with Dublin Core subjects that
// gofeed leaves out (it merges them for RSS, not for Atom), dropping
// repeats that differ only in case.
func categories(fi *gofeed.Item) []string {
	subjects := fi.Extensions["dc"]["subject"]
	if len(fi.Categories) == 0 && len(subjects) == 0 {
		return nil // most items: nothing to allocate
	}
	all := slices.Clone(fi.Categories)
	for _, s := range subjects {
		all = append(all, s.Value)
	}
	var out []string
	for _, c := range all {
		c = newsdesk.Truncate(strings.Join(strings.Fields(htmlToText(c)), " "), newsdesk.MaxCategoryLength)
		if newsdesk.IsBlank(c) || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, c) }) {
			continue
		}
		out = append(out, c)
		if len(out) == maxCategories {
			break
		}
	}
	return out
}

// mediaURL resolves a media address against the feed's, keeping only
// http and https addresses of sane length.
func mediaURL(base *url.URL, raw string) string {
	u := resolve(base, raw)
	if len(u) > maxMediaURLBytes {
		return ""
	}
	return u
}

// firstImage returns the first <img> of an HTML fragment that is not a
// tracking pixel.
func firstImage(doc string, base *url.URL) string {
	if !strings.Contains(doc, "<img") && !strings.Contains(doc, "<IMG") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data != "img" {
				continue
			}
			var src string
			pixel := false
			for _, a := range t.Attr {
				switch a.Key {
				case "src":
					src = a.Val
				case "width", "height":
					if v := strings.TrimSpace(a.Val); v == "0" || v == "1" || v == "1px" {
						pixel = true
					}
				}
			}
			if u := mediaURL(base, src); u != "" && !pixel {
				return u
			}
		}
	}
}

func firstValue(groups []map[string][]ext.Extension, name string) string {
	for _, g := range groups {
		if v := extValue(g, name); v != "" {
			return v
		}
	}
	return ""
}

func extValue(m map[string][]ext.Extension, name string) string {
	for _, e := range m[name] {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	return ""
}

// parseW3CDate parses the date forms Dublin Core's dc:date takes.
func parseW3CDate(s string) (time.Time, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
