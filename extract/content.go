package extract

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The main text is found as readability finds it, with trafilatura's
// preferences: every paragraph (a <p>, or a run of text directly inside
// a container, cut at <br>s) of 25 characters or more scores
// 1 + commas + length/100 (at most 3 for length) for the container that
// holds it and half that for the container's parent; a container's
// score is then adjusted for its tag and class and scaled by the share
// of its text that is not link text. The best container and those of
// its siblings that score nearly as well, or are plain paragraphs, make
// the article.

// cand is a container that holds scored paragraphs.
type cand struct {
	n          *html.Node
	own        float64 // paragraph score
	text, link int     // characters of text and of link text under n
	paras      int     // paragraphs directly inside
	good, bad  int
	final      float64
}

// walked is what scoring one subtree returns to its parent.
type walked struct {
	text, link int
	commas     int
	good, bad  int     // characters of paragraph text, and of the rest
	block      bool    // n is or contains a block element
	pscore     float64 // n is a paragraph: its score, for its container
	half       float64 // half of n's container score, for n's parent
}

type scorer struct {
	cands []cand
	cls   *classifier
	// declared is the element chosen for declaring itself the article
	// when the scores were unsure, and narrowed the best-scored
	// container when one inside it was chosen: for explanations.
	declared, narrowed *html.Node
}

// minGood is the length from which a paragraph counts as article text.
const minGood = 25

// alpha is what a character of non-paragraph text costs a container.
var alpha = 1.0

var noSiblings = true

func paraScore(text, commas int) float64 {
	return 1 + float64(commas) + min(float64(text)/100, 3)
}

func isParagraph(a atom.Atom) bool { return a == atom.P || a == atom.Pre }

func (s *scorer) walk(n *html.Node) walked {
	var w walked
	var cont, grand float64
	run, runCommas, runLink, paras := 0, 0, 0, 0
	flush := func() {
		if run >= 25 {
			cont += paraScore(run, runCommas)
			paras++
		}
		if run >= minGood && runLink*3 < run {
			w.good += run - runLink
			w.bad += runLink
		} else {
			w.bad += run
		}
		run, runCommas, runLink = 0, 0, 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			l := nonSpace(c.Data)
			if l == 0 {
				continue
			}
			k := commas(c.Data)
			w.text += l
			w.commas += k
			run += l
			runCommas += k
		case html.ElementNode:
			if c.DataAtom == atom.Br {
				if run >= 25 {
					flush()
				}
				continue
			}
			r := s.walk(c)
			w.text += r.text
			w.link += r.link
			w.commas += r.commas
			if r.block {
				w.good += r.good
				w.bad += r.bad
				flush()
				w.block = true
				if r.pscore > 0 {
					cont += r.pscore
					paras++
				}
				grand += r.half
			} else {
				run += r.text
				runCommas += r.commas
				runLink += r.link
			}
		}
	}
	if n.DataAtom == atom.A {
		w.link = w.text
	}
	if n.DataAtom == atom.A && !w.block {
		// A link is never the article, nor is its text paragraph
		// text, however long: a headline that links to the article
		// is the text of a teaser.
		w.bad += w.good + run
		w.good = 0
		w.pscore, w.half = 0, 0
		return w
	}
	if isParagraph(n.DataAtom) && !w.block {
		if run >= 25 {
			w.pscore = paraScore(run, runCommas)
		}
		if run >= minGood && runLink*3 < run {
			w.good += run - runLink
			w.bad += runLink
		} else {
			w.bad += run
		}
		w.block = true
		return w
	}
	flush()
	if isBlock(n) {
		w.block = true
	}
	if own := cont + grand; own > 0 || w.good > 0 {
		s.cands = append(s.cands, cand{n: n, own: own, text: w.text, link: w.link, paras: paras, good: w.good, bad: w.bad})
	}
	w.half = cont / 2
	return w
}

func commas(s string) int {
	return strings.Count(s, ",") + strings.Count(s, "，") + strings.Count(s, "、")
}

