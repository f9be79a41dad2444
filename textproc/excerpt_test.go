package textproc

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	long := "The harbour ferry sailed again on Monday after two weeks of repairs to the pier, and the operator said the timetable would return to normal by the end of the month, with extra sailings at weekends."
	for _, tc := range []struct {
		name  string
		text  string
		words int
		want  string
	}{
		{"empty", "", 30, ""},
		{"blank", " \n\t ", 30, ""},
		{"short text whole, no dots", "Ferry sails again.", 30, "Ferry sails again."},
		{"exactly the limit", "one two three", 3, "one two three"},
		{"white space tidied", "  Ferry\n\nsails\t again.  ", 30, "Ferry sails again."},
		{"cut at thirty words", long, 0,
			"The harbour ferry sailed again on Monday after two weeks of repairs to the pier, and the operator said the timetable would return to normal by the end of the..."},
		{"comma left dangling is dropped", long, 15,
			"The harbour ferry sailed again on Monday after two weeks of repairs to the pier..."},
		{"full stop dropped", "It rained. Then it stopped raining for good.", 2, "It rained..."},
		{"dash dropped", "Rain fell — then it stopped.", 3, "Rain fell..."},
		{"lone opening quote dropped", "He said “ yes to all of it", 3, "He said..."},
		{"closing quote kept", "She called it “a triumph” and left the hall.", 5, "She called it “a triumph”..."},
		{"bare YouTube link whole", "https://youtu.be/dQw4w9WgXcQ The mayor spoke for ten minutes about the harbour wall.", 6,
			"https://youtu.be/dQw4w9WgXcQ The mayor spoke for ten..."},
		{"ending on a link", "Watch it here https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s and tell us.", 4,
			"Watch it here https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s ..."},
		{"link glued to a word stays whole", "https://youtu.be/abcDEF12345Ronald Lauder gave a speech at the memorial.", 4,
			"https://youtu.be/abcDEF12345Ronald Lauder gave a..."},
		{"huge link is left out, not cut", "Watch https://example.org/" + strings.Repeat("a", 600) + " now.", 30, "Watch..."},
		{"huge first word is cut", strings.Repeat("x", 1000), 30, strings.Repeat("x", 480) + "..."},
		{"invalid UTF-8 replaced", "caf\xe9 open", 30, "caf\uFFFD open"},
		{"only punctuation after the cut", "Yes — — — — no", 3, "Yes..."},
		{"non-Latin text", "Гавань снова открыта для паромов после шторма", 3, "Гавань снова открыта..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Excerpt(tc.text, ExcerptOptions{Words: tc.words}); got != tc.want {
				t.Errorf("Excerpt(%q, %d words)\n got %q\nwant %q", tc.text, tc.words, got, tc.want)
			}
		})
	}
}

// TestExcerptCharacters cuts by characters, as a page's description is,
// with another ellipsis.
func TestExcerptCharacters(t *testing.T) {
	long := "The harbour ferry sailed again on Monday after two weeks of repairs to the pier."
	for _, tc := range []struct {
		name         string
		text         string
		words, runes int
		want         string
	}{
		{"a word ending at the limit is kept", long, 0, 40, "The harbour ferry sailed again on Monday…"},
		{"a word crossing the limit is dropped", long, 0, 39, "The harbour ferry sailed again on…"},
		{"fits, whole", "Ferry sails  again.", 0, 18, "Ferry sails again."},
		{"words and characters, the words first", long, 3, 40, "The harbour ferry…"},
		{"words and characters, the characters first", long, 10, 12, "The harbour…"},
		{"an address kept apart from the ellipsis", "Watch https://youtu.be/dQw4w9WgXcQ then read on.", 0, 36, "Watch https://youtu.be/dQw4w9WgXcQ …"},
		{"a long first word cut to the characters", strings.Repeat("y", 100), 0, 10, strings.Repeat("y", 10) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := ExcerptOptions{Words: tc.words, Runes: tc.runes, Ellipsis: "…"}
			if got := Excerpt(tc.text, opts); got != tc.want {
				t.Errorf("Excerpt(%q, %+v)\n got %q\nwant %q", tc.text, opts, got, tc.want)
			}
		})
	}
}

func FuzzExcerpt(f *testing.F) {
	for _, s := range []string{
		"",
		"Ferry sails again.",
		"https://youtu.be/dQw4w9WgXcQ The mayor spoke for ten minutes.",
		"He said “ yes — to all of it, (really) and more...",
		"a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg",
		"www.example.org/a/b?c=d, then more words here",
		"caf\xe9\u00a0\u2003open",
	} {
		f.Add(s, 30, 0)
		f.Add(s, 3, 0)
		f.Add(s, 0, 40)
		f.Add(s, 5, 25)
	}
	f.Fuzz(func(t *testing.T, text string, words, runes int) {
		words, runes = words%1000, runes%8000
		opts := ExcerptOptions{Words: words, Runes: runes}
		ellipsis := "..."
		if runes > 0 {
			opts.Ellipsis, ellipsis = "…", "…"
		}
		got := Excerpt(text, opts)
		// The limits in force.
		if words <= 0 && runes <= 0 {
			words = ExcerptWords
		}
		if runes <= 0 {
			runes = words * excerptRunesPerWord
		}
		if words <= 0 {
			words = math.MaxInt
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") || strings.ContainsAny(got, "\n\t\r") {
			t.Fatalf("white space not tidied: %q", got)
		}
		whole := strings.Join(strings.Fields(strings.ToValidUTF8(text, "\uFFFD")), " ")
		if got == whole {
			return // returned whole
		}
		body, ok := strings.CutSuffix(got, ellipsis)
		if !ok && got != "" {
			t.Fatalf("cut without an ellipsis: %q from %q", got, whole)
		}
		body = strings.TrimSuffix(body, " ")
		if utf8.RuneCountInString(body) > runes {
			t.Fatalf("excerpt of %d characters, budget %d", utf8.RuneCountInString(body), runes)
		}
		in := strings.Fields(whole)
		out := strings.Fields(body)
		if len(out) > words {
			t.Fatalf("%d words, want at most %d: %q", len(out), words, got)
		}
		// The excerpt is the text's start: every word but the last is the
		// text's word; the last may have lost dangling punctuation (or, if
		// it is the only one, been cut); an address is never cut.
		for i, w := range out {
			if i >= len(in) {
				t.Fatalf("excerpt has more words than the text: %q", got)
			}
			if w == in[i] {
				continue
			}
			if i != len(out)-1 || !strings.HasPrefix(in[i], w) {
				t.Fatalf("word %d is %q, text has %q", i, w, in[i])
			}
			if isURL(w) || isURL(in[i]) && len(out) > 1 {
				t.Fatalf("address cut: %q from %q", w, in[i])
			}
		}
	})
}
