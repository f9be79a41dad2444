package extract

import (
	"strings"

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

// weight is -1 for boilerplate, +1 for article content, 0 for neither.
func (c *classifier) weight(ci string) int8 {
	if ci == "" {
		return 0
	}
	if w, ok := c.full[ci]; ok {
		return w
	}
	w := c.classify(ci)
	c.full[ci] = w
	return w
}

func (c *classifier) classify(ci string) int8 {
	// Comment sections borrow the article's words ("comment-content"),
	// so they win over positive words.
	if strings.Contains(ci, "comment") && !strings.Contains(ci, "no-comment") {
		return -2
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

func (c *classifier) nameKind(name string) int8 {
	if k, ok := c.names[name]; ok {
		return k
	}
	k := int8(3)
	if negativeName(name) {
		k = 1
	} else {
		for _, w := range positiveWords {
			if strings.Contains(name, w) {
				k = 2
				break
			}
		}
	}
	c.names[name] = k
	return k
}

func negativeName(name string) bool {
	for _, w := range negativeWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	for tok := range strings.FieldsFuncSeq(name, notAlnum) {
		if negativeTokens[tok] {
			return true
		}
	}
	return false
}

func notAlnum(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}

// dropTags never hold article text.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Canvas: true, atom.Object: true,
	atom.Embed: true, atom.Input: true, atom.Select: true, atom.Textarea: true,
	atom.Button: true, atom.Option: true, atom.Link: true, atom.Meta: true,
	atom.Head: true, atom.Title: true, atom.Audio: true, atom.Video: true,
	atom.Source: true, atom.Track: true, atom.Map: true, atom.Area: true,
	atom.Dialog: true, atom.Label: true, atom.Figcaption: true, atom.Frameset: true, atom.Frame: true,
}

// boilerTags are page furniture by their element alone.
var boilerTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Header: true,
	atom.Menu: true, atom.Form: false,
}

// cleaner removes what cannot be article text before scoring.
type cleaner struct {
	cls      *classifier
	debug    func(n *html.Node, why string)
	bodyText int // characters of text in the page, for the size guard
	ed       *edits
	gentle   bool // remove only what is certainly not the article
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

func nonSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '\f':
		default:
			n++
		}
	}
	return n
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
			// A box (not a line such as a byline under a title) takes
			// the heading that introduced it.
			if !dropTags[c.DataAtom] && c.DataAtom != atom.Iframe && hasBlockChild(c) {
				cl.ed.dropLeadingHeading(c)
			}
			cl.ed.remove(c)
			continue
		}
		cl.clean(c)
	}
}

func (cl *cleaner) drop(n *html.Node) bool {
	if dropTags[n.DataAtom] {
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
	if boilerTags[n.DataAtom] && !(n.DataAtom == atom.Header && insideArticle(n)) {
		return cl.unlessBig(n, false)
	}
	if w := cl.cls.weight(classID(n)); w < 0 && (!cl.gentle || w < -1) {
		return cl.unlessBig(n, w < -1)
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
		return false
	}
	if comments {
		return true
	}
	return textLen(n)*2 < cl.bodyText
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
