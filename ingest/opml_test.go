package ingest

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

func TestParseOPML(t *testing.T) {
	body, err := os.ReadFile("testdata/subscriptions.opml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseOPML(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Outline{
		{Title: "Harbor City Ledger", FeedURL: "https://ledger.example/feed.xml", SiteURL: "https://ledger.example/"},
		{Title: "Old Mill Courier & Gazette", FeedURL: "https://courier.example/rss"},
		{Title: "Fenland Weekly", FeedURL: "https://fenland.example/atom"},
		{Title: "Delta Daily", FeedURL: "https://delta.example/feed.json"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParseOPMLLatin1(t *testing.T) {
	body := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.0\"><body><outline text=\"Caf\xe9 News\" xmlUrl=\"https://cafe.example/rss\"/></body></opml>")
	got, err := ParseOPML(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Title != "Café News" {
		t.Errorf("title %q", got[0].Title)
	}
}

func TestParseOPMLRejects(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY lol0 "lol">`
	for i := 1; i <= 9; i++ {
		laughs += `<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&lol"+string(rune('0'+i-1))+";", 10) + `">`
	}
	laughs += `]><opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://laughs.example/&lol9;"/></body></opml>`

	many := `<opml><body>` + strings.Repeat(`<outline xmlUrl="https://many.example/f"/>`, MaxOPMLFeeds+1) + `</body></opml>`
	huge := `<opml><body><outline text="` + strings.Repeat("x", MaxOPMLBytes) + `" xmlUrl="https://big.example/"/></body></opml>`

	for _, tc := range []struct {
		name, body, code, msg string
	}{
		{"billion laughs", laughs, newsdesk.EUNPROCESSABLE, "The OPML file is malformed"},
		{"too many feeds", many, newsdesk.ETOOLARGE, "more than 10000 feeds"},
		{"too large", huge, newsdesk.ETOOLARGE, "larger than newsdesk accepts (10 MB)"},
		{"a feed", `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`, newsdesk.EUNPROCESSABLE, "not an OPML subscription list"},
		{"a web page", `<!doctype html><html><body>hi</body></html>`, newsdesk.EUNPROCESSABLE, "not an OPML subscription list"},
		{"json", `{"feeds": []}`, newsdesk.EUNPROCESSABLE, "not an OPML subscription list"},
		{"empty", ``, newsdesk.EUNPROCESSABLE, "not an OPML subscription list"},
		{"no feeds", `<opml version="2.0"><body><outline text="Empty folder"/></body></opml>`, newsdesk.EUNPROCESSABLE, "lists no feeds"},
		{"cut short", `<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/"/><outline`, newsdesk.EUNPROCESSABLE, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseOPML(strings.NewReader(tc.body))
			if newsdesk.ErrorCode(err) != tc.code || !strings.Contains(newsdesk.ErrorMessage(err), tc.msg) {
				t.Fatalf("got %q (%s), want %s containing %q", newsdesk.ErrorMessage(err), newsdesk.ErrorCode(err), tc.code, tc.msg)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

// What WriteOPML writes, ParseOPML reads back, names with markup included.
func TestOPMLRoundTrip(t *testing.T) {
	sources := []*newsdesk.Source{
		{Name: `Harbor "City" Ledger <Daily> & Co`, FeedURL: "https://ledger.example/feed.xml?a=1&b=2", SiteURL: "https://ledger.example/"},
		{Name: "Delta Daily", FeedURL: "https://delta.example/feed.json"},
	}
	var b bytes.Buffer
	if err := WriteOPML(&b, sources, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<opml version="2.0">`, `<dateCreated>Sun, 01 Mar 2026 12:00:00 +0000</dateCreated>`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %s in\n%s", want, b.String())
		}
	}
	got, err := ParseOPML(&b)
	if err != nil {
		t.Fatal(err)
	}
	want := []Outline{
		{Title: sources[0].Name, FeedURL: sources[0].FeedURL, SiteURL: sources[0].SiteURL},
		{Title: sources[1].Name, FeedURL: sources[1].FeedURL},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// FuzzParseOPML: any bytes either fail with a coded error or give a
// bounded list of feeds, each with an address.
func FuzzParseOPML(f *testing.F) {
	b, err := os.ReadFile("testdata/subscriptions.opml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body><outline xmlUrl="&a;"/></body></opml>`))
	f.Add([]byte(`<opml><body><outline text="&nbsp;&amp;&#x41;" xmlUrl="x"><outline xmlUrl="y"/></outline></body></opml>`))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"windows-1252\"?><opml><body><outline text=\"\x93q\x94\" xmlUrl=\"z\"/></body></opml>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		feeds, err := ParseOPML(bytes.NewReader(body))
		if err != nil {
			if c := newsdesk.ErrorCode(err); c != newsdesk.EUNPROCESSABLE && c != newsdesk.ETOOLARGE {
				t.Fatalf("error code %s: %v", c, err)
			}
			return
		}
		if len(feeds) == 0 || len(feeds) > MaxOPMLFeeds {
			t.Fatalf("%d feeds", len(feeds))
		}
		for _, o := range feeds {
			if o.FeedURL == "" || utf8.RuneCountInString(o.Title) > newsdesk.MaxNameLength {
				t.Fatalf("outline %+v", o)
			}
		}
	})
}
