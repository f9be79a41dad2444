package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Boilerplate is recognised by the words sites use in class and id
// attributes for the parts of a page that are not the article: the same
// vocabulary readability, boilerpipe and trafilatura rely on. These are
// general words of web design, not names of sites.
var (
	// negativeWords mark a page part that is not the article, matched
	// anywhere in class or id.
	negativeWords = []string{
		"comment", "disqus", "respond", "cookie", "consent", "gdpr",
		"share", "sharing", "social", "newsletter", "subscri", "related",
		"recommend", "sidebar", "breadcrumb", "pagination", "pager",
		"navbar", "footer", "masthead", "banner",
		"advert", "sponsor", "promo", "popup", "modal", "widget", "skiplink",
		"skip-link", "tagcloud", "tag-cloud", "signup", "login", "searchform",
		"search-form", "toolbar", "byline", "dateline", "postmeta", "post-meta",
		"entry-meta", "article-meta", "meta-data", "metadata", "author-info", "authorinfo", "author-bio",
		"about-author", "author-box", "bio-box", "more-from", "moreform",
		"also-read", "further-reading", "crumbs", "print-",
		"rating", "tags", "post-tag", "categories", "taxonomy", "reply", "outbrain",
		"taboola", "trending", "popular", "most-read", "mostread", "jump-to",
		"offscreen", "sr-only", "visually-hidden", "noprint", "site-header",
		"global-header", "main-header", "header-nav", "top-header",
		"caption", "credit", "copyright", "legal", "disclaimer", "sitemap", "topbar",
		"donate", "overlay", "lightbox", "dropdown", "carousel",
		"author-name", "post-author", "published", "posted", "timestamp", "pubdate",
		"nav-", "-nav", "_nav", "nav_",
	}
	// negativeTokens mark a page part when they are a whole word of the
	// class or id (as substrings they would match too much).
	negativeTokens = map[string]bool{
		"nav": true, "ad": true, "ads": true, "tag": true, "meta": true,
		"hide": true, "cta": true, "legal": true, "extra": true, "links": true, "author": true,
		"date": true, "time": true, "info": true, "tools": true, "aside": true,
		"foot": true, "skip": true, "print": true, "email": true,
		"share": true, "follow": true, "credits": true, "byline": true,
	}
	// positiveWords mark the article's own container; an element with
	// both (such as "post-content has-sidebar") is kept.
	positiveWords = []string{
		"article", "content", "entry", "hentry", "h-entry", "main", "post",
		"text", "blog", "story", "body", "column",
	}
)

// classifier remembers, per page, what each class-and-id string and
// each single class name means, because pages repeat the same few
// strings over thousands of elements.
type classifier struct {
	full  map[string]int8
	names map[string]int8 // 1 boilerplate, 2 article, 3 neither
}

func newClassifier() *classifier {
	return &classifier{full: make(map[string]int8, 64), names: make(map[string]int8, 64)}
}

// weight is what n's classID says: -1 for boilerplate, +1 for article
// content, 0 for neither. The weights are held by the class as written
// for the elements without an id (most of them), so that these need not
// be lower-cased again, and by the classID for the others: either way
// by a string whose lower case is the classID.
func (c *classifier) weight(n *html.Node) int8 {
	key, id := classAndID(n)
	if id != "" {
		key = classID(n)
	}
	if key == "" {
		return 0
	}
	if w, ok := c.full[key]; ok {
		return w
	}
	w := c.classify(strings.ToLower(key))
	if w == -1 && id != "" && headingSlug(n, id) {
		// The id is made from the element's own heading ("sharing-
		// with-a-single-developer" on a documentation section): the
		// heading's words, not a name for page furniture.
		cls, _ := classAndID(n)
		w = c.classify(strings.ToLower(cls))
	}
	c.full[key] = w
	return w
}

// headingSlug reports whether id spells the text of the first heading
// inside n, as documentation tools and Markdown renderers make section
// ids: the letters and digits of both are the same.
func headingSlug(n *html.Node, id string) bool {
	h := firstHeading(n, 3)
	if h == nil {
		return false
	}
	a, b := alnumLower(id), alnumLower(innerText(h))
	return len(a) >= 8 && a == b
}

// firstHeading is the first h1-h6 inside n, looking depth levels down.
func firstHeading(n *html.Node, depth int) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if isHeading(c.DataAtom) {
			return c
		}
		if depth > 1 {
			if h := firstHeading(c, depth-1); h != nil {
				return h
			}
		}
	}
	return nil
}

