package ingest

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseFormats(t *testing.T) {
	for _, tc := range []struct {
		file, base  string
		title, site string
		items       []newsdesk.Item
	}{
		{
			file: "rss2.xml", base: "https://gazette.example/rss", title: "Lakeside Gazette", site: "https://gazette.example/",
			items: []newsdesk.Item{
				{GUID: "gazette-101", URL: "https://gazette.example/2026/03/ferry-resumes", Title: "Ferry service resumes & timetable changes",
					Summary: "The ferry returns on Monday.\n\nSecond paragraph.", Author: "Mara Quinn",
					PublishedAt: ptime("2026-03-03T07:15:00Z")},
				{GUID: "https://gazette.example/2026/03/library-hours", URL: "https://gazette.example/2026/03/library-hours",
					Title: "Library extends opening hours", Summary: "Evening hours start next week.", PublishedAt: ptime("2026-03-02T17:00:00Z")},
				{GUID: "gazette-103", URL: "", Title: "A link that is not one", Summary: "Nothing here."},
			},
		},
		{
			file: "atom.xml", base: "https://observer.example/atom", title: "Ridge Observer", site: "https://observer.example/",
			items: []newsdesk.Item{
				{GUID: "urn:observer:entry:1", URL: "https://observer.example/snow-pass", Title: "Snow closes mountain pass",
					Summary: "Crews expect to reopen the pass by Thursday.", Author: "Tomas Reyes", PublishedAt: ptime("2026-03-04T09:30:00Z")},
				{GUID: "urn:observer:entry:2", URL: "https://observer.example/blossom", Title: "Orchard growers report early blossom",
					Summary: "A warm February brought the blossom forward.", PublishedAt: ptime("2026-03-03T12:00:00Z")},
			},
		},
		{
			file: "jsonfeed.json", base: "https://delta.example/feed.json", title: "Delta Daily", site: "https://delta.example/",
			items: []newsdesk.Item{
				{GUID: "delta-7", URL: "https://delta.example/wetlands", Title: "Wetland restoration wins grant",
					Summary: "The project will replant forty hectares.", Author: "Ines Okafor", PublishedAt: ptime("2026-03-05T12:00:00Z")},
				{GUID: "delta-8", URL: "https://delta.example/market", Title: "Night market returns",
					Summary: "Stalls open on Friday evenings from April."},
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(body, mustURL(t, tc.base))
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tc.title || f.SiteURL != tc.site {
				t.Errorf("feed title %q site %q", f.Title, f.SiteURL)
			}
			if len(f.Items) != len(tc.items) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tc.items))
			}
			for i, want := range tc.items {
				got := f.Items[i]
				if got.GUID != want.GUID || got.URL != want.URL || got.Title != want.Title ||
					got.Summary != want.Summary || got.Author != want.Author || !sameTime(got.PublishedAt, want.PublishedAt) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, *got, want)
				}
				if strings.Contains(got.Summary, "alert") {
					t.Errorf("item %d: script text leaked into the summary: %q", i, got.Summary)
				}
			}
		})
	}
}

