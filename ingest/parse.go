package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	gofeedjson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"

	"github.com/newsdesk/newsdesk"
)

// Feed is a parsed feed: its title, its site and its items.
type Feed struct {
	Title   string
	SiteURL string
	// Items are the feed's first MaxItems items, in its order.
	Items []*newsdesk.Item
	// TTL is an RSS channel's <ttl>: how long it may be cached, so the
	// least time until the next poll. Zero if the feed does not say.
	TTL time.Duration
	// Notes say what a user should know of how the feed was read: what
	// was left out of it, what was repaired.
	Notes []string
}

// Parse parses an RSS, Atom or JSON feed fetched from base, resolving
// relative links against it. It returns EUNPROCESSABLE when body is not a
// feed (a web page, say), is a malformed one, or is past the limits
// newsdesk reads a feed within (see MaxItems and the rest): those are
// applied by a cheap pass over body before it is parsed, so that the
// parser reads only what is kept.
func Parse(body []byte, base *url.URL) (*Feed, error) {
	return parse(body, base, feedLimits())
}

func parse(body []byte, base *url.URL, lim limits) (*Feed, error) {
	var f *gofeed.Feed
	var out Feed
	var err error
	switch firstByte(body) {
	case '<':
		f, err = parseXML(body, lim, &out)
	case '{':
		f, err = parseJSON(body, lim, &out)
	default:
		err = notAFeed(body)
	}
	if err != nil {
		return nil, err
	}
	out.Title, out.SiteURL = clean(f.Title), resolve(base, f.Link)
	for k, fi := range f.Items {
		// Let the collector have each of gofeed's items once it is
		// read: a feed's text would otherwise be held twice.
		f.Items[k] = nil
		if fi == nil {
			continue
		}
		it := &newsdesk.Item{
			URL:     resolve(base, fi.Link),
			Title:   clean(htmlToText(fi.Title)),
			Summary: clean(htmlToText(fi.Description)),
			Content: fi.Content,
		}
		if it.Summary == "" && fi.Content != "" {
			it.Summary = clean(htmlToText(fi.Content))
		}
		switch {
		case len(fi.Authors) > 0 && fi.Authors[0] != nil:
			it.Author = clean(fi.Authors[0].Name)
		case fi.Author != nil:
			it.Author = clean(fi.Author.Name)
		}
		if fi.PublishedParsed != nil {
			t := fi.PublishedParsed.UTC()
			it.PublishedAt = &t
		} else if fi.UpdatedParsed != nil {
			t := fi.UpdatedParsed.UTC()
			it.PublishedAt = &t
		}
		addMedia(it, fi, f.FeedType, base)
		it.GUID = guid(fi, it)
		if it.GUID == "" {
			continue // nothing identifies it: it could not be stored once
		}
		out.Items = append(out.Items, it)
	}
	return &out, nil
}

// firstByte returns the first byte of body that is not a space or a byte
// order mark: '<' for XML, '{' for JSON.
func firstByte(body []byte) byte {
	for _, c := range body {
		switch c {
		case ' ', '\r', '\n', '\t', 0xFE, 0xFF, 0x00, 0xEF, 0xBB, 0xBF:
		default:
			return c
		}
	}
	return 0
}

// notAFeed says why body, which is not a feed, cannot be followed.
func notAFeed(body []byte) error {
	if looksLikeHTML(body) {
		return newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The address is a web page, not a feed.")
	}
	return newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The address does not serve an RSS, Atom or JSON feed.")
}

func malformed(err error) error {
	return newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "The feed is malformed (%s).", firstLine(err.Error()))
}

// parseXML parses an RSS or Atom feed within lim, noting on out what was
// repaired or left out, and the RSS channel's <ttl>.
func parseXML(body []byte, lim limits, out *Feed) (*gofeed.Feed, error) {
	text, isUTF8 := decodeXML(body)
	b, err := scanXML(text, lim)
	switch {
	case errors.Is(err, errNoFeedRoot):
		return nil, notAFeed(body)
	case err != nil:
		return nil, err
	}
	repaired := 0
	if isUTF8 {
		// Only what is kept is repaired: the pass does not need it, as
		// no byte that is not UTF-8 is markup, and what it leaves out is
		// never copied.
		repaired = b.repairUTF8()
	}
	var f *gofeed.Feed
	switch b.root {
	case "rss", "rdf":
		r, err := (&rss.Parser{}).Parse(b.reader())
		if err != nil {
			return nil, malformed(err)
		}
		out.TTL, _ = parseTTL(r.TTL)
		// Without the scan of each item's HTML for an image, which
		// builds the whole document's tree: leadImage finds it with a
		// tokenizer instead.
		f, err = (&gofeed.DefaultRSSTranslator{DisableContentImageScan: true}).Translate(r)
		if err != nil {
			return nil, malformed(err)
		}
	case "feed":
		a, err := (&atom.Parser{}).Parse(b.reader())
		if err != nil {
			return nil, malformed(err)
		}
		f, err = (&gofeed.DefaultAtomTranslator{}).Translate(a)
		if err != nil {
			return nil, malformed(err)
		}
	default: // no root at all
		return nil, notAFeed(body)
	}
	if repaired > 0 {
		out.Notes = append(out.Notes, repairNote(repaired))
	}
	out.Notes = append(out.Notes, b.notes("elements and attributes", lim)...)
	return f, nil
}

