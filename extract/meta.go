package extract

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what the page says about itself, gathered in one walk
// before the cleaner removes the parts that say it.
type pageMeta struct {
	meta     map[string]string // meta name/property/itemprop -> first content
	title    string            // <title>
	lang     string            // <html lang>
	h1       []string
	h1n      []*html.Node // the elements of h1, in the same order
	h1rest   []string     // each h1's text after a kicker element, "" when it has none
	ld       ldInfo
	relAuth  string   // text of the first rel=author link
	classAu  string   // text of the first byline-looking element
	textAu   string   // the name in the first "By Jane Doe" text
	times    []string // datetime of <time> elements, in order
	pubTime  string   // datetime of a <time> marked as the publication
	dateText []string // text of date-looking elements
	imgs     []string // first content images
	itemDate string
	// labelDate and updateLabelDate are the first dates a text
	// introduces as the page's ("Published: 3 May 2020") and as its
	// update's ("Stand: 03.05.2020"), and titleDate the date in the
	// title attribute of a microformat's published or updated element
	// (<abbr class="published" title="2020-05-03T10:00:00Z">).
	labelDate, updateLabelDate reading
	titleDate                  string
	titleMod                   bool // titleDate is of an update
	off                        int  // depth inside comment sections, whose dates are not the page's
	h2                         []string
	h2n                        []*html.Node
	root                       *html.Node // the page, for its visible text when needed
	// body is the element the article is looked for in (findBody), and
	// bodyText the textLen of it, counted on the way.
	body     *html.Node
	bodyText int
	inBody   bool
	scripts  []*html.Node // text of inline scripts, for the data they hold
	// hostName and hostJoined are the letters of the page's host's
	// main label, without and with its top-level domain.
	hostName, hostJoined string
}

// ldInfo is what JSON-LD says about the article.
type ldInfo struct {
	headline, name, author, published, publisher, image, typ string
	authorOrg                                                bool // the author is an organisation, not a person
}

