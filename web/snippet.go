package web

import (
	"html/template"
	"strings"
)

// SnippetHTML returns a search hit's snippet (newsdesk.SearchHit.Snippet)
// as the HTML it is, for a template. The store escapes a snippet's text
// and adds only <mark> and </mark> around each match; anything else that
// could be markup is escaped here again, so that a snippet can add no
// element or attribute but those to a page, whoever made it.
func SnippetHTML(s string) template.HTML {
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(escapeMarkup(s))
			break
		}
		b.WriteString(escapeMarkup(s[:i]))
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "<mark>"):
			b.WriteString("<mark>")
			s = s[len("<mark>"):]
		case strings.HasPrefix(s, "</mark>"):
			b.WriteString("</mark>")
			s = s[len("</mark>"):]
		default:
			b.WriteString("&lt;")
			s = s[1:]
		}
	}
	return template.HTML(b.String())
}

// escapeMarkup escapes what could open or close an element or an
// attribute. Ampersands are left as they are: the text is escaped
// already, and an entity cannot make an element.
var escapeMarkup = strings.NewReplacer("<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace
