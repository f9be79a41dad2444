package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"slices"
	"testing"

	"golang.org/x/net/html"
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
	cl := cleaner{cls: classifier{}, bodyText: textLen(root)}
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