func (m *pageMeta) walk(n *html.Node, base *url.URL) {
	if m.root == nil {
		m.root = n
	}
	if n == m.body {
		m.inBody = true
		defer func() { m.inBody = false }()
	}
	if n.Type == html.TextNode {
		if m.inBody {
			m.bodyText += nonSpace(n.Data)
		}
		if m.textAu == "" && n.Parent != nil && startsByline(n.Data) {
			if t := shortText(n.Parent, 101); t != "" {
				if c := cleanAuthor(t); looksLikeName(c) {
					m.textAu = c
				}
			}
		}
		if m.labelDate.t.IsZero() && m.off == 0 {
			if r, update := labelledDate(n); !update {
				m.labelDate = r
			} else if m.updateLabelDate.t.IsZero() {
				m.updateLabelDate = r
			}
		}
		return
	}
	if n.Type != html.ElementNode {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			m.walk(c, base)
		}
		return
	}
	switch n.DataAtom {
	case atom.Html:
		if m.lang == "" {
			m.lang = attr(n, "lang")
			if m.lang == "" {
				m.lang = attr(n, "xml:lang")
			}
		}
	case atom.Title:
		if m.inBody {
			m.bodyText += textLen(n)
		}
		if m.title == "" && n.Parent != nil && n.Parent.DataAtom != atom.Svg {
			m.title = innerText(n)
		}
		return
	case atom.Meta:
		if m.inBody {
			m.bodyText += textLen(n)
		}
		key := attr(n, "property")
		if key == "" {
			key = attr(n, "name")
		}
		if key == "" {
			key = attr(n, "itemprop")
		}
		if key == "" {
			if h := attr(n, "http-equiv"); h != "" {
				key = "http-equiv:" + h
			}
		}
		if key != "" {
			key = strings.ToLower(strings.TrimSpace(key))
			if v := strings.TrimSpace(attr(n, "content")); v != "" {
				if _, ok := m.meta[key]; !ok {
					m.meta[key] = v
				}
			}
		}
		return
	case atom.Script:
		if n.FirstChild == nil {
			return
		}
		if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") {
			m.ld.parse(n.FirstChild.Data)
		} else if len(m.scripts) < 40 {
			m.scripts = append(m.scripts, n.FirstChild)
		}
		return
	case atom.Style, atom.Noscript, atom.Template:
		if m.inBody && n.DataAtom != atom.Style {
			m.bodyText += textLen(n)
		}
		return
	case atom.H1:
		if len(m.h1) < 3 && !homeLink(n) {
			if t := headingText(n); t != "" {
				m.h1 = append(m.h1, t)
				m.h1n = append(m.h1n, n)
				m.h1rest = append(m.h1rest, kickerRest(n, t))
			}
		}
	case atom.H2:
		if len(m.h2) < 3 && !homeLink(n) {
			if t := headingText(n); t != "" {
				m.h2 = append(m.h2, t)
				m.h2n = append(m.h2n, n)
			}
		}
	case atom.Time:
		if m.off > 0 {
			break
		}
		if dt := attr(n, "datetime"); dt != "" {
			// One element declares once: a <time itemprop="datePublished">
			// is read as microdata below.
			if ip := attr(n, "itemprop"); ip != "datePublished" && ip != "dateCreated" && (hasAttr(n, "pubdate") || strings.Contains(classID(n), "publish")) {
				if m.pubTime == "" {
					m.pubTime = dt
				}
			}
			if len(m.times) < 5 {
				m.times = append(m.times, dt)
			}
		} else if len(m.dateText) < 8 {
			m.dateText = append(m.dateText, innerText(n))
		}
	case atom.A, atom.Link:
		if m.relAuth == "" && strings.Contains(attr(n, "rel"), "author") && n.DataAtom == atom.A {
			m.relAuth = innerText(n)
		}
	case atom.Img:
		if len(m.imgs) < 3 && base != nil {
			w, h := attr(n, "width"), attr(n, "height")
			if big(w) && big(h) {
				if src := imageSrc(n, base); src != "" {
					m.imgs = append(m.imgs, src)
				}
			}
		}
	}
	if ip := attr(n, "itemprop"); ip != "" {
		switch ip {
		case "datePublished", "dateCreated":
			if m.itemDate == "" {
				m.itemDate = attr(n, "content")
				if m.itemDate == "" {
					m.itemDate = attr(n, "datetime")
				}
				if m.itemDate == "" {
					m.itemDate = innerText(n)
				}
			}
		case "author":
			if m.classAu == "" {
				if name := findItemprop(n, "name"); name != "" {
					m.classAu = name
				} else if t := shortText(n, 80); t != "" {
					m.classAu = t
				}
			}
		}
	}
	off := false
	if mk, ok := classMarks(n); ok {
		if m.classAu == "" && mk&(markByline|markAuthor) != 0 && mk&markComment == 0 {
			// A label ("Posted", "Author:") marked as the byline's part
			// is passed over for the name marked after it.
			if t := shortText(n, 100); t != "" && !notName[strings.ToLower(cleanAuthor(t))] && cleanAuthor(t) != "" {
				m.classAu = t
			}
		}
		off = mk&markComment != 0 && commentSection(classID(n))
		if off {
			m.off++
		}
		if m.off == 0 && len(m.dateText) < 8 && mk&markDate != 0 {
			if t := shortText(n, 200); t != "" {
				m.dateText = append(m.dateText, t)
			}
		}
		if m.titleDate == "" && m.off == 0 {
			if v := attr(n, "title"); v != "" && mk&(markPublished|markUpdated) != 0 && !parseStamp(v).IsZero() {
				m.titleDate, m.titleMod = v, mk&markPublished == 0
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		m.walk(c, base)
	}
	if off {
		m.off--
	}
}

// homeLink reports whether a heading links to a site's home page, as
// the site's name in a page header does ("<h1><a href="/">Blog</a></h1>"):
// such a heading is never the article's title.
func homeLink(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.A {
			href := strings.TrimSpace(attr(c, "href"))
			if href == "" {
				continue
			}
			u, err := url.Parse(href)
			if err != nil {
				return false
			}
			p := u.Path
			return u.RawQuery == "" && (p == "" && u.Host != "" || p == "/" || p == "/index.html" || p == "/index.php")
		}
		if homeLink(c) {
			return true
		}
	}
	return false
}

