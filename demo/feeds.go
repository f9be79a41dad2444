package demo

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
)

// edition is the content as one server run shows it: absolute URLs on that
// server, and dates counted back from the moment it started.
type edition struct {
	base string    // http://127.0.0.1:PORT
	now  time.Time // when the server started
}

func (e edition) siteURL(o *outlet) string { return e.base + "/" + o.Dir + "/" }
func (e edition) feedURL(o *outlet) string { return e.base + "/" + o.Dir + "/" + o.Feed }

func (e edition) articleURL(o *outlet, a *article) string {
	return e.base + articlePath(o, a)
}

func (e edition) imageURL(o *outlet, a *article) string {
	return e.base + imagePath(o, a)
}

func (e edition) published(a *article) time.Time { return e.now.Add(-a.Age) }

func articlePath(o *outlet, a *article) string { return "/" + o.Dir + "/articles/" + a.Slug }
func imagePath(o *outlet, a *article) string   { return "/" + o.Dir + "/images/" + a.Slug + ".png" }

// newestFirst returns the outlet's articles in the order feeds list them.
func newestFirst(o *outlet) []*article {
	out := slices.Clone(o.Articles)
	slices.SortStableFunc(out, func(a, b *article) int { return cmp.Compare(a.Age, b.Age) })
	return out
}

// bodyHTML is an article's text as the HTML a feed's full content carries.
func (e edition) bodyHTML(o *outlet, a *article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<figure><img src=\"%s\" alt=\"%s\" width=\"640\" height=\"360\"></figure>\n",
		html.EscapeString(e.imageURL(o, a)), html.EscapeString(a.Title))
	for _, p := range a.Body {
		b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	return b.String()
}

// renderFeed renders the outlet's feed in its format and returns the body
// and its Content-Type.
func (e edition) renderFeed(o *outlet, images map[string][]byte) ([]byte, string, error) {
	switch o.Format {
	case formatRSSContent, formatRSSEnclosure:
		body, err := e.rss(o, images)
		return body, "application/rss+xml; charset=utf-8", err
	case formatAtom:
		body, err := e.atom(o)
		return body, "application/atom+xml; charset=utf-8", err
	case formatJSONFeed:
		body, err := e.jsonFeed(o)
		return body, "application/feed+json; charset=utf-8", err
	}
	return nil, "", fmt.Errorf("outlet %s: unknown format %q", o.Name, o.Format)
}

// RSS 2.0, with the content and Dublin Core modules when the outlet
// publishes full text.

type rssFeed struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	ContentNS string     `xml:"xmlns:content,attr,omitempty"`
	DCNS      string     `xml:"xmlns:dc,attr,omitempty"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Self          atomLink  `xml:"atom:link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	TTL           int       `xml:"ttl"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Author      string        `xml:"author,omitempty"`
	Category    string        `xml:"category"`
	Description string        `xml:"description"`
	Content     *cdata        `xml:"content:encoded,omitempty"`
	Enclosure   *rssEnclosure `xml:"enclosure,omitempty"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int    `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

func (e edition) rss(o *outlet, images map[string][]byte) ([]byte, error) {
	articles := newestFirst(o)
	f := rssFeed{
		Version: "2.0",
		AtomNS:  "http://www.w3.org/2005/Atom",
		Channel: rssChannel{
			Title:         o.Name,
			Link:          e.siteURL(o),
			Self:          atomLink{Rel: "self", Type: "application/rss+xml", Href: e.feedURL(o)},
			Description:   o.Tagline,
			Language:      "en-us",
			LastBuildDate: e.published(articles[0]).Format(time.RFC1123Z),
			TTL:           30,
		},
	}
	full := o.Format == formatRSSContent
	if full {
		f.ContentNS = "http://purl.org/rss/1.0/modules/content/"
		f.DCNS = "http://purl.org/dc/elements/1.1/"
	}
	for _, a := range articles {
		it := rssItem{
			Title:       a.Title,
			Link:        e.articleURL(o, a),
			GUID:        rssGUID{Value: o.guid(a)},
			PubDate:     e.published(a).Format(time.RFC1123Z),
			Category:    a.Section,
			Description: a.Summary,
		}
		if full {
			it.Creator = a.Author
			it.Content = &cdata{e.bodyHTML(o, a)}
		} else {
			// RSS's own author element wants an address, then the name.
			it.Author = fmt.Sprintf("newsroom@%s (%s)", o.Tag, a.Author)
			it.Enclosure = &rssEnclosure{URL: e.imageURL(o, a), Length: len(images[imagePath(o, a)]), Type: "image/png"}
		}
		f.Channel.Items = append(f.Channel.Items, it)
	}
	return marshalXML(f)
}

// Atom 1.0.

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title     string       `xml:"title"`
	Link      atomLink     `xml:"link"`
	ID        string       `xml:"id"`
	Published string       `xml:"published"`
	Updated   string       `xml:"updated"`
	Author    atomPerson   `xml:"author"`
	Category  atomCategory `xml:"category"`
	Summary   atomText     `xml:"summary"`
	Content   atomText     `xml:"content"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

func (e edition) atom(o *outlet) ([]byte, error) {
	articles := newestFirst(o)
	f := atomFeed{
		Title:    o.Name,
		Subtitle: o.Tagline,
		ID:       "tag:" + o.Tag + ",2020:feed",
		Updated:  e.published(articles[0]).Format(time.RFC3339),
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: e.siteURL(o)},
			{Rel: "self", Type: "application/atom+xml", Href: e.feedURL(o)},
		},
	}
	for _, a := range articles {
		when := e.published(a).Format(time.RFC3339)
		f.Entries = append(f.Entries, atomEntry{
			Title:     a.Title,
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: e.articleURL(o, a)},
			ID:        o.guid(a),
			Published: when,
			Updated:   when,
			Author:    atomPerson{Name: a.Author},
			Category:  atomCategory{Term: a.Section},
			Summary:   atomText{Type: "text", Text: a.Summary},
			Content:   atomText{Type: "html", Text: e.bodyHTML(o, a)},
		})
	}
	return marshalXML(f)
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// JSON Feed 1.1.

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description"`
	Language    string     `json:"language"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	Summary       string       `json:"summary"`
	ContentHTML   string       `json:"content_html"`
	Image         string       `json:"image"`
	DatePublished string       `json:"date_published"`
	Authors       []jsonAuthor `json:"authors"`
	Tags          []string     `json:"tags"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func (e edition) jsonFeed(o *outlet) ([]byte, error) {
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       o.Name,
		HomePageURL: e.siteURL(o),
		FeedURL:     e.feedURL(o),
		Description: o.Tagline,
		Language:    "en-US",
	}
	for _, a := range newestFirst(o) {
		f.Items = append(f.Items, jsonItem{
			ID:            o.guid(a),
			URL:           e.articleURL(o, a),
			Title:         a.Title,
			Summary:       a.Summary,
			ContentHTML:   e.bodyHTML(o, a),
			Image:         e.imageURL(o, a),
			DatePublished: e.published(a).Format(time.RFC3339),
			Authors:       []jsonAuthor{{Name: a.Author}},
			Tags:          []string{a.Section},
		})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
