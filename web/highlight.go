package web

import (
	"html/template"
	"strings"

	"github.com/newsdesk/newsdesk"
)

// Highlight renders a search snippet as HTML: its text escaped, each
// match inside <mark>. Pages reach it as the template func "highlight".
// The result is safe whatever the snippet holds (markup, ranges out of
// the text or in the middle of a character, bytes that are not UTF-8,
// which become U+FFFD) and its <mark> elements are always balanced.
func Highlight(s newsdesk.Snippet) template.HTML {
	var b strings.Builder
	b.Grow(len(s.Text) + 16*len(s.Matches))
	for part, matched := range s.Parts() {
		if matched {
			b.WriteString("<mark>")
		}
		escape(&b, part)
		if matched {
			b.WriteString("</mark>")
		}
	}
	return template.HTML(b.String())
}

// escape writes s to b escaped as html/template escapes text, with each
// byte that is not UTF-8 written as U+FFFD, as Snippet.Parts counts it.
func escape(b *strings.Builder, s string) {
	for _, r := range s { // a byte that is not UTF-8 comes as U+FFFD
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case 0:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
}
