package ingest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html/charset"

	"github.com/newsdesk/newsdesk"
)

// small are limits a fuzzer reaches within a few hundred bytes.
var small = limits{items: 2, depth: 6, attrs: 3, nodes: 40, itemBytes: 200, junkBytes: 60}

// unlimited are limits no test input reaches.
var unlimited = limits{items: 1 << 30, depth: 1 << 30, attrs: 1 << 30, nodes: 1 << 30, itemBytes: 1 << 30, junkBytes: 1 << 30}

func feedSeeds(f *testing.F) {
	for _, name := range []string{"rss2.xml", "atom.xml", "rss091.xml", "rss092.xml", "rss1.rdf", "rss2-media.xml",
		"atom03.xml", "atom-media.xml", "jsonfeed.json", "jsonfeed10.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		rssItems(5, "<dc:subject>s</dc:subject>"),
		atomEntries(4),
		jsonItems(4),
		`<rss><channel><item><a><b><c><d><e><f><g>deep</g></f></e></d></c></b></a></item></channel></rss>`,
		`<rss a="1" b="2" c="3" d="4"><channel/></rss>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Caf` + "\xe9" + `</title><item><guid>a</guid></item></channel></rss>`,
		`<rss><channel><item><title>x</channel></rss>`,
		`<rss><channel><!-- a comment --><![CDATA[ text ]]><?pi x?><item/><item/><item/></channel></rss>`,
		`<!DOCTYPE rss [<!ENTITY a "<b>"><!-- > -->]><rss><channel><item><guid a=b c>x</guid></item></channel></rss>`,
		`<rss><channel><item>` + strings.Repeat("long text ", 30) + `</item><item>b</item></channel></rss>`,
		`<rdf:RDF xmlns:rdf="r"><channel/><item/><item/><item/></rdf:RDF>`,
		`<rss><channel><?xml version="1.0" encoding="UTF-16"?><item/></channel></rss>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"a"},{"id":"b"},{"id":"c"}],"title":"t"}`,
		`{"items":[[[[[[[[1]]]]]]]]}`,
		`{"title":"` + strings.Repeat("x", 300) + `","items":[]}`,
	} {
		f.Add([]byte(s))
	}
}

// xmlView is what encoding/xml, as gofeed runs it, reads of a feed, up to
// the end of its root element or its first error, in the terms of the
// limits: the pass's promise is that the parser reads nothing past them.
type xmlView struct {
	ok       bool // read through the end of the root without an error
	depth    int  // deepest nesting
	attrs    int  // most attributes on one element
	nodes    int  // elements and attributes
	items    int
	piece    int // bytes of the largest piece
	notFeed  bool
	tokens   []string // every token but XML declarations, for comparing
	sawFirst bool
}

func readXML(b []byte) xmlView {
	var v xmlView
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	type open struct {
		container, piece bool
		start            int64
	}
	var stack []open
	pieceOpen := false
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return v
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth := len(stack) + 1
			v.depth = max(v.depth, depth)
			v.attrs = max(v.attrs, len(t.Attr))
			v.nodes += 1 + len(t.Attr)
			o := open{}
			switch {
			case depth == 1:
				o.container = true
				if l := strings.ToLower(t.Name.Local); l != "rss" && l != "rdf" && l != "feed" {
					v.notFeed = true
					return v
				}
			case depth == 2 && strings.EqualFold(t.Name.Local, "channel"):
				o.container = true
			case !pieceOpen:
				o.piece, o.start, pieceOpen = true, before, true
				if strings.EqualFold(t.Name.Local, "item") || strings.EqualFold(t.Name.Local, "entry") {
					v.items++
				}
			}
			stack = append(stack, o)
			v.tokens = append(v.tokens, "<"+t.Name.Space+":"+t.Name.Local+attrString(t.Attr))
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if o.piece {
				pieceOpen = false
				v.piece = max(v.piece, int(d.InputOffset()-o.start))
			}
			v.tokens = append(v.tokens, "</"+t.Name.Space+":"+t.Name.Local)
			if len(stack) == 0 {
				v.ok = true
				return v
			}
		case xml.CharData:
			v.tokens = append(v.tokens, "T"+string(t))
		case xml.Comment:
			v.tokens = append(v.tokens, "C"+string(t))
		case xml.ProcInst:
			if t.Target != "xml" {
				v.tokens = append(v.tokens, "P"+t.Target+" "+string(t.Inst))
			}
		case xml.Directive:
			v.tokens = append(v.tokens, "D"+string(t))
		}
	}
}

