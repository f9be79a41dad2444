package web_test

import (
	"encoding/binary"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/web"
)

func TestHighlight(t *testing.T) {
	r := func(start, end int) newsdesk.TextRange { return newsdesk.TextRange{Start: start, End: end} }
	cases := []struct {
		name    string
		snippet newsdesk.Snippet
		want    string
	}{
		{"matches marked", newsdesk.Snippet{Text: "The ferry sailed again.", Matches: []newsdesk.TextRange{r(4, 9), r(17, 22)}},
			"The <mark>ferry</mark> sailed <mark>again</mark>."},
		{"everything escaped", newsdesk.Snippet{Text: `<script>alert("x")</script> & 'ferry'`, Matches: []newsdesk.TextRange{r(8, 13), r(31, 36)}},
			`&lt;script&gt;<mark>alert</mark>(&#34;x&#34;)&lt;/script&gt; &amp; &#39;<mark>ferry</mark>&#39;`},
		{"a match that is markup stays text", newsdesk.Snippet{Text: "a <mark> b", Matches: []newsdesk.TextRange{r(2, 8)}},
			"a <mark>&lt;mark&gt;</mark> b"},
		{"counted in characters", newsdesk.Snippet{Text: "Le Café été", Matches: []newsdesk.TextRange{r(3, 7), r(8, 11)}},
			"Le <mark>Café</mark> <mark>été</mark>"},
		{"four-byte characters", newsdesk.Snippet{Text: "🌉 bridge 🌊", Matches: []newsdesk.TextRange{r(2, 8), r(9, 10)}},
			"🌉 <mark>bridge</mark> <mark>🌊</mark>"},
		{"no matches", newsdesk.Snippet{Text: "plain & simple"}, "plain &amp; simple"},
		{"out of order", newsdesk.Snippet{Text: "abcdef", Matches: []newsdesk.TextRange{r(4, 5), r(0, 1)}}, "<mark>a</mark>bcd<mark>e</mark>f"},
		{"overlap goes to the earlier", newsdesk.Snippet{Text: "abcdef", Matches: []newsdesk.TextRange{r(1, 4), r(2, 6)}}, "a<mark>bcd</mark><mark>ef</mark>"},
		{"outside the text", newsdesk.Snippet{Text: "abc", Matches: []newsdesk.TextRange{r(-5, 1), r(2, 99), r(50, 60)}}, "<mark>a</mark>b<mark>c</mark>"},
		{"backwards and empty", newsdesk.Snippet{Text: "abc", Matches: []newsdesk.TextRange{r(2, 1), r(1, 1)}}, "abc"},
		{"not UTF-8", newsdesk.Snippet{Text: "a\xffb\x00c", Matches: []newsdesk.TextRange{r(1, 2)}}, "a<mark>\uFFFD</mark>b\uFFFDc"},
		{"empty", newsdesk.Snippet{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(web.Highlight(c.snippet)); got != c.want {
				t.Errorf("Highlight(%q, %v)\n got %q\nwant %q", c.snippet.Text, c.snippet.Matches, got, c.want)
			}
		})
	}
}

// FuzzHighlight gives Highlight any text and any ranges, such as a
// client of the API or a mistaken caller might: it must not panic, and
// what it makes must be HTML with nothing in it but the text, escaped,
// and balanced <mark> elements around exactly the characters the ranges
// cover.
func FuzzHighlight(f *testing.F) {
	ranges := func(rs ...int16) []byte {
		var b []byte
		for _, r := range rs {
			b = binary.BigEndian.AppendUint16(b, uint16(r))
		}
		return b
	}
	f.Add("The ferry sailed.", ranges(4, 9))
	f.Add(`<script>alert("x")</script>`, ranges(0, 8, 3, 20))
	f.Add("Le Café été", ranges(3, 7, 8, 11))
	f.Add("a\xffb\x00c\xe2\x82", ranges(1, 2, 4, 6))
	f.Add("🌉 bridge", ranges(-3, 1, 2, 32767))
	f.Add("&amp;<mark></mark>", ranges(0, 5, 5, 1))
	f.Fuzz(func(t *testing.T, text string, raw []byte) {
		var s newsdesk.Snippet
		s.Text = text
		for len(raw) >= 4 {
			s.Matches = append(s.Matches, newsdesk.TextRange{
				Start: int(int16(binary.BigEndian.Uint16(raw))), End: int(int16(binary.BigEndian.Uint16(raw[2:])))})
			raw = raw[4:]
		}
		out := string(web.Highlight(s))

		// Which characters the ranges cover, counted as Parts counts them.
		chars := []rune(text) // a byte that is not UTF-8 is one U+FFFD
		want := make([]bool, len(chars))
		for _, m := range s.Matches {
			for i := max(m.Start, 0); i < min(m.End, len(chars)); i++ {
				want[i] = true
			}
		}

		// Take the output apart: only <mark> and </mark> may be tags, in
		// turn; the rest must be escaped text.
		var plain strings.Builder
		var got []bool
		open := false
		for rest := out; rest != ""; {
			i := strings.IndexAny(rest, "<>\"'")
			if i < 0 {
				i = len(rest)
			}
			for j, chunk := 0, rest[:i]; j < len(chunk); j++ {
				if chunk[j] == '&' && !hasEntity(chunk[j:]) {
					t.Fatalf("Highlight(%q, %v) = %q: a bare &", s.Text, s.Matches, out)
				}
			}
			text := html.UnescapeString(rest[:i])
			plain.WriteString(text)
			for range utf8.RuneCountInString(text) {
				got = append(got, open)
			}
			rest = rest[i:]
			switch {
			case rest == "":
			case strings.HasPrefix(rest, "<mark>") && !open:
				open, rest = true, rest[len("<mark>"):]
			case strings.HasPrefix(rest, "</mark>") && open:
				open, rest = false, rest[len("</mark>"):]
			default:
				t.Fatalf("Highlight(%q, %v) = %q: unescaped %.10q", s.Text, s.Matches, out, rest)
			}
		}
		if open {
			t.Fatalf("Highlight(%q, %v) = %q: <mark> left open", s.Text, s.Matches, out)
		}
		wantText := strings.ReplaceAll(string(chars), "\x00", "\uFFFD")
		if plain.String() != wantText {
			t.Fatalf("Highlight(%q, %v) = %q: text %q, want %q", s.Text, s.Matches, out, plain.String(), wantText)
		}
		if len(got) != len(want) {
			t.Fatalf("Highlight(%q, %v) = %q: %d characters, want %d", s.Text, s.Matches, out, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("Highlight(%q, %v) = %q: character %d marked %v, want %v", s.Text, s.Matches, out, i, got[i], want[i])
			}
		}
	})
}

// hasEntity reports whether s starts with an entity that Highlight writes.
func hasEntity(s string) bool {
	for _, e := range []string{"&lt;", "&gt;", "&amp;", "&#34;", "&#39;"} {
		if strings.HasPrefix(s, e) {
			return true
		}
	}
	return false
}
