package extract

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pickDate weighs what the page says of its publication date: the
// declared dates (JSON-LD, meta, microdata, <time pubdate>), the date in
// its URL, the date it shows next to the title, in a date line or after
// a label ("Published:"), and its modification date. Sources often
// disagree (one rewritten on every update, one in another time zone, a
// header showing today's date), so each votes for its day and the day
// with the most weight wins, ties going to the source listed first.
// Without any, the first date in the page's text is taken.
func (m *pageMeta) pickDate(base *url.URL, title string) time.Time {
	var votes []vote
	add := func(r reading, w float64) {
		if !r.t.IsZero() {
			votes = append(votes, vote{r, w})
		}
	}
	// A time stamp in UTC late or early in the day may fall on another
	// day where the page is published: it gives half its weight to the
	// neighbouring day.
	declare := func(r reading, w float64) {
		t := r.t
		if t.IsZero() {
			return
		}
		if _, off := t.Zone(); off == 0 && t.Hour()+t.Minute()+t.Second() > 0 {
			switch {
			case t.Hour() < utcEarly:
				add(reading{t: t}, w/2)
				add(reading{t: t.AddDate(0, 0, -1)}, w/2)
				return
			case t.Hour() >= utcLate:
				add(reading{t: t}, w/2)
				add(reading{t: t.AddDate(0, 0, 1)}, w/2)
				return
			}
		}
		add(r, w)
	}
	declare(readValue(m.ld.published), 1)
	// The first published date in meta votes fully, each further one
	// by half.
	n := 0
	for _, k := range publishedMeta {
		if r := readValue(m.meta[k]); !r.t.IsZero() {
			if n == 0 {
				declare(r, 1)
			} else {
				declare(r, 0.5)
			}
			n++
		}
	}
	declare(readValue(m.itemDate), 1)
	declare(readValue(m.pubTime), 1)
	if base != nil {
		add(reading{t: urlDate(base.Path)}, voteURL)
	}
	add(m.nearTitleDate(title), voteNear)
	for _, c := range m.times {
		if r := readValue(c); !r.t.IsZero() {
			add(r, voteTime)
			break
		}
	}
	add(m.visibleDate(), voteVisible)
	if !m.labelDate.t.IsZero() {
		add(m.labelDate, voteLabel)
	} else {
		add(m.updateLabelDate, voteLabel)
	}
	if t := parseStamp(m.titleDate); m.titleMod {
		add(reading{t: t}, voteModified)
	} else {
		add(reading{t: t}, voteTitleAttr)
	}
	add(readValue(m.first("og:updated_time", "article:modified_time")), voteModified)
	if len(votes) == 0 {
		return m.lastResortDate()
	}
	settleOrder(votes)
	best, bestW := 0, 0.0
	for i, v := range votes {
		w := 0.0
		for _, u := range votes {
			if sameDay(u.t, v.t) {
				w += u.w
			}
		}
		if w > bestW {
			best, bestW = i, w
		}
	}
	return votes[best].t
}

// lastResortDate is, for a page that declares no date and shows none
// where dates stand, the first date in its text, else in its
// description ("News of 14 January 2020"), else in the data its scripts
// hold for the page ("published_at": "2019-03-02T06:22:28+01:00").
func (m *pageMeta) lastResortDate() time.Time {
	if t := m.firstTextDate(); !t.IsZero() {
		return t
	}
	if t := findDate(m.first("og:description", "description")); !t.IsZero() {
		return t
	}
	for _, k := range scriptDateKeys {
		for _, sc := range m.scripts {
			if t := scriptDate(sc.Data, k); !t.IsZero() {
				return t
			}
		}
	}
	return time.Time{}
}

// scriptDateKeys name a publication date in the data of scripts
// (schema.org's, then those of common site builders' APIs), the most
// telling first.
var scriptDateKeys = []string{"datePublished", "publishedAt", "published_at", "publishDate", "publish_date",
	"dateCreated", "createdAt", "created_at"}

// scriptDate reads the time stamp given to key in a script's data:
// "key": "2019-03-02T06:22:28+01:00", or the same escaped inside a
// string of JSON (\"key\":\"2019-03-02\").
func scriptDate(src, key string) time.Time {
	for off := 0; off < len(src); {
		i := strings.Index(src[off:], key)
		if i < 0 {
			return time.Time{}
		}
		i += off
		off = i + len(key)
		if i == 0 || src[i-1] != '"' {
			continue
		}
		s := src[off:min(len(src), off+48)]
		s = strings.TrimPrefix(strings.TrimPrefix(s, "\\"), "\"")
		s = strings.TrimLeft(s, " ")
		if !strings.HasPrefix(s, ":") {
			continue
		}
		s = strings.TrimLeft(s[1:], " \\\"")
		if j := strings.IndexAny(s, "\"\\"); j > 0 {
			return parseStamp(s[:j])
		}
		return time.Time{}
	}
	return time.Time{}
}

