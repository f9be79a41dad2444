package ingest

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/newsdesk/newsdesk"
)

// rssItems is an RSS feed of n small items, f0 first, with extra inside
// each item.
func rssItems(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Firehose</title><link>https://firehose.example/</link>`)
	for i := range n {
		fmt.Fprintf(&b, "<item><guid>f%d</guid><title>t%d</title>%s</item>", i, i, extra)
	}
	b.WriteString(`<ttl>90</ttl></channel></rss>`)
	return b.String()
}

func atomEntries(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom firehose</title>`)
	for i := range n {
		fmt.Fprintf(&b, `<entry><id>f%d</id><title>t%d</title><link href="https://firehose.example/%d"/></entry>`, i, i, i)
	}
	b.WriteString(`</feed>`)
	return b.String()
}

// jsonItems is a JSON Feed of n items whose title, as some generators
// write it, comes after its items.
func jsonItems(n int) string {
	var b strings.Builder
	b.WriteString(`{"version":"https://jsonfeed.org/version/1.1","items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"f%d","title":"t%d","tags":["a","b"]}`, i, i)
	}
	b.WriteString(`],"title":"JSON firehose"}`)
	return b.String()
}

// A feed is read only up to MaxItems items, whatever its format: the
// rest of it is never parsed, and the note says the feed lists more.
func TestParseReadsAtMostMaxItems(t *testing.T) {
	for _, tc := range []struct {
		name, body, title string
		items             int
		more              bool
	}{
		{"rss at the cap", rssItems(MaxItems, ""), "Firehose", MaxItems, false},
		{"rss of 100,000 items", rssItems(100_000, ""), "Firehose", MaxItems, true},
		{"atom of 5,000 entries", atomEntries(5000), "Atom firehose", MaxItems, true},
		{"json feed of 5,000 items", jsonItems(5000), "JSON firehose", MaxItems, true},
		{"json feed at the cap", jsonItems(MaxItems), "JSON firehose", MaxItems, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body), mustURL(t, "https://firehose.example/feed"))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != tc.items || f.Title != tc.title {
				t.Fatalf("%d items, title %q; want %d, %q", len(f.Items), f.Title, tc.items, tc.title)
			}
			if f.Items[0].GUID != "f0" || f.Items[len(f.Items)-1].GUID != fmt.Sprintf("f%d", tc.items-1) {
				t.Fatalf("items %s to %s, want the first %d", f.Items[0].GUID, f.Items[len(f.Items)-1].GUID, tc.items)
			}
			note := strings.Join(f.Notes, " ")
			want := fmt.Sprintf("The feed lists more than %d items; newsdesk reads the first %d.", MaxItems, MaxItems)
			if tc.more != strings.Contains(note, want) {
				t.Fatalf("note %q; want it to say %q: %v", note, want, tc.more)
			}
		})
	}
}

// Hostile shapes are refused with a message saying what is wrong, or
// read in part, with a note saying what was left out, never parsed whole.
func TestParseBoundsHostileShapes(t *testing.T) {
	deep := `<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><item><guid>d</guid><description>` +
		strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000) + `</description></item></channel></rss>`
	deepJSON := `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"d","x":` +
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}]}`
	var attrs strings.Builder
	for i := range MaxAttrs + 1 {
		fmt.Fprintf(&attrs, ` a%d="x"`, i)
	}
	manyAttrs := `<?xml version="1.0"?><rss version="2.0"><channel><title>Attrs</title><item><guid>a</guid><category` +
		attrs.String() + `>c</category></item></channel></rss>`
	huge := strings.Repeat("lorem ipsum dolor sit amet ", MaxItemBytes/27+1)
	hugeItem := `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>` +
		`<item><guid>a</guid></item><item><guid>b</guid><description>` + huge + `</description></item><item><guid>c</guid></item></channel></rss>`
	hugeTitle := `<?xml version="1.0"?><rss version="2.0"><channel><title>` + huge + `</title><link>https://huge.example/</link>` +
		`<item><guid>a</guid></item></channel></rss>`
	// 300 dc:subject elements to an item: 301,000 elements in all.
	subjects := strings.Repeat("<dc:subject>s</dc:subject>", 300)
	manyElements := rssItems(MaxItems, subjects)
	// Before the items: rss, its two attributes, channel, title and link.
	// Then each item: itself, its guid and title, its 300 subjects.
	const before, perItem = 6, 1 + 2 + 300
	for _, tc := range []struct {
		name, body string
		msg        string // the error's message; "" for a feed that is read
		items      int
		note       string
	}{
		{"nested 100,000 deep", deep, fmt.Sprintf("The feed nests elements more than %d deep; newsdesk does not read it.", MaxDepth), 0, ""},
		{"json nested 5,000 deep", deepJSON, fmt.Sprintf("The feed nests values more than %d deep; newsdesk does not read it.", MaxDepth), 0, ""},
		{"an element with too many attributes", manyAttrs, fmt.Sprintf("An element of the feed has more than %d attributes; newsdesk does not read it.", MaxAttrs), 0, ""},
		{"an item larger than the limit", hugeItem, "", 2, fmt.Sprintf("newsdesk left out 1 item larger than %d MB.", MaxItemBytes>>20)},
		{"a title larger than the limit", hugeTitle, "", 1, ""},
		{"too many elements", manyElements, "", (MaxNodes - before) / perItem,
			fmt.Sprintf("The feed has more than %d elements and attributes; newsdesk read its first %d items.", MaxNodes, (MaxNodes-before)/perItem)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body), mustURL(t, "https://hostile.example/feed"))
			if tc.msg != "" {
				if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE || newsdesk.ErrorMessage(err) != tc.msg {
					t.Fatalf("got %v (%s), want %q", err, newsdesk.ErrorCode(err), tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != tc.items {
				t.Fatalf("%d items, want %d", len(f.Items), tc.items)
			}
			if note := strings.Join(f.Notes, " "); !strings.Contains(note, tc.note) {
				t.Fatalf("note %q, want %q", note, tc.note)
			}
		})
	}
}