// parseJSON parses a JSON Feed within lim, noting on out what was left
// out. JSON that is not a JSON Feed is refused, saying so.
func parseJSON(body []byte, lim limits, out *Feed) (*gofeed.Feed, error) {
	b, err := scanJSON(body, lim)
	if err != nil {
		return nil, err
	}
	if b.read && !b.isJSONFeed() {
		return nil, newsdesk.Errorf(newsdesk.EUNPROCESSABLE,
			`The address serves JSON, but not a JSON Feed: it has neither a "version" naming https://jsonfeed.org/version/ nor a list of "items".`)
	}
	// Unmarshalled here rather than by gofeed's parser, which copies the
	// whole document first.
	var j gofeedjson.Feed
	if err := json.Unmarshal(b.bytes(), &j); err != nil {
		return nil, malformed(err)
	}
	f, err := (&gofeed.DefaultJSONTranslator{}).Translate(&j)
	if err != nil {
		return nil, malformed(err)
	}
	if !utf8.Valid(body) {
		// encoding/json reads each such byte as U+FFFD itself.
		out.Notes = append(out.Notes, repairNote(invalidRuns(body)))
	}
	out.Notes = append(out.Notes, b.notes("values", lim)...)
	return f, nil
}

// guid identifies an item within its feed: the feed's own id, else the
// link, else a hash of what the item says.
func guid(fi *gofeed.Item, it *newsdesk.Item) string {
	if g := strings.TrimSpace(fi.GUID); g != "" {
		return limit(g, 500)
	}
	if it.URL != "" {
		return limit(it.URL, 500)
	}
	if it.Title == "" && it.Summary == "" {
		return ""
	}
	var date string
	if it.PublishedAt != nil {
		date = it.PublishedAt.Format(time.RFC3339)
	}
	sum := sha256.Sum256([]byte(it.Title + "\x00" + it.Summary + "\x00" + date))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "" // javascript:, data: and the like are never links to an article
	}
	return u.String()
}

func looksLikeHTML(body []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 1024)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		bytes.Contains(head, []byte("<head")) || bytes.Contains(head, []byte("<body"))
}

// htmlToText returns the text of an HTML fragment, with block elements
// separated by blank lines. Script and style contents are dropped.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s)) // the text of HTML is about as long as the HTML, if not shorter
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr":
				b.WriteString("\n\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = max(skip-1, 0)
			case "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote":
				b.WriteString("\n\n")
			}
		}
	}
}

// clean collapses runs of spaces within lines and keeps at most one blank
// line between paragraphs: paragraphs are split at "\n\n" (after CRLF
// becomes LF), and within each every run of white space becomes one
// space. Text that shows nothing (see newsdesk.IsBlank), such as a title
// of zero-width spaces, is no text. It makes one pass and, for text that
// needs no more than its ends trimmed, no copy: it runs on every title
// and summary of every feed, some of them megabytes long.
func clean(s string) string {
	// White space at either end makes nothing of the result.
	s = strings.TrimSpace(s)
	// While the result is s[:n], nothing is copied; at the first
	// difference b takes what there is and the rest is written to it.
	n := 0
	var b strings.Builder
	put := func(p string) {
		if b.Cap() == 0 && s[n:min(n+len(p), len(s))] == p {
			n += len(p)
			return
		}
		if b.Cap() == 0 {
			b.Grow(len(s)) // the result is never longer than s
			b.WriteString(s[:n])
		}
		b.WriteString(p)
	}
	space, para, started := false, false, false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			i++ // "\r\n" is "\n"
			continue
		case c == '\n':
			j := i + 1
			if j+1 < len(s) && s[j] == '\r' && s[j+1] == '\n' {
				j++
			}
			if j < len(s) && s[j] == '\n' {
				para = true
				i = j + 1
			} else {
				space = true
				i++
			}
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = true
			i += size
			continue
		}
		switch {
		case !started:
		case para:
			put("\n\n")
		case space:
			put(" ")
		}
		started, space, para = true, false, false
		put(s[i : i+size])
		i += size
	}
	out := s[:n]
	if b.Cap() > 0 {
		out = b.String()
	}
	if newsdesk.IsBlank(out) {
		return ""
	}
	return out
}

func limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return s[:n-65] + "#" + hex.EncodeToString(sum[:])
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return limit(s, 200)
}