// publishedMeta are the meta names and properties that declare a
// publication date, the most specific first.
var publishedMeta = []string{"article:published_time", "og:published_time", "og:article:published_time", "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date", "citation_publication_date", "citation_date", "article.published", "published_time", "cxenseparse:recs:publishtime"}

// vote is one source's reading of the date and its weight.
type vote struct {
	reading
	w float64
}

// settleOrder reads each date written in numbers both ways (11/01/2021)
// the way the page's other dates support: month first when another one
// says 1 November and none says 11 January. The same text read again
// (a date line that is also next to the title) is no support.
func settleOrder(votes []vote) {
	for i := range votes {
		v := &votes[i]
		if v.alt.IsZero() {
			continue
		}
		asIs, other := false, false
		for j, u := range votes {
			if j != i && (!u.t.Equal(v.t) || !u.alt.Equal(v.alt)) {
				asIs = asIs || sameDay(u.t, v.t)
				other = other || sameDay(u.t, v.alt)
			}
		}
		if other && !asIs {
			v.t, v.alt = v.alt, v.t
		}
	}
}

// The weights of the date sources other than declared dates (1).
var (
	utcEarly      = 5  // UTC hours before this may be the day before
	utcLate       = 21 // UTC hours from this may be the day after
	voteURL       = 1.5
	voteModified  = 0.25
	voteTime      = 0.7
	voteVisible   = 0.7
	voteNear      = 2.0
	voteLabel     = 0.7
	voteTitleAttr = 1.0
)

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// visibleDate is the first date written in an element that looks like
// a date line.
func (m *pageMeta) visibleDate() reading {
	for _, c := range m.dateText {
		if r := readDate(c); !r.t.IsZero() {
			return r
		}
	}
	return reading{}
}

// nearTitleDate is the date written closest after the article's title
// (its <h1>, or the heading the title was taken from), or failing that
// just before it: where a page shows its reader the date of what they
// read, above the body, rather than in a site header showing today's
// date, a list of other articles or the comments. A date line, short,
// is preferred to a date at the head of a paragraph, and one after the
// title to one before it.
func (m *pageMeta) nearTitleDate(title string) reading {
	h := m.titleHeading(title)
	if h == nil {
		return reading{}
	}
	var after, before reading
	afterAt, beforeAt := 0, 0
	read := 0
	for n := skipSubtree(h); n != nil && read < nearAfter; {
		if n.Type == html.ElementNode && ignoredForDates(n) {
			n = skipSubtree(n)
			continue
		}
		if n.Type == html.TextNode {
			r, l, long := textDate(n)
			if !r.t.IsZero() {
				after, afterAt = r, read
				if long {
					afterAt += nearLongPenalty
				}
				break
			}
			read += l
		}
		n = nextNode(n)
	}
	read = 0
	for n := prevNode(h); n != nil && read < nearBefore; n = prevNode(n) {
		if n.Type == html.TextNode && (n.Parent == nil || !ignoredForDates(n.Parent)) {
			r, l, _ := textDate(n)
			if !r.t.IsZero() {
				before, beforeAt = r, read+nearBeforePenalty
				break
			}
			read += l
		}
	}
	if after.t.IsZero() || !before.t.IsZero() && beforeAt < afterAt {
		return before
	}
	return after
}

// How far from the title a date is looked for, in bytes of text, and
// how much farther than it is a date at the head of a paragraph, or one
// before the title, counts.
var (
	nearAfter         = 500
	nearBefore        = 100
	nearLongPenalty   = 100
	nearBeforePenalty = 20
)

// titleHeading is the heading the title was read from, else one that
// holds the title with more around it ("Column: " before it), else the
// first <h1>.
func (m *pageMeta) titleHeading(title string) *html.Node {
	for i, h := range m.h1 {
		if h == title {
			return m.h1n[i]
		}
	}
	for i, h := range m.h2 {
		if h == title {
			return m.h2n[i]
		}
	}
	if len(title) >= 10 {
		for i, h := range m.h1 {
			if strings.Contains(h, title) {
				return m.h1n[i]
			}
		}
		for i, h := range m.h2 {
			if strings.Contains(h, title) {
				return m.h2n[i]
			}
		}
	}
	if len(m.h1n) > 0 {
		return m.h1n[0]
	}
	return nil
}