// shortText is the collapsed text of n when it has fewer than max
// bytes, and "" otherwise; it stops reading as soon as it knows.
func shortText(n *html.Node, max int) string {
	var b strings.Builder
	if !boundedText(&b, n, 2*max+64) {
		return ""
	}
	t := collapse(b.String())
	if len(t) >= max {
		return ""
	}
	return t
}

// boundedText appends the text under n to b and reports whether it
// stayed within limit bytes.
func boundedText(b *strings.Builder, n *html.Node, limit int) bool {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
		return b.Len() <= limit
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !boundedText(b, c, limit) {
			return false
		}
	}
	return true
}

// firstTextDate is the first date in the page's text outside scripts and
// style sheets, read as readDate reads the first 100,000 bytes of that
// text with each text node followed by a space. The text is written out
// only as far as the date.
func (m *pageMeta) firstTextDate() time.Time {
	var b strings.Builder
	var d dateScan
	var found reading
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
			if found = d.more(b.String()); !found.t.IsZero() {
				return false
			}
			return b.Len() < maxDateText
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Title:
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	if m.root != nil {
		walk(m.root)
	}
	if found.t.IsZero() {
		// d was given the whole text with its last node.
		found = d.last()
	}
	return found.t
}

func big(s string) bool {
	s = strings.TrimSuffix(s, "px")
	if !isDigits(s) {
		return false
	}
	return len(s) >= 3
}

func findItemprop(n *html.Node, prop string) string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if attr(c, "itemprop") == prop {
			if v := attr(c, "content"); v != "" {
				return v
			}
			return innerText(c)
		}
		if v := findItemprop(c, prop); v != "" {
			return v
		}
	}
	return ""
}

// parse reads one JSON-LD script, keeping the first value of each field
// from an object whose type is an article (or, failing that, any).
func (l *ldInfo) parse(src string) {
	var v any
	src = strings.TrimSpace(src)
	// Pages written for old XHTML parsers wrap the data in a CDATA
	// section or a comment, which JSON does not allow.
	for _, w := range [][2]string{{"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
		if rest, ok := strings.CutPrefix(src, w[0]); ok {
			src = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), w[1]))
		}
	}
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return
	}
	l.visit(v, 0)
}

func isArticleType(t string) bool {
	return strings.Contains(t, "Article") || strings.Contains(t, "Posting") || t == "Report" || t == "Review"
}

func (l *ldInfo) visit(v any, depth int) {
	if depth > 8 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			l.visit(e, depth+1)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			l.visit(g, depth+1)
		}
		typ := ldString(x["@type"])
		art := isArticleType(typ)
		if art || typ == "WebPage" || typ == "" {
			if art && l.typ == "" {
				l.typ = typ
			}
			prefer := art
			set := func(dst *string, val string) {
				if val != "" && (*dst == "" || (prefer && l.typ == typ && false)) {
					*dst = val
				}
			}
			if art {
				set(&l.headline, ldString(x["headline"]))
				if l.author == "" {
					l.authorOrg = ldOrganization(x["author"])
				}
				set(&l.author, ldNames(x["author"]))
				set(&l.published, ldString(x["datePublished"]))
				set(&l.publisher, ldNames(x["publisher"]))
				set(&l.image, ldImage(x["image"]))
			} else {
				set(&l.name, ldString(x["headline"]))
				set(&l.published, ldString(x["datePublished"]))
			}
		}
		if typ == "Organization" || typ == "NewsMediaOrganization" || typ == "WebSite" {
			if l.publisher == "" && typ != "WebSite" {
				l.publisher = ldString(x["name"])
			}
		}
		if m, ok := x["mainEntity"]; ok {
			l.visit(m, depth+1)
		}
	}
}