// selectContent scores the containers under root and returns the nodes
// that make the article, in document order; nil when nothing scored.
func (s *scorer) selectContent(root *html.Node) []*html.Node {
	s.cands = s.cands[:0]
	s.walk(root)
	if len(s.cands) == 0 {
		return nil
	}
	best := -1
	for i := range s.cands {
		c := &s.cands[i]
		ld := 0.0
		if c.text > 0 {
			ld = float64(c.link) / float64(c.text)
		}
		_ = ld
		c.final = float64(c.good) - alpha*float64(c.bad)
		if c.n.DataAtom == atom.Article || c.n.DataAtom == atom.Main || attr(c.n, "itemprop") == "articleBody" {
			c.final *= 1.1
		}
		if best < 0 || c.final > s.cands[best].final {
			best = i
		}
	}
	top := s.cands[best]
	// A container inside the best that holds almost all of its
	// paragraph text with less of the rest is the article itself; the
	// best was its wrapper (an <article> around its header, a <main>
	// around one <section>).
	for {
		narrowed := false
		for i := range s.cands {
			c := &s.cands[i]
			if c.n == top.n || float64(c.good) < narrowShare*float64(top.good) || c.bad >= top.bad || !contains(top.n, c.n) {
				continue
			}
			if !narrowed || c.good-c.bad > top.good-top.bad {
				top = *c
				narrowed = true
			}
		}
		if !narrowed {
			break
		}
		s.narrowed = s.cands[best].n
	}
	if top.final < unsureBelow {
		// No container holds clearly more paragraph text than other
		// text: a post of short lines, a list of facts, a recipe. The
		// scores cannot tell; an element that declares itself the
		// article can.
		if n := declaredArticle(root); n != nil && n != top.n && !s.holdsParagraphsOf(top, n) {
			if t, l := textAndLinks(n); t-l > top.text-top.link {
				s.declared = n
				return []*html.Node{n}
			}
		}
	}
	parent := top.n.Parent
	if parent == nil || noSiblings {
		return []*html.Node{top.n}
	}
	byNode := make(map[*html.Node]*cand, len(s.cands))
	for i := range s.cands {
		byNode[s.cands[i].n] = &s.cands[i]
	}
	thresh := max(10, top.final*0.2)
	topClass := attr(top.n, "class")
	var out []*html.Node
	for sib := parent.FirstChild; sib != nil; sib = sib.NextSibling {
		if sib == top.n {
			out = append(out, sib)
			continue
		}
		if sib.Type == html.TextNode {
			if nonSpace(sib.Data) > 80 {
				out = append(out, sib)
			}
			continue
		}
		if sib.Type != html.ElementNode {
			continue
		}
		bonus := 0.0
		if topClass != "" && attr(sib, "class") == topClass {
			bonus = top.final * 0.2
		}
		if c := byNode[sib]; c != nil && c.final+bonus >= thresh {
			out = append(out, sib)
			continue
		}
		if sib.DataAtom == atom.P || !hasBlockChild(sib) {
			t, l := textAndLinks(sib)
			switch {
			case t > 80 && float64(l) < 0.25*float64(t):
				out = append(out, sib)
			case t > 0 && t <= 80 && l == 0 && endsSentence(innerText(sib)):
				out = append(out, sib)
			}
		}
	}
	return out
}

// narrowShare is the share of a container's paragraph text that a
// container inside it must hold to be taken for the article instead.
const narrowShare = 0.98

// unsureBelow is the best score under which the scores are taken to
// be unsure of the article: a margin of paragraph text over other text
// of less than three or four paragraphs.
var unsureBelow = 800.0

// holdsParagraphsOf reports whether c lies inside n and holds nearly
// all of its paragraph text: c is then n's body, and n adds only the
// lines around it.
func (s *scorer) holdsParagraphsOf(c cand, n *html.Node) bool {
	if c.good == 0 || !contains(n, c.n) {
		return false
	}
	for _, d := range s.cands {
		if d.n == n {
			return float64(c.good) >= narrowShare*float64(d.good)
		}
	}
	return false
}

// declaredArticle is the element that declares itself the article
// (<article>, <main>, itemprop=articleBody) holding the most text that
// is not links, or nil when there is none with text.
func declaredArticle(root *html.Node) *html.Node {
	var best *html.Node
	bestText := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Article || c.DataAtom == atom.Main || attr(c, "itemprop") == "articleBody" {
				t, l := textAndLinks(c)
				if t-l > bestText {
					best, bestText = c, t-l
				}
			}
			walk(c)
		}
	}
	walk(root)
	return best
}

