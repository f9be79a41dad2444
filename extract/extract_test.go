package extract

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func mustExtract(t testing.TB, file, pageURL string) *Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(pageURL)
	a, err := Extract(b, "text/html", u)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestArticle(t *testing.T) {
	a := mustExtract(t, "article.html", "https://courier.example/2024/03/05/harbour")
	tests := []struct {
		name      string
		has       []string
		hasNot    []string
		htmlHas   []string
		htmlHasNo []string
	}{
		{
			name:   "main text kept",
			has:    []string{"The old harbour reopened on Tuesday", "granite blocks", "What changes for visitors", "The pier is open from dawn until dusk."},
			hasNot: []string{"Home", "cookies", "Great news", "Storm warning", "All rights reserved", "Share on Facebook"},
		},
		{
			name:      "embeds are privacy-friendly",
			htmlHas:   []string{"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://player.vimeo.com/video/123456789?dnt=1"},
			htmlHasNo: []string{"ads.example.net", "autoplay"},
		},
		{
			name:      "tracking parameters stripped",
			htmlHas:   []string{`href="https://example.org/report?id=7"`},
			htmlHasNo: []string{"utm_", "fbclid"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.has {
				if !strings.Contains(a.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, a.Text)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(a.Text, s) {
					t.Errorf("text has boilerplate %q:\n%s", s, a.Text)
				}
			}
			for _, s := range tt.htmlHas {
				if !strings.Contains(a.HTML, s) {
					t.Errorf("html lacks %q:\n%s", s, a.HTML)
				}
			}
			for _, s := range tt.htmlHasNo {
				if strings.Contains(a.HTML, s) {
					t.Errorf("html has %q:\n%s", s, a.HTML)
				}
			}
		})
	}
	t.Run("paragraphs separated by blank lines", func(t *testing.T) {
		if !strings.Contains(a.Text, "outer basin.\n\nEngineers") {
			t.Errorf("text:\n%s", a.Text)
		}
	})
}

