package extract

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Explanation says how Extract found a page's article: what each reading
// of the page removed before scoring, which containers it scored and
// how, which one it chose and why the others lost, what it removed from
// the chosen one, and which reading it kept. It exists so that a page
// that extracts badly can be understood without a debugger
// (`newsdesk extract --explain FILE`).
type Explanation struct {
	Readings []*Reading
	Kept     int    // index in Readings of the reading whose article was kept
	Why      string // why that reading was kept
	// Metadata as the page declared it, beside what Extract picked.
	Declared []Field
	Result   *Result
}

// Field is one named value of the page's metadata.
type Field struct{ Name, Value string }

// Reading is one reading of the page.
type Reading struct {
	Name       string      // "first", "gentle", "whole page"
	Removed    []Removal   // what cleaning removed before scoring, largest first
	Kept       []Removal   // boilerplate-looking elements kept, and why
	Candidates []Candidate // best scored first
	Chosen     string      // path of the chosen container, "" when none
	Inside     int         // scored blocks inside the chosen one, not listed
	Declared   string      // set when the chosen container was chosen for declaring itself the article
	Edits      []Removal   // what was removed from the chosen container afterwards
	Text       int         // bytes of text found
}

// Removal is one element removed (or kept) and the reason.
type Removal struct {
	Path string
	Text int // characters of text under it
	Why  string
	Head string // the start of its text
	n    *html.Node
}

// Candidate is one scored container.
type Candidate struct {
	Path                        string
	Score                       float64
	Good, Bad, TextLen, LinkLen int
	Paragraphs                  int
	Verdict                     string
}

// maxExplained bounds the lists an explanation shows.
const maxExplained = 12

// ExtractExplain is Extract, also returning how the article was found.
// It costs more than Extract and is meant for understanding one page.
func ExtractExplain(body []byte, contentType string, pageURL *url.URL) (*Result, *Explanation, error) {
	ex := &Explanation{}
	a, err := extract(body, contentType, pageURL, ex)
	ex.Result = a
	return a, ex, err
}

// start begins recording a new reading of the page, named name.
func (x *Explanation) start(name string) *Reading {
	r := &Reading{Name: name}
	x.Readings = append(x.Readings, r)
	return r
}

// removed records n, about to be removed for why; elements without text
// are not worth a line.
func (r *Reading) removed(list *[]Removal, n *html.Node, why string) {
	t := textLen(n)
	if t == 0 {
		return
	}
	*list = append(*list, Removal{Path: nodePath(n), Text: t, Why: why, Head: headText(n, 60), n: n})
}

// candidates records the scorer's candidates, the best first, with the
// reason each lost to the chosen one.
func (r *Reading) candidates(s *scorer, chosen []*html.Node) {
	cs := slices.Clone(s.cands)
	slices.SortStableFunc(cs, func(a, b cand) int {
		switch {
		case a.final > b.final:
			return -1
		case a.final < b.final:
			return 1
		}
		return 0
	})
	var top *html.Node
	if len(chosen) > 0 {
		top = chosen[0]
		r.Chosen = nodePath(top)
	}
	if s.declared != nil {
		r.Declared = fmt.Sprintf("%s, chosen for declaring itself the article: the best score, %.1f, was under %.0f", nodePath(s.declared), cs[0].final, unsureBelow)
	}
	// The chosen block, a few of the blocks around it, and its best
	// rivals elsewhere on the page; the blocks inside it are only
	// counted, as they lost by being part of it.
	var shown []cand
	around, rivals, inside := 0, 0, 0
	for _, c := range cs {
		switch {
		case c.n == top || (s.narrowed != nil && c.n == s.narrowed):
			shown = append(shown, c)
		case top != nil && contains(top, c.n):
			inside++
		case top != nil && contains(c.n, top):
			if around < 3 {
				shown = append(shown, c)
			}
			around++
		default:
			if rivals < maxExplained-4 {
				shown = append(shown, c)
			}
			rivals++
		}
	}
	r.Inside = inside
	for _, c := range shown {
		v := ""
		switch {
		case c.n == top && s.declared == top:
			v = fmt.Sprintf("CHOSEN: it declares itself the article (<%s>), and the best score was under %.0f, too close to call", top.Data, unsureBelow)
		case c.n == top && s.narrowed != nil:
			v = fmt.Sprintf("CHOSEN: holds %.0f%% or more of the paragraph text of the best-scored block around it, with less of the rest", 100*narrowShare)
		case c.n == top:
			v = "CHOSEN: the highest score"
		case c.n == s.narrowed:
			v = "the highest score, but a block inside it holds nearly all its paragraph text with less of the rest"
		case s.declared != nil && cs[0].n == c.n:
			v = fmt.Sprintf("the highest score, but under %.0f: too close to call, so the element that declares itself the article was chosen", unsureBelow)
		case top != nil && contains(c.n, top):
			v = fmt.Sprintf("holds the chosen block and %d more characters, of which %d are not paragraph text", c.text-textOfCand(cs, top), c.bad)
		case top != nil && contains(top, c.n):
			v = "inside the chosen block"
		default:
			v = "scores lower"
			if c.text > 0 && c.link*2 > c.text {
				v += fmt.Sprintf(": %d%% of its text is links", 100*c.link/c.text)
			} else if c.bad > c.good {
				v += ": more short lines and links than paragraphs"
			} else {
				v += ": less paragraph text"
			}
		}
		r.Candidates = append(r.Candidates, Candidate{Path: nodePath(c.n), Score: c.final, Good: c.good, Bad: c.bad,
			TextLen: c.text, LinkLen: c.link, Paragraphs: c.paras, Verdict: v})
	}
}

