package extract

import (
	"net/url"
	"strings"
	"testing"
)

// TestExplainSaysWhatWasChosenAndWhy checks that an explanation names
// the chosen block, scores the others with the reason each lost, and
// says why furniture was removed, and that it leaves the article as
// Extract finds it.
func TestExplainSaysWhatWasChosenAndWhy(t *testing.T) {
	page := `<html><head><title>Ferry returns | Gazette</title><meta property="og:title" content="Ferry returns"></head><body>
<div class="sidebar"><p>Most read: the ten best beaches of the coast, ranked by our readers this summer.</p></div>
<div id="story"><h1>Ferry returns</h1><p>` + para + `</p><p>` + para + ` The ferry runs hourly.</p>
<ul class="more"><li><a href="/a">Another story about the island's harbour works</a></li><li><a href="/b">A third story about the island</a></li></ul></div>
<div class="teasers"><p><a href="/c">Tide tables for the week ahead, for every harbour on the coast</a></p><p><a href="/d">Weather: rain moving in from the west on Thursday evening</a></p></div>
</body></html>`
	u, _ := url.Parse("https://gazette.example/ferry")
	want, err := Extract([]byte(page), "", u)
	if err != nil {
		t.Fatal(err)
	}
	a, ex, err := ExtractExplain([]byte(page), "", u)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != want.Text || a.Title != want.Title {
		t.Errorf("explaining changed the article: %q, want %q", a.Text, want.Text)
	}
	var b strings.Builder
	if err := ex.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		`div#story`, "CHOSEN",
		`class or id "sidebar" names page furniture`, "Most read",
		"scores lower: 100% of its text is links", "div.teasers",
		"removed from the chosen block", "mostly links", "ul.more",
		`og:title       "Ferry returns"`,
		"text (", "The ferry runs hourly.",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("explanation lacks %q:\n%s", s, out)
		}
	}
}

// FuzzExtractExplain checks that explaining any page neither panics nor
// changes the article Extract finds.
func FuzzExtractExplain(f *testing.F) {
	f.Add([]byte(`<html><body><div class="sidebar"><p>Most read: the ten best beaches of the coast.</p></div><article><h1>Ferry returns</h1><p>The island ferry resumed its crossings on Monday after three weeks of repairs.</p></article></body></html>`))
	f.Add([]byte(`<body>Test</body>`))
	f.Add([]byte("<h1>\xe4\xb8\xad\xe6\x96\x87<br>x</h1><p>\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 long enough</p>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		u, _ := url.Parse("https://fuzz.example/a/b")
		want, err := Extract(body, "", u)
		if err != nil {
			return
		}
		a, ex, err := ExtractExplain(body, "", u)
		if err != nil {
			t.Fatal(err)
		}
		if a.Text != want.Text || a.Title != want.Title || a.Byline != want.Byline {
			t.Fatalf("explaining changed the article: %q / %q", a.Text, want.Text)
		}
		var b strings.Builder
		if err := ex.WriteText(&b); err != nil {
			t.Fatal(err)
		}
	})
}
