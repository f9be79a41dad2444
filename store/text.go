package store

import (
	"strings"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// The rule for text, the same on both databases: every string the store
// writes is cleaned first. A NUL byte is dropped and each run of bytes
// that is not UTF-8 becomes U+FFFD, the replacement character.
//
// PostgreSQL refuses both in TEXT columns (SQLSTATE 22021), which made an
// editor's stray NUL or a feed in the wrong encoding fail with an internal
// error there, while SQLite stored the bytes as given. Neither can be
// shown to a reader as anything meaningful, and they reach newsdesk from
// places nobody can correct (an outlet's feed, a page's text), so they are
// cleaned silently rather than refused; what is stored, and read back, is
// then the same on either database. Cleaning happens here, at the store's
// boundary, so that every way in (the desk, the API, polling, WebSub,
// extraction, the command line) follows it.

// cleanText returns s as the store keeps it. Text that needs no cleaning,
// nearly all of it, is returned as it is.
func cleanText(s string) string {
	if storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// storable reports whether s can be stored as it is.
func storable(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

// cleanTexts cleans each of the strings in place.
func cleanTexts(ss ...*string) {
	for _, s := range ss {
		*s = cleanText(*s)
	}
}

// cleanPost cleans what an editor wrote of a post, before it is checked.
func cleanPost(p *newsdesk.Post) {
	cleanTexts(&p.Headline, &p.Summary, &p.SourceName, &p.OriginalURL)
	if len(p.Tags) == 0 {
		return
	}
	// A new slice: the caller's tags may be shared.
	tags := make([]newsdesk.Tag, len(p.Tags))
	for i, t := range p.Tags {
		tags[i] = newsdesk.Tag{Slug: cleanText(t.Slug), Name: cleanText(t.Name)}
	}
	p.Tags = tags
}

// cleanItem returns a copy of a feed's item with its text cleaned. The
// caller's item is left alone.
func cleanItem(it *newsdesk.Item) *newsdesk.Item {
	c := *it
	cleanTexts(&c.GUID, &c.URL, &c.Title, &c.Summary, &c.Content, &c.Author, &c.ImageURL)
	if len(it.Enclosures) > 0 {
		c.Enclosures = make([]newsdesk.Enclosure, len(it.Enclosures))
		for i, e := range it.Enclosures {
			c.Enclosures[i] = newsdesk.Enclosure{URL: cleanText(e.URL), Type: cleanText(e.Type), Length: e.Length}
		}
	}
	if len(it.Categories) > 0 {
		c.Categories = make([]string, len(it.Categories))
		for i, name := range it.Categories {
			c.Categories[i] = cleanText(name)
		}
	}
	return &c
}
