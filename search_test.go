package newsdesk_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/newsdesk/newsdesk"
)

func TestParseSearch(t *testing.T) {
	word := func(w ...string) newsdesk.SearchTerm { return newsdesk.SearchTerm{Words: w} }
	cases := []struct {
		name, text string
		want       []newsdesk.SearchTerm
	}{
		{"words", "Harbor  Bridge", []newsdesk.SearchTerm{word("harbor"), word("bridge")}},
		{"phrase", `"harbor bridge" tolls`, []newsdesk.SearchTerm{word("harbor", "bridge"), word("tolls")}},
		{"prefix", "harb* bridge", []newsdesk.SearchTerm{{Words: []string{"harb"}, Prefix: true}, word("bridge")}},
		{"phrase prefix", `"harbor bri"*`, []newsdesk.SearchTerm{{Words: []string{"harbor", "bri"}, Prefix: true}}},
		{"excluded word and phrase", `bridge -tolls -"city hall"`, []newsdesk.SearchTerm{word("bridge"),
			{Words: []string{"tolls"}, Exclude: true}, {Words: []string{"city", "hall"}, Exclude: true}}},
		{"hyphenated word is a phrase", "covid-19", []newsdesk.SearchTerm{word("covid", "19")}},
		{"open quote runs to the end", `"harbor bridge`, []newsdesk.SearchTerm{word("harbor", "bridge")}},
		{"stop words skipped outside phrases", "the bridge of the city", []newsdesk.SearchTerm{word("bridge"), word("city")}},
		{"stop words kept inside phrases", `"bank of england"`, []newsdesk.SearchTerm{word("bank", "of", "england")}},
		{"operators are only words", "bridge AND NEAR(tolls) title:city", []newsdesk.SearchTerm{word("bridge"), word("near", "tolls"), word("title", "city")}},
		{"NUL and control bytes separate", "bridge\x00tolls\x1b", []newsdesk.SearchTerm{word("bridge"), word("tolls")}},
		{"one-letter prefix is a plain word", "x* bridge", []newsdesk.SearchTerm{word("bridge")}},
		{"SQL is only words", `'; DROP TABLE items; --`, []newsdesk.SearchTerm{word("drop"), word("table"), word("items")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := newsdesk.ParseSearch(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Terms, c.want) {
				t.Errorf("ParseSearch(%q)\n got %+v\nwant %+v", c.text, got.Terms, c.want)
			}
		})
	}
}

func TestParseSearchRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"empty":            "",
		"only punctuation": `"" -- ** ()`,
		"only stop words":  "the of and",
		"only exclusions":  "-bridge -tolls",
		"too long":         strings.Repeat("bridge ", 2000),
		"too many terms":   strings.Repeat("tide ", newsdesk.MaxSearchTerms+1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newsdesk.ParseSearch(text)
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || newsdesk.ErrorMessage(err) == "" {
				t.Fatalf("ParseSearch(%.30q): got %v, want EINVALID with a message", text, err)
			}
		})
	}
}

// FuzzParseSearch checks what the databases rely on: a parsed query is
// either refused with EINVALID or has at least one term to find, and
// every word is a short run of lower-case letters and digits, with no
// quote, operator or control character of any query syntax.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"harbor bridge", `"harbor bridge" -tolls harb*`, `"open`, "-", "\x00", "\xff",
		"NEAR(a b)", "a:* & !b", "'; DROP TABLE x; --", "é\u0301", "the"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := newsdesk.ParseSearch(text)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				t.Fatalf("ParseSearch(%q): %v, want EINVALID", text, err)
			}
			return
		}
		if len(p.Terms) == 0 || len(p.Terms) > newsdesk.MaxSearchTerms {
			t.Fatalf("ParseSearch(%q): %d terms", text, len(p.Terms))
		}
		positive := false
		for _, term := range p.Terms {
			positive = positive || !term.Exclude
			if len(term.Words) == 0 {
				t.Fatalf("ParseSearch(%q): a term without words", text)
			}
			for _, w := range term.Words {
				if w == "" || len([]rune(w)) > 64 {
					t.Fatalf("ParseSearch(%q): word %q", text, w)
				}
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) {
						t.Fatalf("ParseSearch(%q): word %q holds %q", text, w, r)
					}
				}
			}
		}
		if !positive {
			t.Fatalf("ParseSearch(%q): only exclusions", text)
		}
	})
}
