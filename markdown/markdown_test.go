package markdown

import (
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/textproc"
)

const (
	youTubePlayer = `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="560" height="315" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" allowfullscreen></iframe>`
	vimeoPlayer   = `<iframe src="https://player.vimeo.com/video/76979871?dnt=1" width="560" height="315" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" allowfullscreen></iframe>`
)

var postURL, _ = url.Parse("https://news.example/2024/flood-barrier")

func TestHTML(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"paragraphs and emphasis", "One *two* **three**.\n\nFour.", "<p>One <em>two</em> <strong>three</strong>.</p>\n<p>Four.</p>"},
		{"strikethrough", "~~gone~~", "<p><del>gone</del></p>"},
		{"table", "| a | b |\n|---|--:|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>"},
		{"pasted address becomes a link", "See https://example.org/a?b=1 and www.example.com.",
			`<p>See <a href="https://example.org/a?b=1">https://example.org/a?b=1</a> and <a href="http://www.example.com">www.example.com</a>.</p>`},
		{"angle-bracket autolink and e-mail", "<https://example.org> <news@example.org>",
			`<p><a href="https://example.org">https://example.org</a> <a href="mailto:news@example.org">news@example.org</a></p>`},
		{"tracking parameters leave links", "[a](https://example.org/?utm_source=x&id=3)", `<p><a href="https://example.org/?id=3">a</a></p>`},
		{"typographic quotes, apostrophes, dashes, ellipsis", `"Yes," she said -- it's the '90s... 'quoted' --- done`,
			"<p>“Yes,” she said — it’s the ’90s… ‘quoted’ — done</p>"},
		{"angle quotes stay as typed", "a << b >> c", "<p>a &lt;&lt; b &gt;&gt; c</p>"},
		{"code is not made typographic", "`\"a\" -- b`\n\n```\n'x' ...\n```", "<p><code>&#34;a&#34; -- b</code></p>\n<pre><code>&#39;x&#39; ...\n</code></pre>"},
		{"headings start at h2", "# One\n\n## Two\n\n### Three", "<h2>One</h2>\n<h3>Two</h3>\n<h4>Three</h4>"},
		{"headings that start at ## start at h2", "## Two\n\n### Three", "<h2>Two</h2>\n<h3>Three</h3>"},
		{"a skipped heading level closes up", "# One\n\n### Three", "<h2>One</h2>\n<h3>Three</h3>"},
		{"setext headings too", "One\n===\n\nTwo\n---", "<h2>One</h2>\n<h3>Two</h3>"},
		{"six levels end at h6", "# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6", "<h2>1</h2>\n<h3>2</h3>\n<h4>3</h4>\n<h5>4</h5>\n<h6>5</h6>\n<h6>6</h6>"},
		{"relative link and image resolve against the page", "[about](/about) ![map](map.png)",
			`<p><a href="https://news.example/about">about</a> <img src="https://news.example/2024/map.png" alt="map"></p>`},

		// Video links as editors paste them.
		{"YouTube link as its own paragraph", "Before.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nAfter.",
			"<p>Before.</p>\n" + youTubePlayer + "\n<p>After.</p>"},
		{"YouTube link on its own line inside a paragraph", "Watch this:\nhttps://youtu.be/dQw4w9WgXcQ\nand then this.",
			"<p>Watch this:</p>\n" + youTubePlayer + "\n<p>and then this.</p>"},
		{"after a hard line break", "Watch this:\\\nhttps://youtu.be/dQw4w9WgXcQ", "<p>Watch this:</p>\n" + youTubePlayer},
		{"www. address", "www.youtube.com/watch?v=dQw4w9WgXcQ", youTubePlayer},
		{"shorts and angle brackets", "<https://youtube.com/shorts/dQw4w9WgXcQ>", youTubePlayer},
		{"link written with its own address as text", "[https://youtu.be/dQw4w9WgXcQ](https://youtu.be/dQw4w9WgXcQ)", youTubePlayer},
		{"Vimeo link", "https://vimeo.com/76979871", vimeoPlayer},
		{"two videos in a row", "https://youtu.be/dQw4w9WgXcQ\nhttps://vimeo.com/76979871", youTubePlayer + "\n" + vimeoPlayer},
		{"video in a quote", "> https://youtu.be/dQw4w9WgXcQ", "<blockquote>\n" + youTubePlayer + "\n</blockquote>"},
		{"video link in running text stays a link", "Watch https://youtu.be/dQw4w9WgXcQ now.",
			`<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> now.</p>`},
		{"named video link stays a link", "[the interview](https://youtu.be/dQw4w9WgXcQ)",
			`<p><a href="https://youtu.be/dQw4w9WgXcQ">the interview</a></p>`},
		{"video link in a list stays a link", "- https://youtu.be/dQw4w9WgXcQ",
			"<ul>\n<li><a href=\"https://youtu.be/dQw4w9WgXcQ\">https://youtu.be/dQw4w9WgXcQ</a></li>\n</ul>"},
		{"video address in code stays code", "`https://youtu.be/dQw4w9WgXcQ`", "<p><code>https://youtu.be/dQw4w9WgXcQ</code></p>"},
		{"pasted YouTube embed code", `<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=Tr4ck" title="YouTube video player" frameborder="0" allow="autoplay" allowfullscreen></iframe>`,
			youTubePlayer},
		{"pasted Vimeo embed code", `<div style="padding:56.25% 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&amp;badge=0" style="position:absolute;top:0;left:0;width:100%;height:100%;" title="A film"></iframe></div><script src="https://player.vimeo.com/api/player.js"></script>`,
			vimeoPlayer},

		// Raw HTML shows as the text it is.
		{"raw HTML block is text", "<div class=\"box\">\nImportant words\n</div>", `<p>&lt;div class=&#34;box&#34;&gt;` + "\nImportant words\n" + `&lt;/div&gt;</p>`},
		{"inline raw HTML is text", "a <b>bold</b> move", "<p>a &lt;b&gt;bold&lt;/b&gt; move</p>"},
		{"comments are dropped", "a <!-- check with the desk --> b\n\n<!--\nnote\n-->\n\nc", "<p>a  b</p>\n<p>c</p>"},
		{"text after a comment block stays", "<!-- note --> visible", "<p>visible</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML(tt.src, postURL)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("HTML(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
			checkSafe(t, got)
		})
	}
}