// ignoredForDates reports whether the dates under n are not shown to
// the reader as the page's: scripts and the like, hidden elements (a
// theme's hidden copy of the update time for search engines), comments.
func ignoredForDates(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
		return true
	}
	if hasAttr(n, "hidden") || commentSection(classID(n)) {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "style":
			if st := strings.ReplaceAll(a.Val, " ", ""); strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
				return true
			}
		case "class":
			updated, published := false, false
			for name := range strings.FieldsSeq(a.Val) {
				if hiddenClass(name) {
					return true
				}
				updated = updated || name == "updated"
				published = published || strings.Contains(name, "published")
			}
			// hAtom's update time, which themes write beside the
			// publication time and hide unless the post was changed.
			if updated && !published && publishedSibling(n) {
				return true
			}
		}
	}
	return false
}

// publishedSibling reports whether an element beside n is marked as the
// publication time.
func publishedSibling(n *html.Node) bool {
	if n.Parent == nil {
		return false
	}
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c != n && c.Type == html.ElementNode && strings.Contains(attr(c, "class"), "published") {
			return true
		}
	}
	return false
}

// hiddenClass reports whether a class name hides its element ("hidden",
// "rich-snippet-hidden", "sr-only"); "field--label-hidden" hides only
// the label of a field, not the field.
func hiddenClass(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "hidden", "d-none", "sr-only", "visually-hidden", "screen-reader-text":
		return true
	}
	return strings.HasSuffix(name, "-hidden") && !strings.Contains(name, "label")
}

// textDate finds a date in a text node, reading its parent's text when
// that is short (a date is often split over elements: "<b>4</b> Jun
// 2020"); it also returns how many bytes of text the node holds. Of a
// long text only the head is read, where a dateline stands: the dates
// further on in the prose are of what the article tells.
func textDate(n *html.Node) (r reading, size int, long bool) {
	s := strings.TrimSpace(n.Data)
	if s == "" {
		return reading{}, 0, false
	}
	if !strings.ContainsAny(s, "0123456789") {
		return reading{}, len(s), false
	}
	c := s
	if n.Parent != nil {
		if t := shortText(n.Parent, shortDateText); t != "" {
			c = t
		}
	}
	if len(c) >= shortDateText {
		c = c[:datelineHead]
		if i := strings.LastIndexByte(c, ' '); i > 0 {
			c = c[:i]
		}
		long = true
	}
	return readDate(c), len(s), long
}

// A text shorter than shortDateText bytes is read whole for a date, a
// longer one only in its first datelineHead bytes.
var (
	shortDateText = 120
	datelineHead  = 40
)

// nextNode is the node after n in document order.
func nextNode(n *html.Node) *html.Node {
	if n.FirstChild != nil {
		return n.FirstChild
	}
	return skipSubtree(n)
}

// skipSubtree is the first node after n and its descendants.
func skipSubtree(n *html.Node) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

// prevNode is the node before n in document order.
func prevNode(n *html.Node) *html.Node {
	if n.PrevSibling == nil {
		return n.Parent
	}
	n = n.PrevSibling
	for n.LastChild != nil {
		n = n.LastChild
	}
	return n
}

// commentSection reports whether a class-and-id names a comment section
// (or one comment), whose dates are of the comments.
func commentSection(ci string) bool {
	if !strings.Contains(ci, "comment") {
		return false
	}
	for name := range strings.FieldsSeq(ci) {
		if strings.HasPrefix(name, "comment") || strings.Contains(name, "-comment") || strings.Contains(name, "_comment") {
			return true
		}
	}
	return false
}

// dateWords in a class or id mark an element that may show a date.
var dateWords = []string{"date", "time", "publish", "posted", "meta", "byline", "submitted", "datum", "fecha"}

// The marks pageMeta looks for in an element's class and id.
const (
	markByline = 1 << iota
	markAuthor
	markComment
	markPublished
	markUpdated
	markDate // one of dateWords
)

type markWord struct {
	w    string
	mark uint8
}

// markWords are the words of the marks by their first letter, and
// markPairs the pairs of letters they start with, a bit for each.
var markWords, markPairs = func() (*[256][]markWord, *[1 << 16 / 64]uint64) {
	var t [256][]markWord
	var p [1 << 16 / 64]uint64
	add := func(w string, mark uint8) {
		t[w[0]] = append(t[w[0]], markWord{w, mark})
		k := uint16(w[0])<<8 | uint16(w[1])
		p[k>>6] |= 1 << (k & 63)
	}
	add("byline", markByline)
	add("author", markAuthor)
	add("comment", markComment)
	add("published", markPublished)
	add("updated", markUpdated)
	for _, w := range dateWords {
		add(w, markDate)
	}
	return &t, &p
}()