// alnumLower is s lower-cased with everything but letters and digits
// dropped.
func alnumLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *classifier) classify(ci string) int8 {
	// Comment sections borrow the article's words ("comment-content"),
	// so they win over positive words.
	if namesComments(ci) {
		return -2
	}
	// A cookie or consent notice is never the article, even on a page
	// read gently; it is removed unless it holds most of the page, as
	// a wrapper that notes the banner's state may ("cookie-consent-
	// given" on the page's outer div).
	if strings.Contains(ci, "cookie") || strings.Contains(ci, "consent") || strings.Contains(ci, "gdpr") {
		return -3
	}
	// Each class name (and the id) is read on its own: a name that holds
	// a boilerplate word ("relatedarticles", "blog-subscribe") is
	// boilerplate whatever article word it also holds, and only another
	// name that says article ("post-content has-sidebar") saves it.
	neg, pos := false, false
	for name := range strings.FieldsSeq(ci) {
		switch c.nameKind(name) {
		case 1:
			neg = true
		case 2:
			pos = true
		}
	}
	switch {
	case neg && pos:
		return 0
	case neg:
		return -1
	case pos:
		return 1
	}
	return 0
}

// namesComments reports whether a class-and-id string names comments:
// it holds "comment", but not as "no-comment(s)" (a page without them)
// nor as "commented" (a post that has comments, said of the article's
// own container).
func namesComments(ci string) bool {
	for i := 0; ; {
		j := strings.Index(ci[i:], "comment")
		if j < 0 {
			return false
		}
		j += i
		i = j + len("comment")
		if strings.HasPrefix(ci[i:], "ed") || strings.HasSuffix(ci[:j], "no-") {
			continue
		}
		return true
	}
}

func (c *classifier) nameKind(name string) int8 {
	if k, ok := c.names[name]; ok {
		return k
	}
	k := int8(3)
	if negativeName(name) {
		k = 1
	} else if positiveSet.in(name) {
		k = 2
	}
	c.names[name] = k
	return k
}

func negativeName(name string) bool {
	if negativeSet.in(name) {
		return true
	}
	// The words of the name are its runs of ASCII letters and digits;
	// every other byte (and so every byte of a non-ASCII rune) parts them.
	start := -1
	for i := 0; i <= len(name); i++ {
		if i < len(name) && (name[i] >= 'a' && name[i] <= 'z' || name[i] >= '0' && name[i] <= '9') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && negativeTokens[name[start:i]] {
			return true
		}
		start = -1
	}
	return false
}

// wordSet finds whether a text contains any of a list of words. It
// files the words by their first byte, and marks the pairs of bytes
// they start with, so that most bytes of the text are passed over
// after one look at a bit, rather than the text being searched once per
// word: pages give thousands of class names to check against about a
// hundred words.
type wordSet struct {
	words [256][]string
	pairs [1 << 16 / 64]uint64
}

// newWordSet files words, each of two bytes or more.
func newWordSet(words []string) *wordSet {
	var s wordSet
	for _, w := range words {
		if len(w) < 2 {
			panic("extract: word set word shorter than two bytes: " + w)
		}
		s.words[w[0]] = append(s.words[w[0]], w)
		k := uint16(w[0])<<8 | uint16(w[1])
		s.pairs[k>>6] |= 1 << (k & 63)
	}
	return &s
}

// in reports whether t contains one of the words.
func (s *wordSet) in(t string) bool {
	for i := 0; i+1 < len(t); i++ {
		if k := uint16(t[i])<<8 | uint16(t[i+1]); s.pairs[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, w := range s.words[t[i]] {
			if strings.HasPrefix(t[i:], w) {
				return true
			}
		}
	}
	return false
}

var (
	negativeSet = newWordSet(negativeWords)
	positiveSet = newWordSet(positiveWords)
)

// dropTags never hold article text.
var dropTags = newAtomSet(
	atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Canvas,
	atom.Object, atom.Embed, atom.Input, atom.Select, atom.Textarea, atom.Button, atom.Option,
	atom.Link, atom.Meta, atom.Head, atom.Title, atom.Audio, atom.Video, atom.Source, atom.Track,
	atom.Map, atom.Area, atom.Dialog, atom.Label, atom.Figcaption, atom.Frameset, atom.Frame,
	// Ruby annotations: the reading set above East Asian characters,
	// not text of its own (and it splits the words it annotates).
	atom.Rt, atom.Rp,
)

// boilerTags are page furniture by their element alone.
var boilerTags = newAtomSet(atom.Nav, atom.Aside, atom.Footer, atom.Header, atom.Menu)

// cleaner removes what cannot be article text before scoring.
type cleaner struct {
	cls      *classifier
	debug    func(n *html.Node, why string)
	bodyText int // characters of text in the page, for the size guard
	ed       *edits
	gentle   bool   // remove only what is certainly not the article
	byline   string // the article's byline, to know its author's biography
	ex       *Reading
}

// textLen counts the non-space bytes of text under n.
func textLen(n *html.Node) int {
	if n.Type == html.TextNode {
		return nonSpace(n.Data)
	}
	t := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style) {
			continue
		}
		t += textLen(c)
	}
	return t
}