func TestHTMLWithoutBase(t *testing.T) {
	got, err := HTML("[about](/about) ![map](map.png) [home](https://news.example/)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<p><a>about</a>  <a href="https://news.example/">home</a></p>`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"paragraphs are separated by blank lines", "One *two*\nthree.\n\n\n\nFour.", "One two three.\n\nFour."},
		{"headings, lists, quotes and code are paragraphs", "# Head\n\n- a\n- **b**\n\n> quoted\n\n```\ncode <x>\n```",
			"Head\n\na\n\nb\n\nquoted\n\ncode <x>"},
		{"links keep their text, images go", "See [the report](https://example.org) ![chart](c.png) now.", "See the report  now."},
		{"a paragraph of images alone leaves nothing", "a\n\n![x](x.png) ![y](y.png)\n\nb", "a\n\nb"},
		{"pasted addresses stay", "See https://example.org/a and www.example.com.", "See https://example.org/a and www.example.com."},
		{"video on its own line stays an address, on its own", "Watch:\nhttps://youtu.be/dQw4w9WgXcQ\nNow.",
			"Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nNow."},
		{"pasted embed code is the player's address", `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=Tr4ck"></iframe>`,
			"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"escapes and entities resolve", `\*not em\* &amp; &copy; &#169; AT&T`, "*not em* & © © AT&T"},
		{"typographic marks as in the page", `"Yes" -- it's...`, "“Yes” — it’s…"},
		{"raw HTML is its text, comments go", "a <b>b</b> <!-- note --> c", "a <b>b</b>  c"},
		{"hard line break", "a  \nb", "a\nb"},
		{"table rows are paragraphs", "| a | b |\n|---|---|\n| 1 | 2 |", "a\tb\n\n1\t2"},
		{"thematic break leaves nothing", "a\n\n***\n\nb", "a\n\nb"},
		{"refused Markdown is given as written", strings.Repeat(">", 100) + " deep", strings.Repeat(">", 100) + " deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.src); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
		})
	}
}

// TestTextExcerpt checks that a post's excerpt shows a pasted video as
// a whole address, as the site links it.
func TestTextExcerpt(t *testing.T) {
	src := "The council explains its plan:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nMore follows."
	got := textproc.Excerpt(Text(src), textproc.ExcerptOptions{Words: 6})
	if want := "The council explains its plan: https://www.youtube.com/watch?v=dQw4w9WgXcQ ..."; got != want {
		t.Errorf("excerpt = %q, want %q", got, want)
	}
}

func TestTextOverSize(t *testing.T) {
	src := strings.Repeat("é", MaxSize) // two bytes each
	got := Text(src)
	if len(got) > MaxSize || !strings.HasPrefix(src, got) || len(got) < MaxSize-1 {
		t.Errorf("Text of %d bytes gave %d bytes; want the first %d bytes, whole characters", len(src), len(got), MaxSize)
	}
}