// classMarks returns the marks whose words n's classID holds, and false
// when n has neither class nor id. It reads the class and id as
// written, matching the words (lower-case ASCII letters) in either case,
// so that it builds no lower-cased string; beyond ASCII, where
// lower-casing may change more than letters' case, it reads classID.
func classMarks(n *html.Node) (uint8, bool) {
	class, id := classAndID(n)
	if class == "" && id == "" {
		return 0, false
	}
	mc, ascii1 := marksIn(class)
	mi, ascii2 := marksIn(id)
	if ascii1 && ascii2 {
		return mc | mi, true
	}
	m, _ := marksIn(classID(n))
	return m, true
}

// marksIn returns the marks whose words s holds in any ASCII case, and
// whether s is all ASCII. Class names are long and many; most of their
// bytes start no pair of letters a word starts with and are passed
// over after one look at a bit.
func marksIn(s string) (mark uint8, ascii bool) {
	var hi byte
	for i := 0; i < len(s); i++ {
		hi |= s[i]
	}
	for i := 0; i+1 < len(s); i++ {
		k := uint16(lowerASCII(s[i]))<<8 | uint16(lowerASCII(s[i+1]))
		if markPairs[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, w := range markWords[lowerASCII(s[i])] {
			if hasPrefixFold(s[i:], w.w) {
				// "authority-control" is no author's box.
				if w.mark == markAuthor && hasPrefixFold(s[i+len(w.w):], "ity") {
					continue
				}
				mark |= w.mark
			}
		}
	}
	return mark, hi < 0x80
}

func lowerASCII(c byte) byte { return asciiLower[c] }

// asciiLower maps the ASCII upper-case letters to lower case and every
// other byte to itself.
var asciiLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// hasPrefixFold reports whether s starts with w, a lower-case word, in
// any ASCII case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		if lowerASCII(s[j]) != w[j] {
			return false
		}
	}
	return true
}

// dateLabels introduce the page's own date in its text, in the languages
// the month names cover; updateLabels introduce the date of its last
// change.
var (
	dateLabels = []string{
		"published", "posted on", "posted:", "originally published", "date:",
		"veröffentlicht", "erschienen", "erstellt am", "erstellt:", "publiziert", "datum:",
		"publié", "date de publication", "publicado", "fecha:", "pubblicato", "data:", "gepubliceerd",
	}
	updateLabels = []string{
		"updated", "last updated", "last modified", "aktualisiert", "zuletzt aktualisiert", "letzte änderung",
		"stand:", "geändert am", "mis à jour", "actualizado", "atualizado", "aggiornato", "bijgewerkt",
	}
)

// labelsByInitial are the labels by their first letter, lower-cased,
// so that most text is passed over after one look.
var labelsByInitial [256][]dateLabel

type dateLabel struct {
	text   string
	update bool
}

func init() {
	for _, l := range dateLabels {
		labelsByInitial[l[0]] = append(labelsByInitial[l[0]], dateLabel{l, false})
	}
	for _, l := range updateLabels {
		labelsByInitial[l[0]] = append(labelsByInitial[l[0]], dateLabel{l, true})
	}
}

// labelledDate is the date a text node introduces with one of
// dateLabels or updateLabels ("Aktualisiert am 17.01.2021"), read from
// the node or, when the label stands in an element of its own
// ("<b>Stand:</b> 17.01.2021"), from its parent's or grandparent's
// short text; update tells which kind of label it was.
func labelledDate(n *html.Node) (r reading, update bool) {
	s := n.Data
	if len(s) < 5 || len(s) > 240 {
		return reading{}, false
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	s = s[i:]
	if len(s) < 5 {
		return reading{}, false
	}
	var label string
	for _, l := range labelsByInitial[s[0]|0x20] {
		if len(s) >= len(l.text) && strings.EqualFold(s[:len(l.text)], l.text) {
			label, update = l.text, l.update
			break
		}
	}
	if label == "" {
		return reading{}, false
	}
	if r = readDate(s[len(label):min(len(s), len(label)+60)]); !r.t.IsZero() {
		return r, update
	}
	for p, i := n.Parent, 0; p != nil && i < 2; p, i = p.Parent, i+1 {
		t := shortText(p, 160)
		if t == "" {
			break
		}
		l := strings.ToLower(t)
		if j := strings.Index(l, label); j >= 0 && len(l) == len(t) {
			rest := t[j+len(label):]
			if r = readDate(rest[:min(len(rest), 60)]); !r.t.IsZero() {
				return r, update
			}
		}
	}
	return reading{}, false
}
