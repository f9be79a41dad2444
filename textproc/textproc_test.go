package textproc

import (
	"slices"
	"testing"
)

func TestWordsAndTerms(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		words []string
		terms []string
	}{
		{"empty", "", nil, nil},
		{"punctuation only", " -- ... !? ", nil, nil},
		{
			"lower-case already",
			"latvian pm resigns shopping mall disaster",
			[]string{"latvian", "pm", "resigns", "shopping", "mall", "disaster"},
			[]string{"latvian", "pm", "resigns", "shopping", "mall", "disaster"},
		},
		{
			"case and punctuation",
			"The Prime Minister, Valdis Dombrovskis, resigned on Wednesday.",
			[]string{"the", "prime", "minister", "valdis", "dombrovskis", "resigned", "on", "wednesday"},
			[]string{"prime", "minister", "valdis", "dombrovskis", "resigned", "wednesday"},
		},
		{
			"possessive and contraction",
			"Obama's plan: \"We don't know,\" the students' union said.",
			[]string{"obama", "plan", "we", "dont", "know", "the", "students", "union", "said"},
			[]string{"obama", "plan", "dont", "know", "students", "union"},
		},
		{
			"typographic apostrophe",
			"China’s air-defence zone",
			[]string{"china", "air", "defence", "zone"},
			[]string{"china", "air", "defence", "zone"},
		},
		{
			"numbers and money",
			"profits jumped 76% to $1.13bn (£600m)",
			[]string{"profits", "jumped", "76", "to", "1", "13bn", "600m"},
			[]string{"profits", "jumped", "76", "13bn", "600m"},
		},
		{
			"non-ASCII letters",
			"Müller scores in São Paulo",
			[]string{"müller", "scores", "in", "são", "paulo"},
			[]string{"müller", "scores", "são", "paulo"},
		},
		{"invalid UTF-8", "caf\xe9 noir", []string{"caf", "noir"}, []string{"caf", "noir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(nil, tt.text); !slices.Equal(got, tt.words) {
				t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.words)
			}
			if got := Terms(nil, tt.text); !slices.Equal(got, tt.terms) {
				t.Errorf("Terms(%q) = %q, want %q", tt.text, got, tt.terms)
			}
		})
	}
}

func TestLowerCaseWordsAreNotCopied(t *testing.T) {
	text := "plain lower case words"
	allocs := testing.AllocsPerRun(100, func() {
		var buf [8]string
		_ = Terms(buf[:0], text)
	})
	if allocs != 0 {
		t.Errorf("Terms on lower-case ASCII allocated %v times, want 0", allocs)
	}
}

func FuzzWords(f *testing.F) {
	f.Add("Obama's plan: \"We don't know\"")
	f.Add("caf\xe9 ’s '' 's")
	f.Fuzz(func(t *testing.T, text string) {
		for _, w := range Words(nil, text) {
			if w == "" {
				t.Fatalf("empty word from %q", text)
			}
		}
	})
}