func hasBlockChild(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isBlock(c) || (c.Type == html.ElementNode && hasBlockChild(c)) {
			return true
		}
	}
	return false
}

func endsSentence(s string) bool {
	// A quotation or a bracket may close after the full stop:
	// '- "Ok."', '(see below.)'.
	s = strings.TrimRight(strings.TrimSpace(s), "\"'”“„»«’‘)]")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "。")
}

// textAndLinks counts the text and link text under n.
func textAndLinks(n *html.Node) (text, link int) {
	if n.Type == html.TextNode {
		return nonSpace(n.Data), 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t, l := textAndLinks(c)
		text += t
		link += l
	}
	if n.DataAtom == atom.A {
		link = text
	}
	return text, link
}

// prune removes, inside the chosen content, blocks that are mostly
// links (lists of related stories, tag clouds, pagination) and returns
// the text and link counts of what is left.
func (e *edits) prune(n *html.Node) (text, link int) {
	if n.Type == html.TextNode {
		return nonSpace(n.Data), 0
	}
	if n.Type != html.ElementNode {
		return 0, 0
	}
	var next *html.Node
	for c := n.FirstChild; c != nil; c = next {
		next = c.NextSibling
		t, l := e.prune(c)
		text += t
		link += l
	}
	if n.DataAtom == atom.A {
		return text, text
	}
	switch n.DataAtom {
	case atom.Ul, atom.Ol, atom.Div, atom.Section, atom.Table, atom.Dl, atom.P, atom.Li:
		if text == 0 {
			if !hasMedia(n) {
				e.remove(n)
				return 0, 0
			}
			return 0, 0
		}
		ld := float64(link) / float64(text)
		if (ld > 0.6 || (ld > 0.35 && text < 300 && n.DataAtom != atom.P)) && !hasEmbed(n) {
			e.dropLeadingHeading(n)
			e.remove(n)
			return 0, 0
		}
	}
	return text, link
}

// hasMedia reports whether n holds an image or an embed worth keeping.
func hasMedia(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == atom.Img || n.DataAtom == atom.Iframe || n.DataAtom == atom.Picture {
		return true
	}
	if n.DataAtom == atom.A && bareVideoLink(n) != "" {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasMedia(c) {
			return true
		}
	}
	return false
}

// dropLeadingHeading removes the heading that introduces a block about
// to be removed ("Related articles" above a list of links), so that it
// does not dangle in the text.
func (e *edits) dropLeadingHeading(n *html.Node) {
	p := n.PrevSibling
	for p != nil && p.Type == html.TextNode && nonSpace(p.Data) == 0 {
		p = p.PrevSibling
	}
	if p == nil || p.Type != html.ElementNode {
		return
	}
	switch p.DataAtom {
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Strong, atom.B:
	default:
		if !(p.DataAtom == atom.P || p.DataAtom == atom.Div) || textLenMax(p, 50) > 50 || hasBlockChild(p) {
			return
		}
	}
	if textLenMax(p, 80) <= 80 {
		e.remove(p)
	}
}

// trimTrailingHeadings removes headings left at the end of the content
// with nothing under them.
func (e *edits) trimTrailingHeadings(n *html.Node) {
	for c := n.LastChild; c != nil; {
		prev := c.PrevSibling
		switch {
		case c.Type == html.TextNode && nonSpace(c.Data) == 0:
		case c.Type == html.ElementNode && isHeading(c.DataAtom):
			e.remove(c)
		case c.Type == html.ElementNode && hasBlockChild(c):
			e.trimTrailingHeadings(c)
			return
		default:
			return
		}
		c = prev
	}
}

