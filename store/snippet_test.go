package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk"
)

func matcherFor(t *testing.T, q string) *queryMatcher {
	t.Helper()
	p, err := parseSearch(q)
	if err != nil {
		t.Fatal(err)
	}
	return newQueryMatcher(p)
}

// marked renders a snippet with visible markers.
func marked(s string) string {
	return strings.NewReplacer(markStart, "[", markEnd, "]").Replace(s)
}

func TestSnippet(t *testing.T) {
	filler := strings.Repeat("Council members spoke at length about the budget. ", 20)
	cases := []struct {
		name, query, text, want string
	}{
		{"stemmed match in a short text", "ferry", "The ferries ran late on Tuesday.",
			"The [ferries] ran late on Tuesday."},
		{"cut around a match far in", "harbour",
			filler + "Then the harbour reopened to boats. " + filler,
			"…at length about the budget. Then the [harbour] reopened to boats. Council members spoke at length…"},
		{"phrase marked whole", `"harbor bridge"`, "Work on the harbor bridge ended; the harbor was calm.",
			"Work on the [harbor bridge] ended; the harbor was calm."},
		{"prefix", "inspect*", "Inspectors checked it. Inspection done.",
			"[Inspectors] checked it. [Inspection] done."},
		{"accents fold", "cafe", "Le Café de Flore", "Le [Café] de Flore"},
		{"excluded words are not marked", "bridge -river", "The river bridge", "The river [bridge]"},
		{"no match shows the start", "zebra", "One two three.", "One two three."},
		{"the text's own markers are not ours", "bridge", "a\x02b bridge \x03c", "a b [bridge]  c"},
		{"the passage with most terms wins", "tolls bridge",
			"The bridge. " + filler + "The bridge tolls rise. " + filler,
			"…spoke at length about the budget. The [bridge] [tolls] rise. Council members spoke at length about…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := marked(matcherFor(t, c.query).snippet(c.text, 16))
			if got != c.want {
				t.Errorf("snippet of %q\n got %q\nwant %q", c.query, got, c.want)
			}
		})
	}
	if got := matcherFor(t, "x").snippet("", 16); got != "" {
		t.Errorf("empty text: %q", got)
	}
}

func TestTitleMatches(t *testing.T) {
	cases := []struct {
		query, title string
		want         int
	}{
		{"harbor bridge", "Harbor Bridge reopens", 2},
		{"harbor bridge", "Bridge news", 1},
		{"harbor bridge", "Valley roads", 0},
		{`"harbor bridge"`, "Bridge to the harbor", 0},
		{`"harbor bridge"`, "The Harbor Bridge", 1},
		{"bridges bridge", "A bridge", 2},
		{"inspect*", "Inspectors arrive", 1},
		{"running", "Runs and runners", 1},
	}
	for _, c := range cases {
		_, got := matcherFor(t, c.query).titleMatches(c.title, nil)
		if got != c.want {
			t.Errorf("%q in %q: %d terms, want %d", c.query, c.title, got, c.want)
		}
	}
}

func TestMarkedSnippet(t *testing.T) {
	r := func(start, end int) newsdesk.TextRange { return newsdesk.TextRange{Start: start, End: end} }
	cases := []struct {
		name, in, text string
		matches        []newsdesk.TextRange
	}{
		{"one match", "The \x02ferries\x03 ran.", "The ferries ran.", []newsdesk.TextRange{r(4, 11)}},
		{"counted in characters", "Le \x02Café\x03 \x02été\x03 …", "Le Café été …", []newsdesk.TextRange{r(3, 7), r(8, 11)}},
		{"white space collapsed", "  a \n\t \x02b\x03\u00a0 c ", "a b c", []newsdesk.TextRange{r(2, 3)}},
		{"markup is text", "<b>\x02x\x03</b> &amp;", "<b>x</b> &amp;", []newsdesk.TextRange{r(3, 4)}},
		{"stray end and start", "\x03a \x02b \x02c\x03 d\x03", "a b c d", []newsdesk.TextRange{r(2, 5)}},
		{"open match closes at the end", "a \x02b c", "a b c", []newsdesk.TextRange{r(2, 5)}},
		{"empty match dropped", "a\x02\x03b", "ab", nil},
		{"not UTF-8", "\xff\x02é\x03\xfe", "\uFFFDé\uFFFD", []newsdesk.TextRange{r(1, 2)}},
		{"empty", "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := markedSnippet(c.in)
			if got.Text != c.text || !slices.Equal(got.Matches, c.matches) {
				t.Errorf("markedSnippet(%q) = %q %v, want %q %v", c.in, got.Text, got.Matches, c.text, c.matches)
			}
		})
	}
}
