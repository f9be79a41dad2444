package markdown

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// allowedOutput is every element the output may hold.
var allowedOutput = []string{
	"p", "br", "hr", "div", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
	"blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark",
	"q", "cite", "abbr", "del", "ins", "kbd", "samp", "var", "a", "img", "figure", "figcaption",
	"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "time", "iframe",
}

// unsafeIn returns what makes out unsafe to place in a page, or "": it
// parses out as a browser would and looks at every element and attribute.
func unsafeIn(out string) string {
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "output does not parse: " + err.Error()
	}
	var problem string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if problem != "" {
			return
		}
		if n.Type == html.ElementNode {
			if n.Namespace != "" || !slices.Contains(allowedOutput, n.Data) {
				problem = "element <" + n.Namespace + " " + n.Data + ">"
				return
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction":
					problem = "attribute " + a.Key + " on <" + n.Data + ">"
				case key == "href" && !schemeIn(a.Val, "http", "https", "mailto"):
					problem = "link to " + a.Val
				case key == "src" && n.Data == "img" && !schemeIn(a.Val, "http", "https"):
					problem = "image from " + a.Val
				case key == "src" && n.Data == "iframe" && !fromEmbedOrigin(a.Val):
					problem = "frame from " + a.Val
				case key == "src" && n.Data != "img" && n.Data != "iframe":
					problem = "src on <" + n.Data + ">"
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return problem
}

// schemeIn reports whether v is an absolute URL with one of schemes, as
// a browser would read it.
func schemeIn(v string, schemes ...string) bool {
	u, err := url.Parse(v)
	return err == nil && slices.Contains(schemes, u.Scheme) && (u.Scheme == "mailto" || u.Host != "")
}

// fromEmbedOrigin reports whether src is served from one of the players'
// origins, the only ones the site's Content-Security-Policy frames.
func fromEmbedOrigin(src string) bool {
	u, err := url.Parse(src)
	if err != nil {
		return false
	}
	return slices.Contains(strings.Fields(extract.EmbedOrigins), u.Scheme+"://"+u.Host) && u.User == nil
}

func checkSafe(t testing.TB, out string) {
	t.Helper()
	if p := unsafeIn(out); p != "" {
		t.Errorf("unsafe output (%s):\n%s", p, out)
	}
}

// textOf returns the text a reader sees in out.
func textOf(t testing.TB, out string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String()
}

// hostile are inputs written to get markup, code or a frame past the
// renderer. Each must render safely; shows is text that must still be
// visible (raw HTML is shown as text, so nothing written is lost), and
// code the error expected instead of output.
var hostile = []struct {
	name  string
	src   string
	shows string
	code  string
}{
	{name: "script block", src: "<script>alert(1)</script>", shows: "<script>alert(1)</script>"},
	{name: "script inline", src: "a <script>alert(1)</script> b", shows: "<script>alert(1)</script>"},
	{name: "script split over lines", src: "<script>\nalert(1)\n</script>\n\nafter", shows: "alert(1)"},
	{name: "iframe from elsewhere", src: `<iframe src="https://evil.example/"></iframe>`, shows: `<iframe src="https://evil.example/"></iframe>`},
	{name: "tracking YouTube iframe with text", src: `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe> watch`, shows: "watch"},
	{name: "iframe inline", src: `see <iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>`, shows: "<iframe"},
	{name: "iframe srcdoc", src: `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, shows: "srcdoc"},
	{name: "img onerror", src: `<img src=x onerror="alert(1)">`, shows: "onerror"},
	{name: "event handler on a block", src: "<div onmouseover=\"alert(1)\">\nhover\n</div>", shows: "hover"},
	{name: "event handler inline", src: `a <span onclick="alert(1)">b</span>`, shows: "onclick"},
	{name: "event handler after a link", src: `[a](https://example.org/" onclick="alert(1))`},
	{name: "event handler in a link title", src: `[a](https://example.org/ "x\" onclick=\"alert(1)")`},
	{name: "javascript: link", src: "[a](javascript:alert(1))", shows: "a"},
	{name: "javascript: upper case", src: "[a](JAVASCRIPT:alert(1))"},
	{name: "javascript: mixed case", src: "[a](JaVaScRiPt:alert(1))"},
	{name: "javascript: leading spaces", src: "[a](   javascript:alert(1))"},
	{name: "javascript: in angle brackets", src: "[a](<javascript:alert(1)>)"},
	{name: "javascript: with a space in angle brackets", src: "[a](< javascript:alert(1)>)"},
	{name: "javascript: tab entity", src: "[a](jav&#x09;ascript:alert(1))"},
	{name: "javascript: tab entity, named", src: "[a](jav&Tab;ascript:alert(1))"},
	{name: "javascript: newline entity", src: "[a](java&#10;script:alert(1))"},
	{name: "javascript: colon entity", src: "[a](javascript&colon;alert(1))"},
	{name: "javascript: percent-encoded", src: "[a](javascript%3Aalert(1))"},
	{name: "javascript: NUL", src: "[a](java\x00script:alert(1))"},
	{name: "javascript: backslash escape", src: `[a](javascript\:alert(1))`},
	{name: "javascript: autolink", src: "<javascript:alert(1)>"},
	{name: "javascript: reference link", src: "[a][x]\n\n[x]: javascript:alert(1)"},
	{name: "javascript: image", src: "![a](javascript:alert(1))"},
	{name: "javascript: raw link", src: `<a href="javascript:alert(1)">a</a>`, shows: "javascript:alert(1)"},
	{name: "data: link", src: "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
	{name: "data: image", src: "![a](data:image/png;base64,iVBORw0KGgo=)"},
	{name: "data: SVG image", src: "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"},
	{name: "vbscript: link", src: "[a](vbscript:msgbox(1))"},
	{name: "VBScript: upper case", src: "[a](VBSCRIPT:msgbox(1))"},
	{name: "file: link", src: "[a](file:///etc/passwd)"},
	{name: "protocol-relative link", src: "[a](//evil.example/x)"},
	{name: "HTML comment", src: "a <!-- <script>alert(1)</script> --> b", shows: "a  b"},
	{name: "HTML comment block", src: "<!--\n<script>alert(1)</script>\n-->\n\nb", shows: "b"},
	{name: "unclosed comment", src: "a <!-- b"},
	{name: "conditional comment", src: "<!--[if IE]><script>alert(1)</script><![endif]-->"},
	{name: "style block", src: "<style>body{background:url(javascript:alert(1))}</style>", shows: "<style>"},
	{name: "style attribute", src: `<p style="background:url(javascript:alert(1))">a</p>`, shows: "style="},
	{name: "SVG", src: `<svg onload="alert(1)"><script>alert(2)</script></svg>`, shows: "<svg"},
	{name: "SVG inline", src: `a <svg><a xlink:href="javascript:alert(1)"><text>b</text></a></svg>`, shows: "<svg>"},
	{name: "MathML", src: `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`, shows: "<math>"},
	{name: "object and embed", src: `<object data="x.swf"></object><embed src="x.swf">`, shows: "<object"},
	{name: "form", src: `<form action="https://evil.example/"><button formaction="javascript:alert(1)">x</button></form>`, shows: "<form"},
	{name: "base and meta", src: `<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{name: "CDATA", src: "<![CDATA[<script>alert(1)</script>]]>"},
	{name: "processing instruction", src: "<?php echo 1; ?>"},
	{name: "markup in a link's text", src: "[<img src=x onerror=alert(1)>](https://example.org)", shows: "<img"},
	{name: "markup in an image's alt", src: `![<script>alert(1)</script>" onerror="alert(1)](https://example.org/i.png)`},
	{name: "markup in a code span", src: "`<script>alert(1)</script>`", shows: "<script>alert(1)</script>"},
	{name: "markup in a table", src: "| <script>alert(1)</script> |\n|---|\n| <img src=x onerror=alert(1)> |", shows: "<script>"},
	{name: "entity-encoded markup", src: "&lt;script&gt;alert(1)&lt;/script&gt;", shows: "<script>alert(1)</script>"},
	{name: "numeric entity markup", src: "&#60;script&#62;alert(1)&#60;/script&#62;", shows: "<script>"},

	// Look-alikes of the players' addresses are links, never frames.
	{name: "YouTube look-alike host", src: "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ"},
	{name: "YouTube look-alike user info", src: "https://youtu.be@evil.example/dQw4w9WgXcQ"},
	{name: "YouTube look-alike user info on www", src: "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ"},
	{name: "YouTube look-alike suffix", src: "https://evilyoutube.com/watch?v=dQw4w9WgXcQ"},
	{name: "YouTube in the query", src: "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ"},
	{name: "YouTube with a hostile id", src: "https://www.youtube.com/watch?v=\"><script>alert(1)</script>"},
	{name: "YouTube id with a path", src: "https://youtu.be/dQw4w9WgXcQ/../../evil"},
	{name: "Vimeo look-alike", src: "https://vimeo.com.evil.example/76979871"},
	{name: "Vimeo with a non-numeric id", src: "https://vimeo.com/javascript:alert(1)"},
	{name: "pasted frame from a look-alike", src: `<iframe src="https://www.youtube.com.evil.example/embed/dQw4w9WgXcQ"></iframe>`, shows: "evil.example"},
	{name: "pasted frame with a javascript: src", src: `<iframe src="javascript:alert(1)"></iframe>`, shows: "javascript:"},
	{name: "pasted player frame with a script", src: `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><script>alert(1)</script>`},
	{name: "two pasted frames", src: `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><iframe src="https://evil.example/"></iframe>`, shows: "evil.example"},

	// Bombs: bounded time and memory, an answer either way.
	{name: "brackets thousands deep", src: strings.Repeat("[", 50_000) + "a" + strings.Repeat("]", 50_000), code: newsdesk.EINVALID},
	{name: "unclosed brackets", src: strings.Repeat("[", MaxSize), code: newsdesk.EINVALID},
	{name: "brackets deep on every line", src: strings.Repeat(strings.Repeat("[", 60)+"a"+strings.Repeat("]", 60)+"\n", MaxSize/122), code: newsdesk.EINVALID},
	{name: "empty brackets on every line", src: strings.Repeat("[]\n", MaxSize/3), code: newsdesk.EINVALID},
	{name: "emphasis marks that never match", src: strings.Repeat("*_ ", MaxSize/3)},
	{name: "backticks that never match", src: strings.Repeat("`\\`", MaxSize/3) + "`"},
	{name: "strikethrough marks that never match", src: strings.Repeat("*~a", MaxSize/3)},
	{name: "lists deep by indentation", src: deepList(MaxSize), code: newsdesk.EINVALID},
	{name: "link openers", src: strings.Repeat("[a](", 1000), code: newsdesk.EINVALID},
	{name: "image openers on many lines", src: strings.Repeat(strings.Repeat("![a](", 60)+"\n", 300)},
	{name: "stars thousands deep", src: strings.Repeat("*", 50_000) + "a" + strings.Repeat("*", 50_000), code: newsdesk.EINVALID},
	{name: "unclosed stars", src: strings.Repeat("*", MaxSize)},
	{name: "alternating emphasis", src: strings.Repeat("*a _", MaxSize/4)},
	{name: "underscores deep", src: strings.Repeat("_", 40_000) + "a" + strings.Repeat("_", 40_000), code: newsdesk.EINVALID},
	{name: "quotes thousands deep", src: strings.Repeat(">", 50_000) + " a", code: newsdesk.EINVALID},
	{name: "lists thousands deep", src: strings.Repeat("- ", 20_000) + "a", code: newsdesk.EINVALID},
	{name: "quotation marks", src: strings.Repeat(`"`, 50_000), code: newsdesk.EINVALID},
	{name: "table wider than the input", src: "|" + strings.Repeat("a|", 20_000) + "\n|" + strings.Repeat("-|", 20_000) + "\n" + strings.Repeat("a\n", 10_000), code: newsdesk.EINVALID},
	{name: "extremely long line of words", src: strings.Repeat("word ", MaxSize/5)},
	{name: "extremely long line without spaces", src: strings.Repeat("x", MaxSize)},
	{name: "extremely long address", src: "https://example.org/" + strings.Repeat("a", MaxSize-100)},
	{name: "extremely long link", src: "[a](https://example.org/" + strings.Repeat("a", MaxSize-100) + ")"},
	{name: "over the size limit", src: strings.Repeat("a", MaxSize+1), code: newsdesk.ETOOLARGE},
}

// deepList returns a list that nests one level more on each line, up to
// size bytes.
func deepList(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size-2*i-5; i++ {
		b.WriteString(strings.Repeat(" ", 2*i) + "- a\n")
	}
	return b.String()
}

func TestHostile(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			start := cpuTime(t)
			got, err := HTML(tt.src, postURL)
			if took := cpuTime(t) - start; took > fastEnough {
				t.Errorf("HTML took %v of processor time", took)
			}
			if code := newsdesk.ErrorCode(err); code != tt.code {
				t.Fatalf("HTML(%.60q) error %v, want code %q", tt.src, err, tt.code)
			}
			checkSafe(t, got)
			if tt.shows != "" && !strings.Contains(textOf(t, got), tt.shows) {
				t.Errorf("HTML(%.60q) = %.300s\nwhich does not show %q", tt.src, got, tt.shows)
			}
		})
	}
}

// TestHostileDocument renders a post that tries many attacks at once,
// as one of the fuzz target's seeds.
func TestHostileDocument(t *testing.T) {
	src, err := os.ReadFile("testdata/hostile.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := HTML(string(src), postURL)
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, got)
	if n := strings.Count(got, "<iframe"); n != 2 {
		t.Errorf("%d players, want 2 (the pasted YouTube frame and the Vimeo link):\n%s", n, got)
	}
	for _, shows := range []string{"<script>alert(document.cookie)</script>", "click", "cell", "another"} {
		if !strings.Contains(textOf(t, got), shows) {
			t.Errorf("the page does not show %q", shows)
		}
	}
}
