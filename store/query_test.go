package store

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/newsdesk/newsdesk"
)

func TestParseSearch(t *testing.T) {
	word := func(w ...string) searchTerm { return searchTerm{Words: w} }
	cases := []struct {
		name, text string
		want       []searchTerm
	}{
		{"words", "Harbor  Bridge", []searchTerm{word("harbor"), word("bridge")}},
		{"phrase", `"harbor bridge" tolls`, []searchTerm{word("harbor", "bridge"), word("tolls")}},
		{"prefix", "harb* bridge", []searchTerm{{Words: []string{"harb"}, Prefix: true}, word("bridge")}},
		{"phrase prefix", `"harbor bri"*`, []searchTerm{{Words: []string{"harbor", "bri"}, Prefix: true}}},
		{"excluded word and phrase", `bridge -tolls -"city hall"`, []searchTerm{word("bridge"),
			{Words: []string{"tolls"}, Exclude: true}, {Words: []string{"city", "hall"}, Exclude: true}}},
		{"hyphenated word is a phrase", "covid-19", []searchTerm{word("covid", "19")}},
		{"open quote runs to the end", `"harbor bridge`, []searchTerm{word("harbor", "bridge")}},
		{"stop words skipped outside phrases", "the bridge of the city", []searchTerm{word("bridge"), word("city")}},
		{"stop words kept inside phrases", `"bank of england"`, []searchTerm{word("bank", "of", "england")}},
		{"operators are only words", "bridge AND NEAR(tolls) title:city", []searchTerm{word("bridge"), word("near", "tolls"), word("title", "city")}},
		{"NUL and control bytes separate", "bridge\x00tolls\x1b", []searchTerm{word("bridge"), word("tolls")}},
		{"one-letter prefix is a plain word", "x* bridge", []searchTerm{word("bridge")}},
		{"SQL is only words", `'; DROP TABLE items; --`, []searchTerm{word("drop"), word("table"), word("items")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseSearch(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Terms, c.want) {
				t.Errorf("parseSearch(%q)\n got %+v\nwant %+v", c.text, got.Terms, c.want)
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
			_, err := parseSearch(text)
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || newsdesk.ErrorMessage(err) == "" {
				t.Fatalf("parseSearch(%.30q): got %v, want EINVALID with a message", text, err)
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
		p, err := parseSearch(text)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID {
				t.Fatalf("parseSearch(%q): %v, want EINVALID", text, err)
			}
			return
		}
		if len(p.Terms) == 0 || len(p.Terms) > newsdesk.MaxSearchTerms {
			t.Fatalf("parseSearch(%q): %d terms", text, len(p.Terms))
		}
		positive := false
		for _, term := range p.Terms {
			positive = positive || !term.Exclude
			if len(term.Words) == 0 {
				t.Fatalf("parseSearch(%q): a term without words", text)
			}
			for _, w := range term.Words {
				if w == "" || len([]rune(w)) > 64 {
					t.Fatalf("parseSearch(%q): word %q", text, w)
				}
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) {
						t.Fatalf("parseSearch(%q): word %q holds %q", text, w, r)
					}
				}
			}
		}
		if !positive {
			t.Fatalf("parseSearch(%q): only exclusions", text)
		}
	})
}