// ldOrganization reports whether a JSON-LD author is an organisation
// (a newsroom, a station) rather than a person.
func ldOrganization(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		t := ldString(x["@type"])
		return t == "Organization" || t == "NewsMediaOrganization" || t == "Corporation"
	case []any:
		return len(x) == 1 && ldOrganization(x[0])
	}
	return false
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(html.UnescapeString(x))
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func ldNames(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		return ldString(x["name"])
	case []any:
		var names []string
		for _, e := range x {
			if s := ldNames(e); s != "" {
				names = append(names, s)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

func ldImage(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		return ldString(x["url"])
	case []any:
		for _, e := range x {
			if s := ldImage(e); s != "" {
				return s
			}
		}
	}
	return ""
}

// first returns the first non-empty meta value among keys.
func (m *pageMeta) first(keys ...string) string {
	for _, k := range keys {
		if v := m.meta[k]; v != "" {
			return v
		}
	}
	return ""
}

// fill sets a's metadata from what the page said.
func (m *pageMeta) fill(a *Result, base *url.URL) {
	a.SiteName = collapse(firstNonEmpty(m.first("og:site_name", "application-name", "twitter:site:name"), m.ld.publisher))
	a.Title = m.pickTitle(a.SiteName)
	if base != nil {
		m.hostName, m.hostJoined = hostLabels(base.Hostname())
	}
	a.Byline = m.pickAuthor(a.SiteName)
	a.Published = m.pickDate(base, a.Title)
	a.Language = firstNonEmpty(m.lang, m.first("og:locale", "http-equiv:content-language", "content-language", "dc.language", "language"))
	a.Language = strings.ReplaceAll(strings.TrimSpace(a.Language), "_", "-")
	if i := strings.IndexByte(a.Language, ','); i >= 0 {
		a.Language = strings.TrimSpace(a.Language[:i])
	}
	img := firstNonEmpty(m.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"), m.ld.image)
	if img == "" && len(m.imgs) > 0 {
		img = m.imgs[0]
	}
	if u := resolve(img, base, false); u != nil {
		a.Image = u.String()
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// titleSeparators split a title from the site's name.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " // ", " : ", " ~ "}

// pickTitle prefers the <h1> that the page's declared titles agree
// with, then the declared title without the site's name.
func (m *pageMeta) pickTitle(site string) string {
	declared := collapse(firstNonEmpty(m.first("og:title", "twitter:title"), m.ld.headline, m.meta["dc.title"], m.ld.name))
	title := collapse(m.title)
	all := []string{collapse(m.first("og:title")), collapse(m.first("twitter:title")), collapse(m.ld.headline), collapse(m.meta["dc.title"]), collapse(m.ld.name), title}
	agrees := func(h string) bool {
		if len(h) < 4 || strings.EqualFold(h, site) || titleSite(h, title) {
			return false
		}
		for _, d := range all {
			// A heading that says half the declared title or less is
			// a fragment of it ("Open Journalism Project:"), not it.
			if d != "" && strings.Contains(d, h) && 2*len(h) > len(stripSite(d, site)) {
				return true
			}
		}
		return false
	}
	for i, h := range m.h1 {
		if agrees(h) {
			return h
		}
		// "Kicker Headline": an <h1> that ends with a declared title
		// carries a label before it (a topic, a section, a date).
		if d := kickedTitle(h, all, site); d != "" {
			return d
		}
		// The same label in an element of its own, before a headline
		// that a declared title holds.
		if r := m.h1rest[i]; r != "" {
			for _, d := range all {
				if ld := strings.ToLower(d); strings.Contains(ld, strings.ToLower(r)) && !strings.Contains(ld, strings.ToLower(h)) {
					return r
				}
			}
		}
	}
	// A page with one <h1> (the site's name in the header aside) shows
	// it as the article's title, whatever the declared ones say.
	var h1 []string
	for _, h := range m.h1 {
		if len(h) >= 4 && !strings.EqualFold(h, site) && !titleSite(h, title) {
			h1 = append(h1, h)
		}
	}
	if len(h1) == 1 && !label(h1[0], title) {
		return h1[0]
	}
	for _, h := range m.h2 {
		if agrees(h) {
			return h
		}
	}
	if (title == "" || strings.EqualFold(title, site) || (declared == "" && !hasSeparator(title))) && len(m.h1)+len(m.h2) > 0 {
		for i, h := range append(m.h1, m.h2...) {
			if label(h, title) && i < len(m.h1) {
				// The page's main heading is a label: its <h2>s are
				// more likely boxes than the headline; <title> it is.
				break
			}
			if len(h) >= 4 && !strings.EqualFold(h, site) && !strings.EqualFold(h, title) && !titleSite(h, title) {
				return h
			}
		}
	}
	for _, t := range []string{declared, title} {
		if t == "" {
			continue
		}
		return stripSiteAll(t, site)
	}
	if len(m.h1) > 0 {
		return m.h1[0]
	}
	return ""
}

// titleSite reports whether heading h is the site's name as the
// page's <title> shows it: the last of the title's parts ("Headline |
// Security Blog"), and not its longest.
func titleSite(h, title string) bool {
	for _, sep := range titleSeparators {
		parts := strings.Split(title, sep)
		if len(parts) < 2 {
			continue
		}
		longest := 0
		for _, p := range parts {
			longest = max(longest, len(strings.TrimSpace(p)))
		}
		if p := strings.TrimSpace(parts[len(parts)-1]); strings.EqualFold(p, h) && len(p) < longest {
			return true
		}
	}
	return false
}

// label reports whether a heading of one word is a label ("Lorem",
// "Blog", "News") rather than a headline, as it is when the page's
// <title> says more.
func label(h, title string) bool {
	return !strings.Contains(h, " ") && strings.Contains(title, " ")
}

// headingText is a heading's text without the style sheets and
// scripts that component frameworks put inside it.
func headingText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
				b.WriteByte(' ')
			case c.Type == html.ElementNode && c.DataAtom != atom.Style && c.DataAtom != atom.Script:
				// Blocks inside a heading break its lines: "Truckwash
				// A31<div>The other directory</div>" is two phrases.
				block := isBlock(c)
				if block {
					b.WriteByte(' ')
				}
				walk(c)
				if block {
					b.WriteByte(' ')
				}
			}
		}
	}
	walk(n)
	return collapse(b.String())
}

// kickerRest returns the text of heading n after its first child
// element when that element is a short label before the headline
// ("<h1><span>Property crisis</span> Signa in trouble</h1>"), else "".
func kickerRest(n *html.Node, whole string) string {
	c := n.FirstChild
	for c != nil && c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
		c = c.NextSibling
	}
	if c == nil || c.Type != html.ElementNode || c.NextSibling == nil {
		return ""
	}
	k := headingText(c)
	if k == "" || len(k) > 60 || 2*len(k) > len(whole) || !strings.HasPrefix(whole, k) {
		return ""
	}
	rest := strings.Trim(whole[len(k):], " :|-–—·")
	if len(rest) < 12 {
		return ""
	}
	return rest
}