// textLenMax counts as textLen does but stops once the count passes
// limit: it returns the count when that is at most limit, and some
// number above limit otherwise. Most callers only compare a length
// with a bound, and the elements they ask about may be the whole page.
func textLenMax(n *html.Node, limit int) int {
	t := 0
	textLenTo(n, limit, &t)
	return t
}

// textLenTo adds the text under n to *t and reports whether *t is still
// at most limit.
func textLenTo(n *html.Node, limit int, t *int) bool {
	if n.Type == html.TextNode {
		*t += nonSpace(n.Data)
		return *t <= limit
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style) {
			continue
		}
		if !textLenTo(c, limit, t) {
			return false
		}
	}
	return true
}

// hasText reports whether textLen(n) > 0.
func hasText(n *html.Node) bool {
	if n.Type == html.TextNode {
		for i := 0; i < len(n.Data); i++ {
			if spaceByte[n.Data[i]] == 0 {
				return true
			}
		}
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style) {
			continue
		}
		if hasText(c) {
			return true
		}
	}
	return false
}

// spaceByte marks the bytes nonSpace does not count.
var spaceByte = [256]uint8{' ': 1, '\n': 1, '\t': 1, '\r': 1, '\f': 1}

// nonSpace counts the bytes of s other than ASCII white space. Most
// texts of a page are short (the white space between tags, a word in a
// link) and are counted a byte at a time; long ones by counting each
// kind of white space, which the runtime does many bytes at a time.
func nonSpace(s string) int {
	n := len(s)
	if len(s) < 32 {
		for i := 0; i < len(s); i++ {
			n -= int(spaceByte[s[i]])
		}
		return n
	}
	return n - strings.Count(s, " ") - strings.Count(s, "\n") - strings.Count(s, "\t") - strings.Count(s, "\r") - strings.Count(s, "\f")
}

// hasMainMarker reports whether n is or holds an element that declares
// itself the article: <article>, <main> or itemprop=articleBody.
func hasMainMarker(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == atom.Article || n.DataAtom == atom.Main || attr(n, "itemprop") == "articleBody" {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasMainMarker(c) {
			return true
		}
	}
	return false
}

// clean removes scripts, hidden elements and boilerplate under n.
func (cl *cleaner) clean(n *html.Node) {
	var next *html.Node
	for c := n.FirstChild; c != nil; c = next {
		next = c.NextSibling
		switch c.Type {
		case html.CommentNode, html.DoctypeNode:
			cl.ed.remove(c)
			continue
		case html.ElementNode:
		default:
			continue
		}
		if cl.drop(c) {
			if cl.debug != nil {
				cl.debug(c, "")
			}
			if cl.ex != nil && !invisible(c) {
				cl.ex.removed(&cl.ex.Removed, c, cl.dropReason(c))
			}
			// A box (not a line such as a byline under a title) takes
			// the heading that introduced it.
			if !dropTags.has(c.DataAtom) && c.DataAtom != atom.Iframe && hasBlockChild(c) {
				cl.ed.dropLeadingHeading(c)
			}
			cl.ed.remove(c)
			continue
		}
		cl.clean(c)
	}
}

func (cl *cleaner) drop(n *html.Node) bool {
	if dropTags.has(n.DataAtom) {
		return true
	}
	if n.DataAtom == atom.Iframe {
		return embedURL(attr(n, "src")) == ""
	}
	if hasAttr(n, "hidden") {
		return true
	}
	if st := attr(n, "style"); st != "" && hiddenStyle(st) {
		return true
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert", "menu", "menubar":
		return cl.unlessBig(n, false)
	}
	// An article's own <header> holds its title and lead.
	if boilerTags.has(n.DataAtom) && !(n.DataAtom == atom.Header && insideArticle(n)) {
		return cl.unlessBig(n, false)
	}
	if w := cl.cls.weight(n); w < 0 && (!cl.gentle || w < -1) {
		return cl.unlessBig(n, w == -2)
	}
	return false
}

// insideArticle reports whether n is inside an <article> or <main>.
func insideArticle(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article || p.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

// unlessBig says whether a boilerplate-looking element may go: not when
// it holds the element that declares itself the article, nor (unless it
// is certainly a comment section) when it holds most of the page's text,
// as page-wide wrappers with unlucky names ("layout-with-sidebar") do.
func (cl *cleaner) unlessBig(n *html.Node, comments bool) bool {
	if n.DataAtom != atom.Article && n.DataAtom != atom.Main && hasMainMarker(n) {
		if cl.ex != nil {
			cl.ex.removed(&cl.ex.Kept, n, "holds the element that declares itself the article")
		}
		return false
	}
	if comments {
		return true
	}
	// textLen(n)*2 < cl.bodyText, counting no further than needed.
	if textLenMax(n, (cl.bodyText-1)/2)*2 < cl.bodyText {
		return true
	}
	if cl.ex != nil {
		cl.ex.removed(&cl.ex.Kept, n, "holds most of the page's text")
	}
	return false
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
