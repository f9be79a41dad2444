package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/posts"
)

// feedSize is how many of the latest posts a feed carries.
const feedSize = 30

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary"`
	Content    atomContent    `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// handleFeed serves the Atom feed of the latest published posts: the
// site's at /feed.xml, a tag's at /tag/{slug}/feed.xml (not found when the
// tag has no published post). Each names the WebSub hubs, if any, and
// itself as the topic to follow there, in its links and in a Link header.
func handleFeed(postService *posts.Service, title, baseURL string, hubs []string, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if slug != "" && slug != newsdesk.TagSlug(slug) {
			pages.notFound(w, r)
			return
		}
		list, err := postService.List(r.Context(), newsdesk.PostFilter{Status: newsdesk.PostPublished, Tag: slug, Limit: feedSize})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		base := baseURL
		feedTitle, page, self := title, "/", "/feed.xml"
		if slug != "" {
			if len(list) == 0 {
				pages.notFound(w, r)
				return
			}
			tag, _ := list[0].TagNamed(slug)
			feedTitle = fmt.Sprintf("%s: %s", title, tag.Name)
			page, self = tagURL(slug), tagURL(slug)+"/feed.xml"
		}
		feed := atomFeed{
			ID:     base + self,
			Title:  feedTitle,
			Author: atomAuthor{Name: title},
			Links: []atomLink{
				{Rel: "self", Type: "application/atom+xml", Href: base + self},
				{Rel: "alternate", Type: "text/html", Href: base + page},
			},
		}
		for _, h := range hubs {
			feed.Links = append(feed.Links, atomLink{Rel: "hub", Href: h})
		}
		var updated time.Time
		for _, p := range list {
			feed.Entries = append(feed.Entries, atomEntryOf(p, base))
			if p.UpdatedAt.After(updated) {
				updated = p.UpdatedAt
			}
		}
		if updated.IsZero() {
			// An empty feed still needs a time; the Unix epoch says
			// "nothing yet" without changing at every request.
			updated = time.Unix(0, 0)
		}
		feed.Updated = updated.UTC().Format(time.RFC3339)

		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", " ")
		if err := enc.Encode(feed); err != nil {
			pages.error(w, r, fmt.Errorf("encode feed: %w", err))
			return
		}
		buf.WriteByte('\n')
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		if len(hubs) > 0 {
			w.Header().Set("Link", hubLinks(hubs, base+self))
		}
		serveCached(w, r, feedMaxAge, buf.Bytes())
	})
}

// atomEntryOf writes a post as a feed entry: its summary in paragraphs and
// the credit line linking the original, as on its page.
func atomEntryOf(p *newsdesk.Post, base string) atomEntry {
	link := base + "/posts/" + p.Slug
	e := atomEntry{
		ID:      link,
		Title:   p.Headline,
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
		Updated: p.UpdatedAt.UTC().Format(time.RFC3339),
		Summary: excerpt(300, firstParagraph(p)),
	}
	if p.PublishedAt != nil {
		e.Published = p.PublishedAt.UTC().Format(time.RFC3339)
	}
	for _, t := range p.Tags {
		e.Categories = append(e.Categories, atomCategory{Term: t.Slug, Label: t.Name})
	}
	var b strings.Builder
	for _, para := range p.Paragraphs() {
		b.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
	}
	fmt.Fprintf(&b, `<p>Read the full story at <a href="%s">%s</a></p>`, html.EscapeString(p.OriginalURL), html.EscapeString(p.SourceName))
	e.Content = atomContent{Type: "html", Body: b.String()}
	return e
}

// How long shared caches and readers may keep the feeds and the
// sitemap before asking again. Their links are the configured BaseURL's,
// never the request's, so one copy is right for everyone; a new post
// reaches feed readers within feedMaxAge.
const (
	feedMaxAge    = 5 * time.Minute
	sitemapMaxAge = time.Hour
)

// serveCached writes body with a Cache-Control of maxAge and an ETag of
// its content, answering If-None-Match with 304 Not Modified, which feed
// readers that poll often rely on. It sends no Last-Modified: the newest
// post's time does not change when a post is unpublished, so
// If-Modified-Since would keep a removed post in readers' copies.
func serveCached(w http.ResponseWriter, r *http.Request, maxAge time.Duration, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds())))
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// sitemapLimit is the most addresses one sitemap may list.
const sitemapLimit = 50_000

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// handleSitemap lists the home page and the published posts, newest
// first, for search engines.
func handleSitemap(postService *posts.Service, baseURL string, pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := baseURL
		set := urlSet{URLs: []sitemapURL{{Loc: base + "/"}}}
		const page = 500
		for offset := 0; offset < sitemapLimit-1; offset += page {
			list, err := postService.List(r.Context(), newsdesk.PostFilter{Status: newsdesk.PostPublished, Limit: page, Offset: offset})
			if err != nil {
				pages.error(w, r, err)
				return
			}
			for _, p := range list {
				if len(set.URLs) == sitemapLimit {
					break
				}
				set.URLs = append(set.URLs, sitemapURL{Loc: base + "/posts/" + p.Slug, LastMod: p.UpdatedAt.UTC().Format(time.RFC3339)})
			}
			if len(list) < page {
				break
			}
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		if err := xml.NewEncoder(&buf).Encode(set); err != nil {
			pages.error(w, r, fmt.Errorf("encode sitemap: %w", err))
			return
		}
		buf.WriteByte('\n')
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		serveCached(w, r, sitemapMaxAge, buf.Bytes())
	})
}