// kickedTitle returns the declared title (without the site's name)
// that h ends with after a few words more, "" when there is none.
func kickedTitle(h string, declared []string, site string) string {
	for _, d := range declared {
		if d == "" {
			continue
		}
		for _, t := range []string{d, stripSite(d, site)} {
			if len(t) >= 12 && len(t) < len(h) && strings.HasSuffix(h, t) && len(h)-len(t) <= 60 {
				return t
			}
		}
	}
	return ""
}

// stripSiteAll strips the site's name and what else the title adds
// after the headline, part by part ("Headline : Blog | Tagline | Since
// 2005"), while the parts stripped are shorter than what is left.
func stripSiteAll(t, site string) string {
	for i := 0; i < 4; i++ {
		s := stripSite(t, site)
		if s == t || len(strings.Fields(s)) < 3 {
			return s
		}
		t = s
	}
	return t
}

// stripSite removes a site-name prefix or suffix from a title.
func stripSite(t, site string) string {
	for _, sep := range titleSeparators {
		i := strings.LastIndex(t, sep)
		if i < 0 {
			continue
		}
		head, tail := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+len(sep):])
		switch {
		case site != "" && strings.EqualFold(tail, site):
			return head
		case site != "" && strings.EqualFold(head, site):
			return tail
		case len(tail) < len(head) && len(tail) <= 40:
			return head
		}
		j := strings.Index(t, sep)
		head, tail = strings.TrimSpace(t[:j]), strings.TrimSpace(t[j+len(sep):])
		if len(head) < len(tail)/2 && len(head) <= 30 {
			return tail
		}
	}
	return t
}

