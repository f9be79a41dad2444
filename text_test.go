package newsdesk_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		s    string
		max  int
		want string
	}{
		{"fits", "Harbor City Ledger", 200, "Harbor City Ledger"},
		{"exactly the limit", "abcde", 5, "abcde"},
		{"one over", "abcdef", 5, "abcd…"},
		{"multi-byte that fits in characters", "Гавань", 6, "Гавань"},
		{"multi-byte cut at a character", "Гавань Сити", 6, "Гаван…"},
		{"space before the ellipsis dropped", "Harbor City Ledger", 8, "Harbor…"},
		{"ideographic space dropped too", "港口\u3000城市新闻", 4, "港口…"},
		{"max one", "abc", 1, "…"},
		{"max zero", "abc", 0, ""},
		{"empty", "", 10, ""},
		// "café" spelt with a combining accent: the accent stays with its e.
		{"accent not split", "cafe\u0301 society", 5, "caf…"},
		{"accent kept when it fits", "cafe\u0301 society", 6, "cafe\u0301…"},
		{"stacked accents", "xa\u0301\u0302\u0303yz", 4, "x…"},
		// नमस्ते is न म स ् त े: स्ते is one character, a conjunct with a vowel sign.
		{"Devanagari conjunct not split", "नमस्ते दुनिया", 5, "नम…"},
		{"Devanagari vowel sign not split", "नमस्ते दुनिया", 6, "नम…"},
		{"Devanagari word kept whole", "नमस्ते दुनिया", 8, "नमस्ते…"},
		// 👨‍👩‍👧 is man, ZWJ, woman, ZWJ, girl: one character to a reader.
		{"emoji family not split after a joiner", "a\U0001F468\u200D\U0001F469\u200D\U0001F467b", 4, "a…"},
		{"emoji family not split before a joiner", "a\U0001F468\u200D\U0001F469\u200D\U0001F467b", 3, "a…"},
		{"emoji family kept whole", "a\U0001F468\u200D\U0001F469\u200D\U0001F467bc", 7, "a\U0001F468\u200D\U0001F469\u200D\U0001F467…"},
		{"skin tone stays with its hand", "ab\U0001F44D\U0001F3FDcd", 4, "ab…"},
		{"variation selector stays", "ab\u2764\uFE0Fcd", 4, "ab…"},
		// 🇫🇷🇩🇪: two flags, each a pair of regional indicators.
		{"flag not split", "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EAxyz", 4, "\U0001F1EB\U0001F1F7…"},
		{"flag pair kept", "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EAxyz", 5, "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA…"},
		{"first flag not split", "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EAxyz", 2, "…"},
		{"only marks", strings.Repeat("\u0301", 10), 5, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newsdesk.Truncate(tt.s, tt.max)
			if got != tt.want {
				t.Errorf("Truncate(%+q, %d) = %+q, want %+q", tt.s, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > max(tt.max, 0) {
				t.Errorf("Truncate(%+q, %d) has %d characters", tt.s, tt.max, n)
			}
		})
	}
}

// TestTruncateMegabyteTitle is the case that broke the desk: a feed titled
// with a megabyte of text.
func TestTruncateMegabyteTitle(t *testing.T) {
	title := strings.Repeat("Ledger é ", 1<<20/10)
	got := newsdesk.Truncate(title, newsdesk.MaxNameLength)
	if n := utf8.RuneCountInString(got); n != newsdesk.MaxNameLength && n != newsdesk.MaxNameLength-1 {
		t.Errorf("%d characters, want about %d", n, newsdesk.MaxNameLength)
	}
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(title, strings.TrimSuffix(got, "…")) {
		t.Errorf("not the title's start and an ellipsis: %q", got)
	}
}

func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"", "abc", "cafe\u0301", "\U0001F1EB\U0001F1F7\U0001F1E9", "a\U0001F468\u200D\U0001F469", "\xff\xfe", "Гавань Сити"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 50
		got := newsdesk.Truncate(s, n)
		if utf8.ValidString(s) && utf8.RuneCountInString(got) > max(n, 0) {
			t.Fatalf("Truncate(%+q, %d) = %+q: too long", s, n, got)
		}
		if got != s && n > 0 && !strings.HasSuffix(got, "…") {
			t.Fatalf("Truncate(%+q, %d) = %+q: cut without an ellipsis", s, n, got)
		}
		if kept := strings.TrimSuffix(got, "…"); got != s && !strings.HasPrefix(s, kept) {
			t.Fatalf("Truncate(%+q, %d) = %+q: not a prefix", s, n, got)
		}
	})
}

func TestIsBlank(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"empty", "", true},
		{"spaces and tabs", " \t\r\n ", true},
		{"no-break space", "\u00A0", true},
		{"ideographic space", "\u3000\u3000", true},
		{"en and em spaces", "\u2002\u2003\u2009\u200A", true},
		{"line and paragraph separators", "\u2028\u2029", true},
		{"zero-width space", "\u200B", true},
		{"zero-width non-joiner and joiner", "\u200C\u200D", true},
		{"direction marks", "\u200E\u200F\u061C", true},
		{"bidi embeddings and overrides", "\u202A\u202B\u202C\u202D\u202E", true},
		{"bidi isolates", "\u2066\u2067\u2068\u2069", true},
		{"word joiner and invisible operators", "\u2060\u2061\u2062\u2063\u2064", true},
		{"byte order mark", "\uFEFF", true},
		{"soft hyphen", "\u00AD", true},
		{"Mongolian vowel separator", "\u180E", true},
		{"tag characters", "\U000E0041\U000E007F", true},
		{"control characters", "\x01\x7f\u0085", true},
		{"Hangul fillers", "\u3164\u115F\u1160\uFFA0", true},
		{"blank Braille pattern", "\u2800", true},
		{"combining marks alone", "\u0301\u0302 \u20DD", true},
		{"variation selector alone", "\uFE0F", true},
		{"a mix of all", " \u200B\u00A0\uFEFF\u2066\u3000\u0301 ", true},

		{"a letter", "a", false},
		{"a letter among zero-width spaces", "\u200Ba\u200B", false},
		{"an accented letter", "e\u0301", false},
		{"a digit", "7", false},
		{"punctuation", "?", false},
		{"an emoji", "\U0001F4F0", false},
		{"an ideograph after an ideographic space", "\u3000港", false},
		{"Persian with a zero-width non-joiner", "می\u200Cخواهم", false},
		{"the replacement character", "\uFFFD", false},
		{"a non-blank Braille pattern", "\u2801", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newsdesk.IsBlank(tt.s); got != tt.want {
				t.Errorf("IsBlank(%+q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