func ptime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, body, code, msg string
	}{
		{"web page", "<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>", newsdesk.EUNPROCESSABLE, "web page, not a feed"},
		{"plain text", "just some words", newsdesk.EUNPROCESSABLE, "does not serve an RSS, Atom or JSON feed"},
		{"empty", "", newsdesk.EUNPROCESSABLE, "does not serve"},
		{"truncated rss", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a`, newsdesk.EUNPROCESSABLE, "malformed"},
		{"broken json feed", `{"version": "https://jsonfeed.org/version/1.1", "items": [`, newsdesk.EUNPROCESSABLE, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body), mustURL(t, "https://x.example/feed"))
			if newsdesk.ErrorCode(err) != tc.code || !strings.Contains(newsdesk.ErrorMessage(err), tc.msg) {
				t.Fatalf("got %v (%s), want %s containing %q", err, newsdesk.ErrorCode(err), tc.code, tc.msg)
			}
		})
	}
}

func TestParseFeedURL(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"https://a.example/feed", "https://a.example/feed", ""},
		{"  a.example/rss  ", "https://a.example/rss", ""},
		{"http://a.example/rss#top", "http://a.example/rss", ""},
		{"", "", newsdesk.EINVALID},
		{"ftp://a.example/feed", "", newsdesk.EINVALID},
		{"javascript:alert(1)", "", newsdesk.EINVALID},
		{"https://", "", newsdesk.EINVALID},
		{"http://bad host/feed", "", newsdesk.EINVALID},
		{"http://[::1", "", newsdesk.EINVALID},
	} {
		u, err := ParseFeedURL(tc.in)
		if newsdesk.ErrorCode(err) != tc.code {
			t.Errorf("ParseFeedURL(%q): error %v, want code %q", tc.in, err, tc.code)
			continue
		}
		if err == nil && u.String() != tc.want {
			t.Errorf("ParseFeedURL(%q) = %q, want %q", tc.in, u, tc.want)
		}
	}
}

// FuzzParse feeds arbitrary bytes to the parser: it must never panic, and
// whatever it returns must be storable (every item has a GUID, and links
// are only http or https).
func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss2.xml", "atom.xml", "jsonfeed.json", "rss091.xml", "rss092.xml", "rss1.rdf",
		"rss2-media.xml", "atom03.xml", "atom-media.xml", "jsonfeed10.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<!DOCTYPE html><html></html>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>`))
	base, _ := url.Parse("https://fuzz.example/feed")
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := Parse(body, base)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE {
				t.Fatalf("error code %s: %v", newsdesk.ErrorCode(err), err)
			}
			return
		}
		for _, it := range feed.Items {
			if it.GUID == "" || len(it.GUID) > 500 {
				t.Fatalf("item GUID %q", it.GUID)
			}
			if len(it.Enclosures) > maxEnclosures || len(it.Categories) > maxCategories {
				t.Fatalf("%d enclosures, %d categories", len(it.Enclosures), len(it.Categories))
			}
			for _, link := range append([]string{it.ImageURL}, enclosureURLs(it)...) {
				if link == "" {
					continue
				}
				u, err := url.Parse(link)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(link) > maxMediaURLBytes {
					t.Fatalf("media URL %q", link)
				}
			}
			if it.URL != "" {
				u, err := url.Parse(it.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Fatalf("item URL %q", it.URL)
				}
			}
		}
	})
}

func enclosureURLs(it *newsdesk.Item) []string {
	var out []string
	for _, e := range it.Enclosures {
		out = append(out, e.URL)
	}
	return out
}

// encoding/xml, under gofeed, does not expand entities a DOCTYPE declares,
// so a billion-laughs feed parses in bounded time and memory: what comes
// out is no larger than what went in.
func TestBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		b.WriteString(`<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&lol"+string(rune('0'+i-1))+";", 10) + `">`)
	}
	b.WriteString(`]><rss version="2.0"><channel><title>&lol9;</title><item><guid>x</guid><title>&lol9;&lol9;</title><description>&lol9;</description></item></channel></rss>`)
	body := []byte(b.String())
	start := time.Now()
	feed, err := Parse(body, mustURL(t, "https://laughs.example/"))
	if took := time.Since(start); took > time.Second {
		t.Fatalf("took %s", took)
	}
	if err != nil {
		if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE {
			t.Fatal(err)
		}
		return
	}
	size := len(feed.Title)
	for _, it := range feed.Items {
		size += len(it.Title) + len(it.Summary) + len(it.Content)
	}
	if size > len(body) || strings.Contains(feed.Title+feed.Items[0].Title, "lollol") {
		t.Fatalf("entities expanded: %d bytes out of %d in", size, len(body))
	}
}

// cleanOracle is clean as it was first written: slow on long text, but
// plainly right.
func cleanOracle(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	if out := strings.Join(paras, "\n\n"); !newsdesk.IsBlank(out) {
		return out
	}
	return ""
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", " a  b ", "a\n\nb", "a\r\n\r\nb", "a\n\n\nb", "a\n \nb", "\n\na\n\n", "a\u00a0\u2003b",
		"a\r\rb", "a\r\n\nb", "a\n\r\nb", "x\xffy  z", "already clean", "one\n\ntwo\n\nthree", "\u200b", " \u200b\u200c "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clean(s), cleanOracle(s); got != want {
			t.Fatalf("clean(%q) = %q, want %q", s, got, want)
		}
	})
}
