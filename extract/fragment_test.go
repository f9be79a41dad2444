package extract

import (
	"net/url"
	"strings"
	"testing"
)

func TestSanitizeFragment(t *testing.T) {
	base, _ := url.Parse("https://news.example/posts/flood")
	const player = `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="560" height="315" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" allowfullscreen></iframe>`
	tests := []struct {
		name string
		in   string
		base *url.URL
		want string
	}{
		{"allowed markup is kept", `<h2>A</h2><p>b <em>c</em> <a href="https://x.example/" title="t">d</a></p>`, base,
			`<h2>A</h2><p>b <em>c</em> <a href="https://x.example/" title="t">d</a></p>`},
		{"h1 becomes h2", `<h1>Head</h1>`, base, `<h2>Head</h2>`},
		{"script goes with its content", `<p>a</p><script>alert(1)</script>`, base, `<p>a</p>`},
		{"style goes with its content", `<style>p{background:url(javascript:x)}</style><p style="color:red">a</p>`, base, `<p>a</p>`},
		{"svg goes with its content", `<p>a</p><svg><script>alert(1)</script><a href="javascript:x"><text>b</text></a></svg>`, base, `<p>a</p>`},
		{"math goes with its content", `<math><mi xlink:href="javascript:x">b</mi></math>`, base, ``},
		{"object and embed go", `<object data="https://x.example/f.swf">a</object><embed src="https://x.example/f.swf">`, base, ``},
		{"event handlers go", `<p onclick="alert(1)">a</p><img src="https://x.example/i.png" onerror="alert(1)">`, base,
			`<p>a</p><img src="https://x.example/i.png">`},
		{"javascript: link loses its href", `<a href=" JavaScript:alert(1)">a</a>`, base, `<a>a</a>`},
		{"relative link is resolved against base", `<a href="/about">a</a>`, base, `<a href="https://news.example/about">a</a>`},
		{"relative link without base loses its href", `<a href="/about">a</a>`, nil, `<a>a</a>`},
		{"player iframe is kept as the privacy-friendly player", `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" onload="x()"></iframe>`, base, player},
		{"other iframe goes", `<iframe src="https://evil.example/embed/dQw4w9WgXcQ"></iframe>`, base, ``},
		// The article sanitiser turns these into players; a fragment's
		// author decides where a player goes, so links stay links.
		{"video link in running text stays a link",
			`<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> today.</p>`, base,
			`<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> today.</p>`},
		{"video URL in text stays text", `<p>https://youtu.be/dQw4w9WgXcQ</p>`, base, `<p>https://youtu.be/dQw4w9WgXcQ</p>`},
		{"video URL in code stays code", `<pre><code>https://youtu.be/dQw4w9WgXcQ</code></pre>`, base,
			`<pre><code>https://youtu.be/dQw4w9WgXcQ</code></pre>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SanitizeFragment(tt.in, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("SanitizeFragment(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestSanitizeFragmentTooDeep checks that HTML nested deeper than the
// parser accepts is refused rather than written as nothing.
func TestSanitizeFragmentTooDeep(t *testing.T) {
	deep := strings.Repeat("<blockquote>", 600) + "a"
	if got, err := SanitizeFragment(deep, nil); err == nil {
		t.Fatalf("SanitizeFragment of 600 nested elements = %.60q, nil; want an error", got)
	}
}