// pickAuthor prefers structured data, then meta, then the page's own
// byline.
func (m *pageMeta) pickAuthor(site string) string {
	pub := ""
	cands := []string{m.ld.author, m.first("author", "article:author", "dc.creator", "dc:creator", "byl", "sailthru.author", "parsely-author", "twitter:creator"), m.relAuth, m.classAu, m.textAu}
	if m.ld.authorOrg {
		// A newsroom named as the author in the data yields to a
		// person the page names.
		cands = append(cands[1:], m.ld.author)
	}
	for _, c := range cands {
		c = m.stripPublisher(cleanAuthor(c), site)
		if notName[strings.ToLower(c)] {
			continue
		}
		if c != "" && !m.publisherName(c, site) {
			if handle(c) {
				// A user name ("christian.stadtfeld", "wordpressadmin")
				// yields to a person's name another source gives.
				for _, d := range cands {
					if d = m.stripPublisher(cleanAuthor(d), site); strings.Contains(d, " ") && looksLikeName(d) && !m.publisherName(d, site) {
						return d
					}
				}
			}
			return fullName(c, cands)
		}
		if c != "" && pub == "" {
			pub = c
		}
	}
	return pub
}

// handle reports whether a byline reads as a user name rather than a
// person's: one word in lower case, or words joined by dots or
// underscores.
func handle(s string) bool {
	if strings.ContainsAny(s, " ") {
		return false
	}
	return strings.ToLower(s) == s || strings.ContainsAny(s, "._")
}

// fullName returns the name in another byline source that completes a
// first name alone ("Pamela" under the headline, "Pamela Anderson" in
// the metadata), else name.
func fullName(name string, sources []string) string {
	if strings.Contains(name, " ") {
		return name
	}
	for _, c := range sources {
		c = cleanAuthor(c)
		if len(c) > len(name)+1 && strings.EqualFold(c[:len(name)+1], name+" ") && looksLikeName(c) {
			return c
		}
	}
	return name
}

// notName are byline words left without a name.
var notName = map[string]bool{"posted": true, "by": true, "von": true, "autor": true, "autoren": true,
	"author": true, "authors": true, "written": true, "published": true, "veröffentlicht": true, "stand": true}

// stripPublisher removes the site's or publisher's name after a comma
// ("Jane Doe, CNN").
func (m *pageMeta) stripPublisher(c, site string) string {
	for _, p := range []string{site, m.ld.publisher} {
		if p == "" {
			continue
		}
		if i := strings.LastIndex(c, ", "); i > 0 && strings.EqualFold(strings.TrimSpace(c[i+2:]), p) {
			return strings.TrimSpace(c[:i])
		}
	}
	return c
}

// publisherName reports whether a byline names the site rather than a
// person: the site's or publisher's name, or a domain name.
func (m *pageMeta) publisherName(c, site string) bool {
	if strings.EqualFold(c, site) || strings.EqualFold(c, m.ld.publisher) {
		return true
	}
	l := strings.ToLower(c)
	if strings.HasPrefix(l, "www.") {
		return true
	}
	// The site's name as its address or its <title> spell it
	// ("Interscenario" on interscenar.io, "Krimiblog-Archiv" after the
	// headline in the title).
	if a := alnumLower(c); len(a) >= 4 && (a == m.hostName || a == m.hostJoined || a == alnumLower(m.titleTail())) {
		return true
	}
	if i := strings.LastIndexByte(l, '.'); i > 0 && i >= len(l)-4 && i < len(l)-2 && !strings.Contains(l, " ") {
		return true
	}
	return false
}