func textOfCand(cs []cand, n *html.Node) int {
	for _, c := range cs {
		if c.n == n {
			return c.text
		}
	}
	return textLen(n)
}

// contains reports whether n is an ancestor of d.
func contains(n, d *html.Node) bool {
	for p := d.Parent; p != nil; p = p.Parent {
		if p == n {
			return true
		}
	}
	return false
}

// dropReason says why cleaning removes n (cl.drop(n) is true).
func (cl *cleaner) dropReason(n *html.Node) string {
	switch {
	case dropTags.has(n.DataAtom):
		return "<" + n.Data + "> never holds article text"
	case hasAttr(n, "hidden"):
		return "hidden attribute"
	case attr(n, "style") != "" && hiddenStyle(attr(n, "style")):
		return "hidden by its style"
	}
	if r := attr(n, "role"); r != "" {
		switch r {
		case "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert", "menu", "menubar":
			return "role=" + r + " is page furniture"
		}
	}
	if boilerTags.has(n.DataAtom) {
		return "<" + n.Data + "> is page furniture"
	}
	switch w := cl.cls.weight(n); {
	case w == -2:
		return fmt.Sprintf("class or id %q names a comment section", classID(n))
	case w == -3:
		return fmt.Sprintf("class or id %q names a cookie or consent notice", classID(n))
	case w < 0:
		return fmt.Sprintf("class or id %q names page furniture", classID(n))
	}
	return "removed"
}

// stage names the edits made after the article is chosen, by the
// function that makes them.
const (
	stageTeasers  = "a teaser of another article (a heading that is mostly a link)"
	stagePrune    = "mostly links"
	stageHeadings = "a heading with nothing under it"
	stageLabels   = "a label of page furniture, or a short stray line"
	stageTail     = "a short line or notice at the end"
	stageHead     = "a short line before the text (date, credit)"
)

// nodePath names n by its last few ancestors, each as tag.class#id.
func nodePath(n *html.Node) string {
	var parts []string
	for p := n; p != nil && p.Type == html.ElementNode; p = p.Parent {
		s := p.Data
		c, id := classAndID(p)
		if f := strings.Fields(c); len(f) > 0 {
			if len(f) > 3 {
				f = append(f[:3], "…")
			}
			s += "." + strings.Join(f, ".")
		}
		if id != "" {
			s += "#" + id
		}
		parts = append(parts, s)
	}
	slices.Reverse(parts)
	if len(parts) > 5 {
		parts = append([]string{"…"}, parts[len(parts)-5:]...)
	}
	return strings.Join(parts, " > ")
}

// headText is the start of n's text, at most max bytes, cut at a rune.
func headText(n *html.Node, max int) string {
	t := shortTextPrefix(n, max)
	return t
}

func shortTextPrefix(n *html.Node, max int) string {
	var b strings.Builder
	boundedText(&b, n, 4*max)
	t := collapse(b.String())
	if len(t) <= max {
		return t
	}
	cut := max
	for cut > 0 && t[cut]&0xC0 == 0x80 {
		cut--
	}
	return t[:cut] + "…"
}

