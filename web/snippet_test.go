package web_test

import (
	"testing"

	"github.com/newsdesk/newsdesk/web"
)

// A snippet shows its marks and its escaped text as they are, and
// nothing else it holds can become markup.
func TestSnippetHTML(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"marks", "the <mark>bridge</mark> reopens", "the <mark>bridge</mark> reopens"},
		{"escaped text", "Repairs &amp; &lt;<mark>traffic</mark>&gt; flows.", "Repairs &amp; &lt;<mark>traffic</mark>&gt; flows."},
		{"an element", `<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"a mark with attributes", `<mark onclick="x">a</mark>`, `&lt;mark onclick=&#34;x&#34;&gt;a</mark>`},
		{"a lone bracket", "a > b < c", "a &gt; b &lt; c"},
		{"empty", "", ""},
	} {
		if got := string(web.SnippetHTML(tc.in)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