// dropOrphanHeadings removes headings that head nothing: those followed,
// in the content, by no text before the next heading of the same or a
// higher rank, or by no text at all. They are the titles of boxes whose
// content was removed ("Related articles", "Most read").
func (e *edits) dropOrphanHeadings(nodes []*html.Node) {
	type block struct {
		n     *html.Node
		level int // 1-6 for a heading, 0 for text
	}
	var blocks []block
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if nonSpace(n.Data) > 0 {
				if len(blocks) == 0 || blocks[len(blocks)-1].level != 0 {
					blocks = append(blocks, block{n, 0})
				}
			}
			return
		case html.ElementNode:
			if isHeading(n.DataAtom) {
				// A long "heading" is a paragraph set in a heading's
				// type: it is text.
				if l := textLenMax(n, 120); l > 0 && l <= 120 {
					blocks = append(blocks, block{n, int(n.Data[1] - '0')})
				} else if l > 0 && (len(blocks) == 0 || blocks[len(blocks)-1].level != 0) {
					blocks = append(blocks, block{n, 0})
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	for i, b := range blocks {
		if b.level == 0 {
			continue
		}
		if i+1 == len(blocks) || (blocks[i+1].level > 0 && blocks[i+1].level <= b.level) {
			e.remove(b.n)
		}
	}
}

// dropTeasers removes the teasers of other articles inside the content:
// a heading that is mostly a link, with the short block around it that holds
// its summary and picture.
func (e *edits) dropTeasers(root *html.Node) {
	var heads []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if isHeading(c.DataAtom) {
				heads = append(heads, c)
				continue
			}
			walk(c)
		}
	}
	walk(root)
	for _, h := range heads {
		if h.Parent == nil {
			continue
		}
		t, l := textAndOutLinks(h)
		if t == 0 || l*2 < t {
			continue
		}
		box := h
		for p := h.Parent; p != nil && p != root; p = p.Parent {
			if lim := max(3*t, maxTeaser); textLenMax(p, lim) > lim {
				break
			}
			box = p
		}
		e.remove(box)
	}
}

// textAndOutLinks counts the text under n and the text of links under n
// that lead to other pages (not anchors in this one).
func textAndOutLinks(n *html.Node) (text, link int) {
	if n.Type == html.TextNode {
		return nonSpace(n.Data), 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t, l := textAndOutLinks(c)
		text += t
		link += l
	}
	if n.DataAtom == atom.A {
		if h := strings.TrimSpace(attr(n, "href")); h != "" && h[0] != '#' && !strings.HasPrefix(h, "javascript:") {
			link = text
		}
	}
	return text, link
}

// maxTeaser is the most text a teaser's box holds.
var maxTeaser = 400

// line is a line of the content as a reader sees it: a block element
// with no blocks inside (block, run nil), or a run of text and inline
// elements between the blocks of a container (run set, block the
// container).
type line struct {
	block *html.Node
	run   []*html.Node
}

func (l line) text() string {
	if l.run == nil {
		return innerText(l.block)
	}
	var b strings.Builder
	for _, n := range l.run {
		textOf(&b, n)
		b.WriteByte(' ')
	}
	return collapse(b.String())
}

// lengthMax is the line's length in non-space bytes when it is at most
// limit, and some number above limit otherwise (see textLenMax).
func (l line) lengthMax(limit int) int {
	if l.run == nil {
		return textLenMax(l.block, limit)
	}
	t := 0
	for _, n := range l.run {
		if !textLenTo(n, limit, &t) {
			break
		}
	}
	return t
}

func (l line) hasText() bool {
	if l.run == nil {
		return hasText(l.block)
	}
	return slices.ContainsFunc(l.run, hasText)
}

// removable reports whether the line is still in the tree and is not one
// of the content's own roots.
func (l line) removable(roots []*html.Node) bool {
	if l.run == nil {
		return l.block.Parent != nil && !slices.Contains(roots, l.block)
	}
	return l.run[0].Parent != nil
}

func (e *edits) removeLine(l line) {
	if l.run == nil {
		e.remove(l.block)
		return
	}
	for _, n := range l.run {
		e.remove(n)
	}
}

// lines lists the lines of the content in document order.
func lines(nodes []*html.Node) []line {
	// Which elements hold a block, found in one pass from the leaves.
	holds := map[*html.Node]bool{}
	var mark func(n *html.Node) bool
	mark = func(n *html.Node) bool {
		any := false
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if mark(c) || isBlock(c) {
				any = true
			}
		}
		if any {
			holds[n] = true
		}
		return any
	}
	var out []line
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if !holds[n] {
			if hasText(n) {
				out = append(out, line{block: n})
			}
			return
		}
		var run []*html.Node
		flush := func() {
			if len(run) > 0 {
				if l := (line{block: n, run: run}); l.hasText() {
					out = append(out, l)
				}
				run = nil
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
				flush()
			case c.Type == html.ElementNode && (isBlock(c) || holds[c]):
				flush()
				walk(c)
			case c.Type == html.TextNode || c.Type == html.ElementNode:
				run = append(run, c)
			}
		}
		flush()
	}
	for _, n := range nodes {
		mark(n)
		walk(n)
	}
	return out
}