// WriteText writes the explanation for a reader.
func (x *Explanation) WriteText(w io.Writer) error {
	var b strings.Builder
	if a := x.Result; a != nil {
		fmt.Fprintf(&b, "title:     %q\nbyline:    %q\n", a.Title, a.Byline)
		if !a.Published.IsZero() {
			fmt.Fprintf(&b, "published: %s\n", a.Published.Format("2006-01-02T15:04:05Z07:00"))
		} else {
			b.WriteString("published: unknown\n")
		}
	}
	if len(x.Declared) > 0 {
		b.WriteString("the page declares:\n")
		for _, f := range x.Declared {
			fmt.Fprintf(&b, "  %-14s %q\n", f.Name, f.Value)
		}
	}
	for i, r := range x.Readings {
		fmt.Fprintf(&b, "\nreading %d (%s):\n", i+1, r.Name)
		writeRemovals(&b, "  removed before scoring", r.Removed)
		writeRemovals(&b, "  kept though they look like furniture", r.Kept)
		if len(r.Candidates) == 0 {
			b.WriteString("  no container holds a paragraph: nothing to choose\n")
		} else {
			b.WriteString("  candidates (score = characters of paragraph text - characters of other text, x1.1 for <article>, <main>, itemprop=articleBody):\n")
			for _, c := range r.Candidates {
				fmt.Fprintf(&b, "    %9.1f  text %d, links %d, paragraph text %d, other %d, %d paragraphs\n               %s\n               -> %s\n",
					c.Score, c.TextLen, c.LinkLen, c.Good, c.Bad, c.Paragraphs, c.Path, c.Verdict)
			}
		}
		if r.Inside > 0 {
			fmt.Fprintf(&b, "    (and %d scored blocks inside the chosen one, part of it)\n", r.Inside)
		}
		if r.Declared != "" {
			fmt.Fprintf(&b, "  chosen: %s\n", r.Declared)
		}
		writeRemovals(&b, "  removed from the chosen block", r.Edits)
		fmt.Fprintf(&b, "  text found: %d bytes\n", r.Text)
	}
	if len(x.Readings) > 0 {
		fmt.Fprintf(&b, "\nkept reading %d: %s\n", x.Kept+1, x.Why)
	}
	if a := x.Result; a != nil {
		fmt.Fprintf(&b, "\ntext (%d bytes):\n%s\n", len(a.Text), indent(a.Text, 1200))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRemovals(b *strings.Builder, title string, rs []Removal) {
	if len(rs) == 0 {
		return
	}
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Removal) int { return b.Text - a.Text })
	shown := rs[:min(len(rs), maxExplained)]
	fmt.Fprintf(b, "%s (%d, largest first):\n", title, len(rs))
	for _, r := range shown {
		fmt.Fprintf(b, "    %6d chars  %s\n                   %s\n                   %q\n", r.Text, r.Path, r.Why, r.Head)
	}
	if len(rs) > len(shown) {
		rest := 0
		for _, r := range rs[len(shown):] {
			rest += r.Text
		}
		fmt.Fprintf(b, "    ... and %d more (%d chars)\n", len(rs)-len(shown), rest)
	}
}

// indent indents text for the report, cut after max bytes.
func indent(t string, max int) string {
	if len(t) > max {
		cut := max
		for cut > 0 && t[cut]&0xC0 == 0x80 {
			cut--
		}
		t = t[:cut] + " …"
	}
	return "  " + strings.ReplaceAll(t, "\n", "\n  ")
}

// declared lists what the page says about itself, for the explanation
// of the title, byline and date Extract picked.
func (m *pageMeta) declared() []Field {
	var out []Field
	add := func(name, v string) {
		if v = collapse(v); v != "" {
			out = append(out, Field{name, v})
		}
	}
	add("<title>", m.title)
	add("og:title", m.meta["og:title"])
	add("twitter:title", m.meta["twitter:title"])
	add("ld headline", m.ld.headline)
	for _, h := range m.h1 {
		add("<h1>", h)
	}
	add("og:site_name", m.meta["og:site_name"])
	add("ld author", m.ld.author)
	add("meta author", m.first("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "twitter:creator"))
	add("rel=author", m.relAuth)
	add("byline element", m.classAu)
	add("\"By\" line", m.textAu)
	add("ld published", m.ld.published)
	add("article:published_time", m.meta["article:published_time"])
	return out
}

// invisible reports whether n is an element whose text a reader never
// sees, not worth a line in an explanation.
func invisible(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Title, atom.Meta, atom.Link:
		return true
	}
	return false
}