func attrString(attrs []xml.Attr) string {
	var b strings.Builder
	for _, a := range attrs {
		b.WriteString(" " + a.Name.Space + ":" + a.Name.Local + "=" + a.Value)
	}
	return b.String()
}

// FuzzScanXML checks the pass over XML against encoding/xml, as gofeed
// runs it: what the parser reads of what the pass keeps is within the
// limits, whatever the input; what the parser would read whole, the
// pass keeps readable; and it keeps all of a feed within the limits, and
// refuses no feed that is.
func FuzzScanXML(f *testing.F) {
	feedSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		text, _ := decodeXML(body)
		in := readXML(text)

		b, err := scanXML(text, small)
		switch {
		case errors.Is(err, errNoFeedRoot):
			if in.ok && !in.notFeed {
				t.Fatalf("refused as no feed: %q", text)
			}
			return
		case err != nil:
			if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE {
				t.Fatalf("error %v", err)
			}
			if in.ok && in.depth <= small.depth && in.attrs <= small.attrs {
				t.Fatalf("refused (%v) a feed within the limits: %q", err, text)
			}
			return
		}
		out := readXML(b.bytes())
		if out.depth > small.depth || out.attrs > small.attrs || out.nodes > small.nodes || out.items > small.items ||
			out.piece > small.itemBytes {
			t.Fatalf("the parser reads past the limits: %+v\nof %q", out, b.bytes())
		}
		if in.ok && !out.ok {
			t.Fatalf("cut unreadable: %q\nfrom %q", b.bytes(), text)
		}
		if out.ok && out.items != b.items {
			t.Fatalf("the pass kept %d items, the parser reads %d: %q", b.items, out.items, b.bytes())
		}

		// Within limits no input reaches, what the parser reads is what
		// it would have read.
		whole, err := scanXML(text, unlimited)
		if err != nil {
			if in.ok && !errors.Is(err, errNoFeedRoot) {
				t.Fatalf("refused %v: %q", err, text)
			}
			return
		}
		// (An XML declaration past the start, which the pass leaves out,
		// would switch encoding/xml to the encoding it names.)
		if in.ok && !bytes.Contains(text[1:], []byte("<?xml")) {
			got := readXML(whole.bytes())
			if strings.Join(got.tokens, "\x00") != strings.Join(in.tokens, "\x00") {
				t.Fatalf("the pass changed the feed:\n got %q\nwant %q", got.tokens, in.tokens)
			}
		}
	})
}

// jsonDepth returns how deep a JSON document nests, and whether it is
// JSON.
func jsonDepth(b []byte) (int, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	depth, most := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return most, true
		}
		if err != nil {
			return most, false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			most = max(most, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// FuzzScanJSON checks the pass over JSON Feed against encoding/json: what
// is kept of JSON stays JSON, with no more items than the limit and no
// deeper than it; JSON within the limits is kept as it is.
func FuzzScanJSON(f *testing.F) {
	feedSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 || firstByte(body) != '{' {
			return
		}
		valid := json.Valid(body)
		b, err := scanJSON(body, small)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EUNPROCESSABLE {
				t.Fatalf("error %v", err)
			}
			if depth, ok := jsonDepth(body); ok && valid && depth <= small.depth {
				t.Fatalf("refused (%v) JSON %d deep: %q", err, depth, body)
			}
			return
		}
		out := b.bytes()
		if !valid {
			return // encoding/json refuses it, without reading it
		}
		if !json.Valid(out) {
			t.Fatalf("cut is not JSON: %q\nfrom %q", out, body)
		}
		if depth, _ := jsonDepth(out); depth > small.depth {
			t.Fatalf("kept JSON %d deep: %q", depth, out)
		}
		var feed struct {
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(out, &feed) == nil && len(feed.Items) > small.items {
			t.Fatalf("kept %d items: %q", len(feed.Items), out)
		}
		whole, err := scanJSON(body, unlimited)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.bytes(), body[skipBOM(body):]) {
			t.Fatalf("changed JSON within the limits:\n got %q\nwant %q", whole.bytes(), body)
		}
	})
}