// maxTail is the length under which a line at the end of the content
// that does not end a sentence is taken for page furniture ("Share this",
// "Next post", "Print").
const maxTail = 40

// maxHead is the length under which a line that opens the content
// without ending a sentence is taken for a date, credit or byline.
const maxHead = 25

// trimTail removes the lines that end the content without being part
// of the article: short ones that do not end a sentence, and notices
// (copyright, calls to subscribe, follow, download an app or donate).
//
// A line that opens with the byline's name ("Jane Doe is a reporter
// covering ...") is the author's biography, which closes articles too.
func (e *edits) trimTail(nodes []*html.Node, byline string) {
	ls := lines(nodes)
	for i := len(ls) - 1; i >= 0 && i >= len(ls)-6; i-- {
		l := ls[i]
		if !l.removable(nodes) {
			return
		}
		t := l.text()
		if (len(t) > maxTail || endsSentence(t)) && !(len(t) <= maxNotice && (isNotice(t) || authorBio(t, byline))) {
			return
		}
		e.removeLine(l)
	}
}

// authorBio reports whether line t opens with the byline's name, as an
// author's biography does. A byline of one word is too likely a word
// of the text ("Reuters reported ...").
func authorBio(t, byline string) bool {
	return strings.Contains(byline, " ") && !strings.Contains(byline, ",") && len(t) > len(byline) &&
		strings.HasPrefix(t, byline) && t[len(byline)] == ' '
}

// maxNotice is the longest trailing notice removed.
var maxNotice = 400

// noticeWords mark the notices that end pages rather than articles.
var noticeWords = []string{
	"©", "copyright", "all rights reserved", "alle rechte", "todos los derechos", "tous droits", "wszelkie prawa",
	"newsletter", "subscribe", "abonnier", "suscríbe", "abonnez", "download the", "app store", "google play",
	"ios and android", "follow us", "folgen sie", "síguenos", "telegram", "whatsapp", "support us", "unterstütze",
	"donate", "spende", "reprint", "permission", "nachdruck",
	// Contact blocks and calls to rate or share, which close pages.
	"kontakt:", "contact:", "contact us", "tel.:", "telefon:", "e-mail:", "pressekontakt", "press contact",
	"ansprechpartner", "weitere informationen:", "more information:", "further information:",
	"was this helpful", "hilfreich?", "bewerten sie", "rate this", "teilen?", "share this",
	"if you enjoyed", "enjoyed this", "gefällt ihnen", "gefällt dir",
}

