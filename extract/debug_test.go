package extract

import (
	"bytes"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/extract/evalset"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestDebugPage prints how one page was scored: EXTRACT_DEBUG=path.
func TestDebugPage(t *testing.T) {
	f := os.Getenv("EXTRACT_DEBUG")
	if f == "" {
		t.Skip("set EXTRACT_DEBUG to a page")
	}
	body, _ := os.ReadFile(f)
	body = decode(body, "")
	doc, _ := html.Parse(bytes.NewReader(body))
	root := findBody(doc)
	cl := cleaner{cls: newClassifier(), bodyText: textLen(root), ed: &edits{}}
	fmt.Println("body text before clean", cl.bodyText)
	cl.debug = func(n *html.Node, why string) {
		if l := textLen(n); l > 300 {
			fmt.Printf("removed %d %s\n", l, path(n))
		}
	}
	cl.clean(root)
	fmt.Println("body text after clean", textLen(root))
	s := scorer{cls: cl.cls}
	nodes := s.selectContent(root)
	cs := slices.Clone(s.cands)
	slices.SortFunc(cs, func(a, b cand) int {
		if a.final > b.final {
			return -1
		}
		return 1
	})
	for _, c := range cs[:min(8, len(cs))] {
		fmt.Printf("%.1f own=%.1f text=%d link=%d good=%d bad=%d %s\n", c.final, c.own, c.text, c.link, c.good, c.bad, path(c.n))
	}
	for _, n := range nodes {
		fmt.Println("selected", path(n))
	}
	u, _ := url.Parse("http://example.com/")
	a, _ := Extract(body, "", u)
	fmt.Println(a.Text)
}

func path(n *html.Node) string {
	s := ""
	for ; n != nil && n.Type == html.ElementNode; n = n.Parent {
		s = fmt.Sprintf("/%s[%s]", n.Data, classID(n)) + s
	}
	return s
}

// TestDebugDates prints the date candidates of pages: EXTRACT_DATES=path,path.
func TestDebugDates(t *testing.T) {
	fs := os.Getenv("EXTRACT_DATES")
	if fs == "" {
		t.Skip("set EXTRACT_DATES to pages")
	}
	for _, f := range strings.Split(fs, ",") {
		body, _ := os.ReadFile(f)
		body = decode(body, "")
		doc, _ := html.Parse(bytes.NewReader(body))
		m := pageMeta{meta: map[string]string{}}
		m.walk(doc, nil)
		fmt.Println("==", f)
		for k, v := range m.meta {
			if strings.Contains(k, "date") || strings.Contains(k, "time") || strings.Contains(k, "publish") || strings.Contains(k, "modif") {
				fmt.Printf("  meta %s = %q\n", k, v)
			}
		}
		fmt.Printf("  ld %q item %q pub %q times %q\n  datetext %q\n", m.ld.published, m.itemDate, m.pubTime, m.times, m.dateText)
		title := m.pickTitle("")
		fmt.Printf("  near title %q: %v; labelled %v, update %v; title attribute %q\n", title, m.nearTitleDate(title).t, m.labelDate.t, m.updateLabelDate.t, m.titleDate)
		txt := m.visibleText()
		fmt.Printf("  text %q\n", collapse(txt[:min(len(txt), 600)]))
	}
}

// TestDateSources counts, per date source, how often its value is the
// gold date when it has one: EXTRACT_DATESRC=1.
func TestDateSources(t *testing.T) {
	if os.Getenv("EXTRACT_DATESRC") == "" {
		t.Skip("set EXTRACT_DATESRC")
	}
	pages, _ := evalset.Load(evalset.Find())
	type cnt struct{ ok, bad int }
	c := map[string]*cnt{}
	add := func(k string, d time.Time, gold string) {
		if d.IsZero() {
			return
		}
		if c[k] == nil {
			c[k] = &cnt{}
		}
		if d.Format("2006-01-02") == gold {
			c[k].ok++
		} else {
			c[k].bad++
		}
	}
	for _, p := range pages {
		if p.Date == "" {
			continue
		}
		body, _ := os.ReadFile(p.File)
		body = decode(body, "")
		doc, _ := html.Parse(bytes.NewReader(body))
		m := pageMeta{meta: map[string]string{}}
		u, _ := url.Parse(p.URL)
		m.walk(doc, u)
		add("ld", parseDate(m.ld.published), p.Date)
		if d := parseDate(m.ld.published); os.Getenv("EXTRACT_DATESRC") == "ld" && !d.IsZero() && d.Format("2006-01-02") != p.Date {
			dt := ""
			if len(m.dateText) > 0 {
				dt = m.dateText[0]
			}
			fmt.Printf("gold %s ld %q pub %q url %s dt0 %q times %q\n", p.Date, m.ld.published, m.meta["article:published_time"], urlDate(u.Path).Format("2006-01-02"), dt, m.times)
		}
		for k, v := range m.meta {
			if strings.Contains(k, "date") || strings.Contains(k, "time") || strings.Contains(k, "publish") || strings.Contains(k, "modif") {
				add("meta:"+k, parseDate(v), p.Date)
			}
		}
		add("item", parseDate(m.itemDate), p.Date)
		add("pubtime", parseDate(m.pubTime), p.Date)
		add("url", urlDate(u.Path), p.Date)
		for i, v := range m.times {
			add(fmt.Sprint("time", min(i, 2)), parseDate(v), p.Date)
		}
		for i, v := range m.dateText {
			add(fmt.Sprint("datetext", min(i, 3)), findDate(v), p.Date)
		}
		add("text", findDate(m.visibleText()), p.Date)
	}
	keys := slices.Sorted(maps.Keys(c))
	for _, k := range keys {
		if c[k].ok+c[k].bad >= 5 {
			fmt.Printf("%-40s ok %4d bad %4d\n", k, c[k].ok, c[k].bad)
		}
	}
}

// visibleText is the page's text outside scripts and style sheets, up
// to 100,000 bytes, each text node followed by a space: the text
// firstTextDate reads.
func (m *pageMeta) visibleText() string {
	var b strings.Builder
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return b.Len() < 100000
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
	return b.String()
}