// Bounded means bounded in memory too: what parsing a hostile 10 MB feed
// allocates, in all, stays a small multiple of the feed's size.
func TestParseAllocatesBoundedMemory(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"100,000 items", rssItems(100_000, "")},
		{"json feed of 100,000 items", jsonItems(100_000)},
		{"300 extension elements to an item", rssItems(1150, strings.Repeat("<dc:subject>s</dc:subject>", 300))},
		{"nested a million deep", `<?xml version="1.0"?><rss version="2.0"><channel>` + strings.Repeat("<a>", 1_000_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			Parse(body, mustURL(t, "https://hostile.example/feed"))
			runtime.ReadMemStats(&after)
			// Before the pre-pass, 100,000 items allocated 1.2 GB.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 128<<20 {
				t.Fatalf("parsing %d MB allocated %d MB", len(body)>>20, alloc>>20)
			}
		})
	}
}

// One bad byte no longer loses a feed: bytes that are not UTF-8 become
// U+FFFD, the rest is read, and the note says so. A feed that declares
// another encoding is read in it, and nothing is replaced.
func TestParseRepairsInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, body, title string
		repaired          bool
	}{
		{"a Latin-1 byte in a UTF-8 feed", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title>" +
			"<item><guid>a</guid><title>Cr\xe8me br\xfbl\xe9e</title></item><item><guid>b</guid><title>b</title></item></channel></rss>", "Caf\uFFFD", true},
		{"no declaration", "<rss version=\"2.0\"><channel><title>Caf\xe9\xe9</title><item><guid>a</guid><title>\xff</title></item>" +
			"<item><guid>b</guid><title>b</title></item></channel></rss>", "Caf\uFFFD", true},
		{"a noncharacter", "<rss version=\"2.0\"><channel><title>Caf\uFFFF</title><item><guid>a</guid><title>x</title></item>" +
			"<item><guid>b</guid><title>b</title></item></channel></rss>", "Caf\uFFFD", true},
		{"atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Caf\xe9</title><entry><id>a</id><title>\xe9</title></entry>" +
			"<entry><id>b</id><title>b</title></entry></feed>", "Caf\uFFFD", true},
		{"declared ISO-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title>" +
			"<item><guid>a</guid><title>Cr\xe8me</title></item><item><guid>b</guid><title>b</title></item></channel></rss>", "Café", false},
		{"UTF-16, by its byte order mark", utf16LE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Café</title>" +
			"<item><guid>a</guid><title>x</title></item><item><guid>b</guid><title>b</title></item></channel></rss>"), "Café", false},
		{"declared Shift_JIS", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><rss version=\"2.0\"><channel><title>\x93\xfa\x96\x7b</title>" +
			"<item><guid>a</guid><title>x</title></item><item><guid>b</guid><title>b</title></item></channel></rss>", "日本", false},
		{"a JSON Feed", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Caf\xe9\",\"items\":[{\"id\":\"a\",\"title\":\"\xe9\"},{\"id\":\"b\"}]}",
			"Caf\uFFFD", true},
		{"valid UTF-8", "<rss version=\"2.0\"><channel><title>Café</title><item><guid>a</guid><title>x</title></item>" +
			"<item><guid>b</guid><title>b</title></item></channel></rss>", "Café", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body), mustURL(t, "https://cafe.example/feed"))
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tc.title || len(f.Items) != 2 {
				t.Fatalf("title %q, %d items; want %q, 2", f.Title, len(f.Items), tc.title)
			}
			note := strings.Join(f.Notes, " ")
			said := strings.Contains(note, "not valid UTF-8") && strings.Contains(note, "U+FFFD")
			if said != tc.repaired {
				t.Fatalf("note %q; want it to tell of the repair: %v", note, tc.repaired)
			}
		})
	}
}

// utf16LE is s in UTF-16, little-endian, after a byte order mark.
func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return string(b)
}

// JSON that is not a JSON Feed is not taken for an empty one.
func TestParseRequiresAJSONFeed(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		items      int
		msg        string
	}{
		{"an unrelated object", `{"hello":"world"}`, 0,
			`The address serves JSON, but not a JSON Feed: it has neither a "version" naming https://jsonfeed.org/version/ nor a list of "items".`},
		{"an API's error", `{"error":{"code":404,"message":"not found"}}`, 0,
			`The address serves JSON, but not a JSON Feed: it has neither a "version" naming https://jsonfeed.org/version/ nor a list of "items".`},
		{"a version of something else", `{"version":"2.0","data":[]}`, 0,
			`The address serves JSON, but not a JSON Feed: it has neither a "version" naming https://jsonfeed.org/version/ nor a list of "items".`},
		{"a version and no items", `{"version":"https://jsonfeed.org/version/1","title":"Quiet"}`, 0, ""},
		{"items and no version", `{"title":"Loose","items":[{"id":"a","title":"A"}]}`, 1, ""},
		{"keys in another case", `{"Version":"https://jsonfeed.org/version/1.1","ITEMS":[{"id":"a"}]}`, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body), mustURL(t, "https://api.example/feed.json"))
			if tc.msg != "" {
				if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE || newsdesk.ErrorMessage(err) != tc.msg {
					t.Fatalf("got %v (%s), want %q", err, newsdesk.ErrorCode(err), tc.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != tc.items {
				t.Fatalf("%d items, want %d", len(f.Items), tc.items)
			}
		})
	}
}
