package extract

import (
	"net/url"
	"strings"
	"testing"
)

func extractString(t *testing.T, page, pageURL string) *Result {
	t.Helper()
	u, _ := url.Parse(pageURL)
	a, err := Extract([]byte(page), "text/html; charset=utf-8", u)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const para = "The council met on Tuesday evening to discuss the plans for the new library, which has been delayed by two years."

// TestBoilerplateAroundArticle checks that the furniture pages put in and
// around an article's own container stays out of its text.
func TestBoilerplateAroundArticle(t *testing.T) {
	page := `<html><head><title>Library plans approved | Town Gazette</title></head><body>
<header class="site-header"><a href="/">Town Gazette</a></header>
<main><article>
<header><h1>Library plans approved</h1><p class="standfirst">Councillors back the new building after two years of delay.</p></header>
<div>Kontakt</div>
<p>` + para + `</p>
<p>` + para + ` Work starts in spring and should take eighteen months.</p>
<p>` + para + ` The architects have promised a reading garden on the roof.</p>
<h3>Mehr zum Thema</h3>
<div class="box"><h3><a href="/2024/01/pool">Swimming pool to close for repairs</a></h3><p>The pool shuts for the summer while the roof is mended, and swimmers are asked to use the baths in the next town until September.</p></div>
<p>Share this</p>
<p>© 2024 Town Gazette. All rights reserved. Reprinting without permission is forbidden.</p>
<div class="relatedarticles"><h2>Related articles</h2><ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul></div>
</article></main>
<footer>Imprint</footer>
</body></html>`
	a := extractString(t, page, "https://gazette.example/2024/02/01/library")
	for _, s := range []string{para, "reading garden", "Councillors back the new building"} {
		if !strings.Contains(a.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, a.Text)
		}
	}
	for _, s := range []string{"Library plans approved", "Kontakt", "Mehr zum Thema", "Swimming pool", "The pool shuts",
		"Share this", "All rights reserved", "Related articles", "Imprint"} {
		if strings.Contains(a.Text, s) {
			t.Errorf("text has %q:\n%s", s, a.Text)
		}
	}
	if a.Title != "Library plans approved" {
		t.Errorf("title %q", a.Title)
	}
}

// TestGentleReading checks that an article whose wrappers carry words
// of boilerplate ("widget", "share") is still found.
func TestGentleReading(t *testing.T) {
	page := `<html><body><nav><a href="/">Home</a></nav>
<div class="elementor-widget-wrap"><div class="socialicons-share">
<p>` + para + `</p><p>` + para + ` A second paragraph follows.</p><p>` + para + ` And a third one.</p>
</div></div>
<div class="sidebar"><p>Subscribe to our newsletter for weekly updates on everything.</p></div>
<div><p><a href="/1">` + para + `</a></p><p><a href="/2">` + para + `</a></p><p><a href="/3">` + para + `</a></p><p><a href="/4">` + para + `</a></p></div>
</body></html>`
	a := extractString(t, page, "https://gazette.example/library")
	if !strings.Contains(a.Text, "And a third one.") {
		t.Errorf("article not found:\n%s", a.Text)
	}
	if strings.Contains(a.Text, "newsletter") {
		t.Errorf("sidebar kept:\n%s", a.Text)
	}
}

func TestCleanAuthor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Doe", "Jane Doe"},
		{"Posted on September 21, 2020 by Adi Tzlil", "Adi Tzlil"},
		{"Zeige alle Beiträge von Petra Ruland", "Petra Ruland"},
		{"Redaktion 1. November 2023 10:29", "Redaktion"},
		{"Von:Moritz Pieczewski-Freimuth", "Moritz Pieczewski-Freimuth"},
		{"| Klaus Quibeldey-Cirkel", "Klaus Quibeldey-Cirkel"},
		{"MORITZ GATHMANN am 21. April 2020", "MORITZ GATHMANN"},
		{"jesusfreak jesusfreak", "jesusfreak"},
		{"Walter von Aachen", "Walter von Aachen"},
		{"https://example.com/author/jane", ""},
	}
	for _, tt := range tests {
		if got := cleanAuthor(tt.in); got != tt.want {
			t.Errorf("cleanAuthor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBylineInText checks that a "By Jane Doe" line gives the author when
// nothing declares one, and that the publisher's name is not a byline.
func TestBylineInText(t *testing.T) {
	page := `<html><head><meta property="og:site_name" content="Town Gazette"><meta name="author" content="Town Gazette"></head><body><article>
<h1>Library plans approved</h1><p class="x">By <a href="/staff/jd">Jane Doe</a></p><p>` + para + `</p></article></body></html>`
	a := extractString(t, page, "https://gazette.example/library")
	if a.Byline != "Jane Doe" {
		t.Errorf("byline %q, want Jane Doe", a.Byline)
	}
}

// TestTitleNotSiteName checks that a heading linking to the home page (the
// site's name in its header) is not taken for the title.
func TestTitleNotSiteName(t *testing.T) {
	page := `<html><head><title>Four Years » Interning of small integers</title></head><body>
<h1><a href="https://blog.example/">Four Years</a></h1>
<h2>Interning of small integers</h2><p>` + para + `</p></body></html>`
	a := extractString(t, page, "https://blog.example/2020/01/interning")
	if a.Title != "Interning of small integers" {
		t.Errorf("title %q", a.Title)
	}
}

// TestDateVotes checks that the date sources outvote one that disagrees:
// a JSON-LD date rewritten on update loses to the meta dates, and a UTC
// time stamp just after midnight gives way to the day the page shows.
func TestDateVotes(t *testing.T) {
	tests := []struct{ name, head, body, url, want string }{
		{"rewritten JSON-LD", `<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2021-12-06T14:36:00+01:00"}</script>
<meta property="article:published_time" content="2022-12-15T09:13:00+01:00"><meta name="date" content="2022-12-15">`, "", "https://gazette.example/story", "2022-12-15"},
		{"UTC after midnight", `<meta property="article:published_time" content="2023-11-09T02:56:18Z">`,
			`<p class="date">November 8, 2023</p>`, "https://gazette.example/story", "2023-11-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head>` + tt.head + `</head><body><article>` + tt.body + `<p>` + para + `</p></article></body></html>`
			a := extractString(t, page, tt.url)
			if got := a.Published.Format("2006-01-02"); got != tt.want {
				t.Errorf("published %s, want %s", got, tt.want)
			}
		})
	}
}