func TestMetadata(t *testing.T) {
	a := mustExtract(t, "article.html", "https://courier.example/2024/03/05/harbour")
	want := Result{
		Title: "Harbour reopens after storm repairs", Byline: "Ada Fairweather",
		SiteName: "The Coastal Courier", Language: "en-GB", Image: "https://courier.example/img/harbour.jpg",
		Published: time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC),
	}
	for _, c := range []struct{ name, got, want string }{
		{"title", a.Title, want.Title}, {"byline", a.Byline, want.Byline}, {"site", a.SiteName, want.SiteName},
		{"language", a.Language, want.Language}, {"image", a.Image, want.Image},
		{"published", a.Published.UTC().Format(time.RFC3339), want.Published.Format(time.RFC3339)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Posted on 31. Mai 2012 by admin", "2012-05-31"},
		{"March 4, 2019", "2019-03-04"},
		{"4 mars 2019", "2019-03-04"},
		{"12.01.2022 um 10:00", "2022-01-12"},
		{"2020-01-27T10:00:00+01:00", "2020-01-27"},
		{"15 de enero de 2021", "2021-01-15"},
		{"December 29th 2019 Tweet This", "2019-12-29"},
		{"15 августа 2016, 13:43", "2016-08-15"},
		{"no date here 12345", ""},
	}
	for _, tt := range tests {
		got := parseDate(tt.in)
		s := ""
		if !got.IsZero() {
			s = got.Format("2006-01-02")
		}
		if s != tt.want {
			t.Errorf("parseDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
	if got := urlDate("/news/2019/08/02/story"); got.Format("2006-01-02") != "2019-08-02" {
		t.Errorf("urlDate = %v", got)
	}
}

func TestBrDiv(t *testing.T) {
	a := mustExtract(t, "brdiv.html", "https://allotment.example/notes")
	for _, s := range []string{"Planting season started early", "We sowed broad beans", "rhubarb needed forcing pots"} {
		if !strings.Contains(a.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, a.Text)
		}
	}
	if strings.Contains(a.Text, "Archive") || strings.Contains(a.Text, "Imprint") {
		t.Errorf("text has boilerplate:\n%s", a.Text)
	}
}

func TestCharset(t *testing.T) {
	tests := []struct {
		file, title, text string
	}{
		{"cp1252.html", "Café crème", "coûte deux euros – un prix « raisonnable »"},
		{"shiftjis.html", "東京の天気", "今日の東京は晴れで"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := mustExtract(t, tt.file, "")
			if a.Title != tt.title {
				t.Errorf("title = %q, want %q", a.Title, tt.title)
			}
			if !strings.Contains(a.Text, tt.text) {
				t.Errorf("text lacks %q: %q", tt.text, a.Text)
			}
		})
	}
	t.Run("content-type header wins over nothing", func(t *testing.T) {
		b := []byte("<p>Gr\xfc\xdfe aus K\xf6ln, wo es heute regnet und der Dom im Nebel liegt, wie so oft im Herbst.</p>")
		a, err := Extract(b, "text/html; charset=iso-8859-1", nil)
		if err != nil || !strings.Contains(a.Text, "Grüße aus Köln") {
			t.Errorf("got %q, %v", a.Text, err)
		}
	})
}

// checkSafe asserts the properties every output must have, whatever the
// input: HTML that re-parses without script, event handlers or
// javascript: URLs, and valid UTF-8 text.
func checkSafe(t testing.TB, a *Result) {
	t.Helper()
	if !utf8.ValidString(a.Text) {
		t.Errorf("text is not valid UTF-8")
	}
	doc, err := html.Parse(strings.NewReader(a.HTML))
	if err != nil {
		t.Fatalf("output HTML does not parse: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "svg", "math", "object", "embed", "form", "base", "meta", "link":
				t.Errorf("output has <%s>: %s", n.Data, a.HTML)
			}
			for _, at := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(at.Val))
				if strings.HasPrefix(at.Key, "on") || at.Key == "style" {
					t.Errorf("output has attribute %s: %s", at.Key, a.HTML)
				}
				if (at.Key == "href" || at.Key == "src") && !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "mailto:")) {
					t.Errorf("output has %s=%q", at.Key, at.Val)
				}
				// Pages that show the HTML let in frames from EmbedOrigins
				// only (their Content-Security-Policy's frame-src).
				if n.Data == "iframe" && at.Key == "src" && !slices.ContainsFunc(strings.Fields(EmbedOrigins), func(o string) bool { return strings.HasPrefix(at.Val, o+"/") }) {
					t.Errorf("output has an iframe from outside EmbedOrigins: %q", at.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func TestSanitiser(t *testing.T) {
	a := mustExtract(t, "hostile.html", "https://hostile.example/")
	checkSafe(t, a)
	for _, s := range []string{"alert", "onerror", "javascript", "data:", "evil"} {
		if strings.Contains(strings.ToLower(a.HTML), s) {
			t.Errorf("html has %q:\n%s", s, a.HTML)
		}
	}
	if !strings.Contains(a.Text, "Fourth paragraph with handlers") {
		t.Errorf("text lost a paragraph:\n%s", a.Text)
	}
}

func TestHostile(t *testing.T) {
	para := "<p>" + strings.Repeat("A sentence of ordinary article text, with commas. ", 8) + "</p>"
	deep := strings.Repeat("<div>", 10000) + para + strings.Repeat("</div>", 10000)
	huge := make([]byte, 0, 50<<20)
	huge = append(huge, "<html><body><article>"...)
	for len(huge) < 50<<20 {
		huge = append(huge, para...)
	}
	tests := []struct {
		name string
		body []byte
		max  time.Duration
	}{
		{"10,000-deep nesting", []byte(deep), 10 * time.Second},
		{"50 MB page", huge, 10 * time.Second},
		{"huge attribute", []byte(`<div class="` + strings.Repeat("x", 5<<20) + `">` + para + `</div>`), 5 * time.Second},
		{"unterminated comment", []byte(para + "<!-- never closed " + strings.Repeat("<p>x</p>", 1000)), time.Second},
		{"unterminated tags", []byte(strings.Repeat("<p><b><i><a href='x'>", 5000) + para), 10 * time.Second},
		{"empty", nil, time.Second},
		{"binary", bytes.Repeat([]byte{0xff, 0x00, 0xfe, 0x80}, 1<<16), 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			a, err := Extract(tt.body, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > tt.max {
				t.Errorf("took %v, want under %v", d, tt.max)
			}
			checkSafe(t, a)
			if len(a.Text) > MaxBytes {
				t.Errorf("text of %d bytes exceeds the input cap", len(a.Text))
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	a := &Result{Title: "T", Byline: "B", Text: "x <y>", HTML: "<p>x</p>"}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, a); err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"title", "byline", "published", "site_name", "language", "image", "text", "html"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing: %s", k, buf.String())
		}
	}
	if m["published"] != "" || m["html"] != "<p>x</p>" {
		t.Errorf("got %s", buf.String())
	}
	a.Published = time.Date(2024, 3, 5, 8, 30, 0, 0, time.UTC)
	buf.Reset()
	WriteJSON(&buf, a)
	if !strings.Contains(buf.String(), `"published":"2024-03-05T08:30:00Z"`) {
		t.Errorf("got %s", buf.String())
	}
}

func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, fn := range files {
		b, _ := os.ReadFile(fn)
		f.Add(b, "")
	}
	f.Add([]byte(`<a href="java&#x09;script:alert(1)">x</a><img srcset="javascript:x 1x">`), "text/html; charset=utf-16")
	f.Add([]byte(`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg><p>text long enough to count as a paragraph, yes.</p>`), "")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		u, _ := url.Parse("https://fuzz.example/a/b")
		a, err := Extract(body, ct, u)
		if err != nil {
			return
		}
		checkSafe(t, a)
	})
}