// TestPost renders the benchmark's post: a typical one must come out
// whole, with its player, table and credit.
func TestPost(t *testing.T) {
	src, err := os.ReadFile("testdata/post.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := HTML(string(src), postURL)
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, got)
	for _, want := range []string{
		"<h2>What the council approved</h2>", "<h3>Key figures</h3>", youTubePlayer,
		`<a href="https://courier.example/news/2024/flood-barrier-vote">original report in the <em>Evening Courier</em></a>`,
		`<a href="mailto:consultation@council.example">`, "<td>£51m</td>", "“grown by half", "— Maria Okafor",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the post's HTML lacks %s", want)
		}
	}
	text := Text(string(src))
	if strings.ContainsAny(text, "*#|[]") {
		t.Errorf("the post's text has markup characters:\n%s", text)
	}
	if n := len(strings.Fields(text)); n < 550 {
		t.Errorf("the post's text has %d words, want about 600", n)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		src  string
		code string
	}{
		{"at most MaxSize", strings.Repeat("a", MaxSize+1), newsdesk.ETOOLARGE},
		{"links on a line", strings.Repeat("[a](b) ", maxLinksPerLine+1), newsdesk.EINVALID},
		{"quotation marks in a row", strings.Repeat(`"`, maxQuoteRun+1), newsdesk.EINVALID},
		{"apostrophes in a row", strings.Repeat(`'`, maxQuoteRun+1), newsdesk.EINVALID},
		{"quotes nested", strings.Repeat("> ", maxNesting+1) + "a", newsdesk.EINVALID},
		{"lists nested", strings.Repeat("- ", maxNesting+1) + "a", newsdesk.EINVALID},
		{"emphasis nested", strings.Repeat("*", 3*maxNesting) + "a" + strings.Repeat("*", 3*maxNesting), newsdesk.EINVALID},
		{"brackets nested", strings.Repeat("[", maxNesting+1) + "a" + strings.Repeat("](b)", maxNesting+1), newsdesk.EINVALID},
		{"brackets nested over lines", strings.Repeat("[a\n", maxNesting+1), newsdesk.EINVALID},
		{"numbered lists nested", strings.Repeat("1. ", maxNesting+1) + "a", newsdesk.EINVALID},
		{"lists nested by indentation", deepList(10_000), newsdesk.EINVALID},
		{"table cells", "|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n" + strings.Repeat("a\n", maxTableCells/200), newsdesk.EINVALID},
		{"references through a long paragraph", strings.Repeat("[a]\n", 300), newsdesk.EINVALID},
		{"references through a long paragraph of lines like headings", strings.Repeat("#[a]\n", 300), newsdesk.EINVALID},
		{"references through a long quoted paragraph", strings.Repeat("> [a]\n", 300), newsdesk.EINVALID},
		{"link definitions in a row", strings.Repeat("[a]: https://example.org\n", maxDefinitionRun+1), newsdesk.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML(tt.src, nil)
			if code := newsdesk.ErrorCode(err); code != tt.code {
				t.Fatalf("HTML = %.80q, %v; want code %s", got, err, tt.code)
			}
			if msg := newsdesk.ErrorMessage(err); !strings.HasPrefix(msg, "The post") && !strings.HasPrefix(msg, "A ") {
				t.Errorf("message %q does not tell the editor what is wrong", msg)
			}
		})
	}
	// Just inside every limit is accepted.
	for name, src := range map[string]string{
		"MaxSize":              strings.Repeat("a ", MaxSize/2),
		"links on a line":      strings.Repeat("[a](b) ", maxLinksPerLine),
		"quotation marks":      strings.Repeat(`"`, maxQuoteRun),
		"nesting":              strings.Repeat("> ", maxNesting-2) + "a",
		"brackets":             strings.Repeat("[", maxNesting) + "a" + strings.Repeat("]", maxNesting) + "\n\n" + strings.Repeat("[", maxNesting),
		"table cells":          "|" + strings.Repeat("a|", 20) + "\n|" + strings.Repeat("-|", 20) + "\n" + strings.Repeat("|a|\n", maxTableCells/21-3),
		"link definitions":     strings.Repeat("[a]: https://example.org\n", maxDefinitionRun) + "\n[a]",
		"references":           strings.Repeat("[a]\n", 200),
		"a list of references": strings.Repeat("- [a] b\n", 1000),
		"headed references":    strings.Repeat("# [a]\n", 1000),
	} {
		if _, err := HTML(src, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestConcurrent renders from many goroutines at once, as the site and
// the desk do; run with -race.
func TestConcurrent(t *testing.T) {
	src, err := os.ReadFile("testdata/post.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := HTML(string(src), postURL)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got, err := HTML(string(src), postURL); err != nil || got != want {
					t.Errorf("concurrent HTML differs (err %v)", err)
					return
				}
				Text(string(src))
			}
		})
	}
	wg.Wait()
}

// TestEmphasisCap checks that a paragraph's emphasis marks beyond
// maxDelimiters are shown as typed, and that the next paragraph counts
// anew.
func TestEmphasisCap(t *testing.T) {
	src := strings.Repeat("*a* ", maxDelimiters/2) + "*b* ~~c~~\n\n*d*"
	got, err := HTML(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(got, "<em>a</em>"); n != maxDelimiters/2 {
		t.Errorf("%d emphasised, want %d", n, maxDelimiters/2)
	}
	for _, want := range []string{"*b* ~~c~~</p>", "<p><em>d</em></p>"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n...%s", want, got[len(got)-80:])
		}
	}
}