// titleTail is the last part of the <title> after a separator, the
// site's name on most pages, "" when the title has no separator.
func (m *pageMeta) titleTail() string {
	t := collapse(m.title)
	for _, sep := range titleSeparators {
		if i := strings.LastIndex(t, sep); i > 0 {
			if tail := strings.TrimSpace(t[i+len(sep):]); len(tail) < len(t)/2 {
				return tail
			}
		}
	}
	return ""
}

// hostLabels are the letters and digits of a host's main label
// ("www.interscenar.io": "interscenar"), and of it with its top-level
// domain, for names spelt across the dot ("interscenario").
func hostLabels(h string) (label, joined string) {
	parts := strings.Split(strings.TrimPrefix(strings.ToLower(h), "www."), ".")
	if len(parts) < 2 {
		return alnumLower(parts[0]), ""
	}
	label = parts[len(parts)-2]
	return alnumLower(label), alnumLower(label + parts[len(parts)-1])
}

// textBylines start the text of a byline.
var textBylines = []string{"by ", "by:", "von ", "von:", "posted by ", "written by ", "ein artikel von ", "gespeichert von ",
	"autor:", "autorin:", "author:", "autoren ", "par ", "por ", "redaktion:", "text:", "text von "}

// cjkBylines open Chinese bylines.
var cjkBylines = []string{"作者：", "作者:", "记者：", "记者:", "责任编辑：", "责任编辑:", "编辑：", "编辑:"}

// startsByline reports whether a text starts like a byline.
func startsByline(s string) bool {
	// As strings.TrimLeft(s, " \t\n\r\u00a0"), without its slow path
	// for a cut set beyond ASCII: this runs on every text of the page.
	for len(s) > 0 {
		if c := s[0]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			s = s[1:]
		} else if strings.HasPrefix(s, "\u00a0") {
			s = s[len("\u00a0"):]
		} else {
			break
		}
	}
	if len(s) < 3 || len(s) > 100 {
		return false
	}
	switch s[0] {
	case 'b', 'B', 'v', 'V', 'p', 'P', 'w', 'W', 'e', 'E', 'g', 'G', 'a', 'A', 'r', 'R', 't', 'T':
	case 0xe4, 0xe7, 0xe8:
		// Chinese bylines: 作者 (author), 记者 (reporter), 责任编辑 and
		// 编辑 (editor), each before a colon.
		for _, p := range cjkBylines {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	default:
		return false
	}
	for _, p := range textBylines {
		// The bylines start with an ASCII letter, s with a letter that
		// EqualFold matches only in either case.
		if s[0]|0x20 == p[0] && len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// looksLikeName reports whether s reads as a person's name: one to five
// words, each capitalised or a particle such as "von" or "de", no digits.
func looksLikeName(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	words := strings.Fields(s)
	if len(words) > 5 {
		return false
	}
	// Scripts without case (Chinese, Japanese, Korean): a name is a
	// short run of letters.
	if r, _ := utf8.DecodeRuneInString(s); unicode.IsLetter(r) && !unicode.IsUpper(r) && !unicode.IsLower(r) {
		return len(words) <= 2 && utf8.RuneCountInString(s) <= 8 && !strings.ContainsAny(s, "0123456789@/")
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case unicode.IsUpper(r):
		case w == "von" || w == "van" || w == "de" || w == "der" || w == "den" || w == "la" || w == "le" || w == "di" || w == "da" || w == "du" || w == "dos" || w == "del" || w == "y" || w == "und" || w == "and" || w == "&":
		default:
			return false
		}
		if strings.ContainsAny(w, "0123456789@/") {
			return false
		}
	}
	return true
}

var bylinePrefixes = []string{"作者：", "作者:", "记者：", "记者:", "责任编辑：", "责任编辑:", "编辑：", "编辑:", "by ", "by: ", "von ", "vom ", "von: ", "von:", "par ", "por ", "di ", "door ", "from ",
	"written by ", "posted by ", "autor: ", "autor ", "author: ", "auteur: ", "text: ", "geschrieben von ", "author"}

// bylineMarkers introduce the name inside a longer byline ("Posted on 3
// May by Jane Doe", "Zeige alle Beiträge von Jane Doe"): the name is
// what follows the last of them.
var bylineMarkers = []string{" by ", "posted by", "written by", "posts by", "published by", "veröffentlicht von",
	"eingestellt von", "erstellt von", "artikel von", "beitrag von", "beitragvon", "beiträge von", "geschrieben von",
	"publié par", "publicado por", ", par ", "autor:", "author:", "auteur:", "von:", "profil von"}

// bylineEnds cut what follows a name: a separator, a date, a link to the
// author's other articles.
var bylineEnds = []string{" | ", " - ", " – ", " — ", " » ", " · ", " •", "\n", " alle artikel", " alles von", " all posts",
	" weitere artikel", " mehr von", " am ", " on ", " le ", " el ", " stand", " @"}

// nameDateWords are the bylineEnds that are also words of names ("Loïc Le
// Clerc", "Tran On"): they end a name only before a date.
var nameDateWords = map[string]bool{" am ": true, " on ": true, " le ": true, " el ": true, " stand": true}

// digitSoon reports whether a digit comes within the next 16 bytes of s
// (the date after "am", "on", "le").
func digitSoon(s string) bool {
	return strings.ContainsAny(s[:min(len(s), 16)], "0123456789")
}

// nameTrim are the characters a name does not start or end with.
const nameTrim = " :|,;-–—»·•'\"“”‘’()[]"

// trimName trims nameTrim from both ends of s, but keeps a closing
// bracket that closes one the name opened ("Bradley M. Kuhn (bkuhn)").
func trimName(s string) string {
	t := strings.Trim(s, nameTrim)
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}} {
		if strings.Count(t, p[0]) > strings.Count(t, p[1]) && strings.HasPrefix(s[strings.Index(s, t)+len(t):], p[1]) {
			t += p[1]
		}
	}
	return t
}

