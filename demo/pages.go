package demo

import (
	"bytes"
	"embed"
	"hash/fnv"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates parses the page templates. Each page gets its own set
// because both share the layout and only the article fills its "head".
func pageTemplates() (articleT, outletT, indexT *template.Template, err error) {
	parse := func(page string, with ...string) (*template.Template, error) {
		set, err := template.ParseFS(templateFS, append(with, "templates/"+page)...)
		if err != nil {
			return nil, err
		}
		return set.Lookup(page), nil
	}
	if articleT, err = parse("article.html", "templates/layout.html"); err != nil {
		return
	}
	if outletT, err = parse("outlet.html", "templates/layout.html"); err != nil {
		return
	}
	indexT, err = parse("index.html")
	return
}

// page is what the article and outlet templates show.
type page struct {
	Title    string
	Outlet   *outlet
	SiteURL  string
	FeedURL  string
	FeedType string
	Year     int

	// Article pages.
	Article   *article
	URL       string
	ImageURL  string
	Published time.Time
	JSONLD    map[string]any
	More      []teaser

	// Outlet front pages.
	Items []teaser
}

type teaser struct {
	Title, URL, Section, Summary, Author string
	Published                            time.Time
}

func (e edition) page(o *outlet, feedType string) page {
	return page{
		Title:    o.Name,
		Outlet:   o,
		SiteURL:  e.siteURL(o),
		FeedURL:  e.feedURL(o),
		FeedType: strings.TrimSpace(strings.Split(feedType, ";")[0]),
		Year:     e.now.Year(),
	}
}

func (e edition) teaser(o *outlet, a *article) teaser {
	return teaser{Title: a.Title, URL: e.articleURL(o, a), Section: a.Section, Summary: a.Summary,
		Author: a.Author, Published: e.published(a)}
}

// articlePage renders the page an item links to: the full text inside the
// header, navigation, share links and footer that extraction must strip.
func (e edition) articlePage(t *template.Template, o *outlet, a *article, feedType string) ([]byte, error) {
	p := e.page(o, feedType)
	p.Title = a.Title + " | " + o.Name
	p.Article = a
	p.URL = e.articleURL(o, a)
	p.ImageURL = e.imageURL(o, a)
	p.Published = e.published(a)
	p.JSONLD = map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         a.Title,
		"description":      a.Summary,
		"datePublished":    p.Published.Format(time.RFC3339),
		"author":           map[string]any{"@type": "Person", "name": a.Author},
		"publisher":        map[string]any{"@type": "NewsMediaOrganization", "name": o.Name},
		"image":            p.ImageURL,
		"mainEntityOfPage": p.URL,
	}
	// Three neighbours, newest first, as a "more from" list.
	for _, other := range newestFirst(o) {
		if other != a && len(p.More) < 3 {
			p.More = append(p.More, e.teaser(o, other))
		}
	}
	return execute(t, p)
}

// outletPage renders an outlet's front page: its articles, newest first.
func (e edition) outletPage(t *template.Template, o *outlet, feedType string) ([]byte, error) {
	p := e.page(o, feedType)
	for _, a := range newestFirst(o) {
		p.Items = append(p.Items, e.teaser(o, a))
	}
	return execute(t, p)
}

func execute(t *template.Template, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// placeholderPNG draws a lead image for an article: a sky and a darker
// band of land in colours derived from seed, so each article has its own
// and the same one on every run.
func placeholderPNG(seed string) ([]byte, error) {
	h := fnv.New32a()
	h.Write([]byte(seed))
	v := h.Sum32()
	sky := color.RGBA{R: 90 + uint8(v%100), G: 120 + uint8(v>>8%90), B: 160 + uint8(v>>16%90), A: 255}
	land := color.RGBA{R: sky.R / 3, G: sky.G / 2, B: sky.B / 3, A: 255}
	const w, hgt = 640, 360
	img := image.NewPaletted(image.Rect(0, 0, w, hgt), color.Palette{sky, land})
	horizon := hgt/2 + int(v>>24%80)
	for y := horizon; y < hgt; y++ {
		for x := range w {
			img.SetColorIndex(x, y, 1)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