func isNotice(t string) bool {
	l := strings.ToLower(t)
	for _, w := range noticeWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// trimHead removes the short lines that open the content before its
// text (dates, photo credits, bylines), keeping headings.
func (e *edits) trimHead(nodes []*html.Node) {
	ls := lines(nodes)
	for i := 0; i < len(ls) && i < 5; i++ {
		l := ls[i]
		if !l.removable(nodes) {
			return
		}
		if l.run == nil && isHeading(l.block.DataAtom) {
			continue
		}
		t := l.text()
		if (len(t) > maxHead || endsSentence(t)) && !(len(t) <= maxNotice && isDisclosure(t)) {
			return
		}
		e.removeLine(l)
	}
}

// disclosureWords open the notices put before an article: that it is
// advertising or holds affiliate links, calls to sign up.
var disclosureWords = []string{"werbung", "anzeige", "sponsored", "advertisement", "affiliate", "this post contains",
	"this article contains", "dieser beitrag enthält", "dieser artikel enthält", "enthält werbung", "never miss",
	"sign up", "melden sie sich", "contient des liens"}

func isDisclosure(t string) bool {
	l := strings.ToLower(strings.TrimLeft(t, "*([ "))
	for _, w := range disclosureWords {
		if strings.HasPrefix(l, w) {
			return true
		}
	}
	return false
}

// boxLabels open the short labels of page furniture in the languages
// the web is mostly written in: the titles of boxes of related links
// ("Read more", "Mehr zum Thema", "Lire aussi"), way-back links, calls
// to share or subscribe, comment boxes, and photo and source credits. A line of content that starts with one and
// is short is the label of a box, not article text.
var boxLabels = []string{
	"related", "read more", "read also", "see also", "more on this", "more from", "you may also like",
	"you might also like", "recommended", "most read", "most popular", "back to top", "share this",
	"share on", "follow us", "sign up", "subscribe", "advertisement",
	"mehr zum thema", "mehr zu ", "lesen sie auch", "lesen sie mehr", "auch interessant", "das könnte sie",
	"das könnte dich", "ähnliche", "verwandte", "weitere artikel", "weitere beiträge", "weitere themen",
	"weitere meldungen", "zurück zu", "zurück nach oben", "nach oben", "meistgelesen", "meist gelesen",
	"anzeige", "teilen", "jetzt teilen", "artikel teilen",
	"lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "sur le même sujet", "articles liés", "partager",
	"lea también", "te puede interesar", "noticias relacionadas", "notas relacionadas", "ver también",
	"puedes ver", "compartir", "publicidad",
	"zobacz także", "zobacz też", "czytaj także", "czytaj też", "leggi anche", "potrebbe interessarti",
	"leia também", "veja também",
	"keine kommentare", "kommentar schreiben", "kommentare", "comments", "leave a comment", "leave a reply",
	"no comments", "schon gelesen", "meistkommentiert",
	"foto:", "fotos:", "bild:", "photo:", "image:", "titelbild", "beitragsbild", "credit:",
	"quelle:", "source:", "fuente:", "źródło:",
}

// boxLabelsByInitial are the boxLabels by their first byte.
var boxLabelsByInitial = func() *[256][]string {
	var t [256][]string
	for _, p := range boxLabels {
		t[p[0]] = append(t[p[0]], p)
	}
	return &t
}()

// maxLabel is the longest line taken for a box label.
const maxLabel = 60

// maxStray is the longest line in a bare <div> taken for furniture, and
// maxStrayP the longest paragraph.
const (
	maxStray  = 40
	maxStrayP = 15
)

// dropLabels removes the <h1> (the title, given apart), the short lines
// of the content that are labels of page furniture, and stray short
// lines in bare <div>s.
func (e *edits) dropLabels(nodes []*html.Node) {
	for _, l := range lines(nodes) {
		if !l.removable(nodes) {
			continue
		}
		// The page's <h1> is its title, which Extract gives apart
		// (Article.Title), or the site's name: not body text.
		if l.run == nil && l.block.DataAtom == atom.H1 {
			e.remove(l.block)
			continue
		}
		n := l.lengthMax(maxLabel)
		if n > maxLabel {
			continue
		}
		// A short line of its own (a bare <div>, or text between blocks;
		// not a paragraph, heading, list item or cell) that neither ends
		// a sentence nor holds a figure is a button, a label or a stray
		// link: "Contact", "Print", "Promis". So is a very short
		// paragraph.
		stray := l.run != nil || l.block.DataAtom == atom.Div
		if (stray && n <= maxStray) || (l.run == nil && l.block.DataAtom == atom.P && n <= maxStrayP) {
			if t := l.text(); !endsSentence(t) && !strings.ContainsAny(t, "0123456789") {
				e.removeLine(l)
				continue
			}
		}
		t := strings.ToLower(l.text())
		if t == "" {
			continue
		}
		for _, p := range boxLabelsByInitial[t[0]] {
			if strings.HasPrefix(t, p) {
				e.removeLine(l)
				break
			}
		}
	}
}

func isHeading(a atom.Atom) bool {
	return a == atom.H1 || a == atom.H2 || a == atom.H3 || a == atom.H4 || a == atom.H5 || a == atom.H6
}

// hasEmbed reports whether n holds a video player or a bare video link,
// which a link-dense block may still carry as its content.
func hasEmbed(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == atom.Iframe || (n.DataAtom == atom.A && bareVideoLink(n) != "") {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasEmbed(c) {
			return true
		}
	}
	return false
}