func cleanAuthor(s string) string {
	s = collapse(s)
	if s == "" || strings.HasPrefix(s, "http") || strings.HasPrefix(s, "@") || strings.ContainsAny(s, "{}<>") || len(s) > 120 {
		return ""
	}
	if l := strings.ToLower(s); len(l) == len(s) {
		for _, mk := range bylineMarkers {
			if i := strings.LastIndex(l, mk); i >= 0 {
				s, l = s[i+len(mk):], l[i+len(mk):]
			}
		}
	}
	s = trimName(s)
	for {
		l := strings.ToLower(s)
		trimmed := false
		for _, p := range bylinePrefixes {
			if strings.HasPrefix(l, p) && len(s) > len(p) {
				s = trimName(s[len(p):])
				trimmed = true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	// "Jane Doe | 3 May 2020", "Jane Doe am 3. Mai 2020", "Jane Doe,
	// 03.05.2020": keep the name.
	if l := strings.ToLower(s); len(l) == len(s) {
		for _, sep := range bylineEnds {
			if i := strings.Index(l, sep); i > 0 && (!nameDateWords[sep] || digitSoon(l[i+len(sep):])) {
				s, l = s[:i], l[:i]
			}
		}
	}
	// "Interview: Jane Doe", "Text und Bild: Jane Doe": a role, then
	// the name.
	if i := strings.LastIndex(s, ": "); i > 0 && strings.Count(s[:i], " ") <= 2 && looksLikeName(strings.TrimSpace(s[i+2:])) {
		s = strings.TrimSpace(s[i+2:])
	}
	for i := 1; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' && (s[i-1] == ' ' || s[i-1] == ',') {
			s = s[:i]
			break
		}
	}
	s = trimName(s)
	// "jane jane", "Jane Doe Jane Doe": a name written twice (an avatar's
	// text and a link) once.
	if h := len(s) / 2; len(s)%2 == 1 && s[h] == ' ' && s[:h] == s[h+1:] {
		s = s[:h]
	}
	if len(s) < 2 {
		return ""
	}
	return s
}

func hasSeparator(t string) bool {
	for _, sep := range titleSeparators {
		if strings.Contains(t, sep) {
			return true
		}
	}
	return false
}
