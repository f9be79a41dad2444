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

// The second rule, for length: every column of text that an outlet fills
// (a source's name from its feed's title; an item's fields; what
// extraction found on a page; what newsdesk records about a poll, which
// can quote the feed) is cut to the length package newsdesk names for it,
// at a character boundary and ending with "…" (newsdesk.Truncate).
// Nobody can correct an outlet's feed, so its text is cut rather than
// refused; what staff type is refused when too long instead, by the
// types' Validate methods. Web addresses and HTTP validators are dropped
// rather than cut, since a cut one means something else. Like cleaning,
// cutting happens here, so that polling, WebSub, OPML imports,
// extraction, the desk, the API and the command line all follow it.

// Lengths of columns that package newsdesk has no name for.
const (
	maxMediaTypeLength = 255  // RFC 6838: 127 characters each side of the slash
	maxLanguageLength  = 35   // the longest language tag RFC 5646 asks software to keep
	maxValidatorLength = 1024 // an ETag or Last-Modified; real ones are a few dozen bytes
)

// cut cleans s, then cuts it to at most max characters.
func cut(s string, max int) string {
	return newsdesk.Truncate(cleanText(s), max)
}

// cleanURL cleans a web address, dropping one too long to be kept.
func cleanURL(s string) string {
	return dropLonger(cleanText(s), newsdesk.MaxURLLength)
}

// dropLonger returns s, or "" if it is longer than max bytes.
func dropLonger(s string, max int) string {
	if len(s) > max {
		return ""
	}
	return s
}

// cleanSource cleans and cuts a source's text before it is checked. A
// name that is the feed's address is a placeholder, replaced by the
// feed's title at the first good poll (see RecordPoll), so it is kept
// whole: a cut one would no longer be recognised.
func cleanSource(s *newsdesk.Source) {
	cleanTexts(&s.Name, &s.FeedURL)
	if s.Name != s.FeedURL {
		s.Name = newsdesk.Truncate(s.Name, newsdesk.MaxNameLength)
	}
	s.SiteURL = cleanURL(s.SiteURL)
	s.LastError = cut(s.LastError, newsdesk.MaxMessageLength)
	s.Note = cut(s.Note, newsdesk.MaxMessageLength)
	s.ETag = dropLonger(cleanText(s.ETag), maxValidatorLength)
	s.LastModified = dropLonger(cleanText(s.LastModified), maxValidatorLength)
}

// cleanPollResult cleans and cuts what a poll learned about a source. A
// feed whose title shows nothing gives no name.
func cleanPollResult(r *newsdesk.PollResult) {
	r.Name = cut(r.Name, newsdesk.MaxNameLength)
	if newsdesk.IsBlank(r.Name) {
		r.Name = ""
	}
	r.SiteURL = cleanURL(r.SiteURL)
	r.Note = cut(r.Note, newsdesk.MaxMessageLength)
	r.ETag = dropLonger(cleanText(r.ETag), maxValidatorLength)
	r.LastModified = dropLonger(cleanText(r.LastModified), maxValidatorLength)
}

// cleanPost cleans what an editor wrote of a post, before it is checked.
// The credit is cut like the source's name it is copied from, which may
// have been stored before names were cut.
func cleanPost(p *newsdesk.Post) {
	cleanTexts(&p.Headline, &p.Summary, &p.OriginalURL)
	p.SourceName = cut(p.SourceName, newsdesk.MaxNameLength)
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

// cleanItem returns a copy of a feed's item with its text cleaned and cut.
// The caller's item is left alone. The GUID is neither: package ingest
// keeps it to 500 bytes in a way that still tells items apart, and a cut
// one could make two items one.
func cleanItem(it *newsdesk.Item) *newsdesk.Item {
	c := *it
	c.GUID = cleanText(c.GUID)
	c.URL, c.ImageURL = cleanURL(c.URL), cleanURL(c.ImageURL)
	c.Title = cut(c.Title, newsdesk.MaxTitleLength)
	c.Summary = cut(c.Summary, newsdesk.MaxSummaryLength)
	c.Content = cut(c.Content, newsdesk.MaxContentLength)
	c.Author = cut(c.Author, newsdesk.MaxAuthorLength)
	if len(it.Enclosures) > 0 {
		c.Enclosures = make([]newsdesk.Enclosure, 0, len(it.Enclosures))
		for _, e := range it.Enclosures {
			if u := cleanURL(e.URL); u != "" {
				c.Enclosures = append(c.Enclosures, newsdesk.Enclosure{URL: u, Type: dropLonger(cleanText(e.Type), maxMediaTypeLength), Length: e.Length})
			}
		}
	}
	if len(it.Categories) > 0 {
		c.Categories = make([]string, len(it.Categories))
		for i, name := range it.Categories {
			c.Categories[i] = cut(name, newsdesk.MaxCategoryLength)
		}
	}
	return &c
}

// cleanArticle cleans and cuts what extraction found. The HTML is not
// cut, which could leave a tag open; it is bounded by the size of page
// that extraction reads.
func cleanArticle(a *newsdesk.Article) {
	a.Title = cut(a.Title, newsdesk.MaxTitleLength)
	a.Byline = cut(a.Byline, newsdesk.MaxAuthorLength)
	a.SiteName = cut(a.SiteName, newsdesk.MaxNameLength)
	a.Language = dropLonger(cleanText(a.Language), maxLanguageLength)
	a.Image = cleanURL(a.Image)
	a.Text = cut(a.Text, newsdesk.MaxContentLength)
	a.HTML = cleanText(a.HTML)
	a.Error = cut(a.Error, newsdesk.MaxMessageLength)
}
