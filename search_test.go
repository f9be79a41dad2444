package newsdesk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

func TestParseDateRange(t *testing.T) {
	day := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	cases := []struct {
		name, from, to string
		start, end     *time.Time
	}{
		{"open at both ends", "", "", nil, nil},
		{"from a day, at its midnight", "2026-03-10", "", day(2026, 3, 10), nil},
		{"to a day, that day included", "", "2026-03-10", nil, day(2026, 3, 11)},
		{"one day", "2026-03-10", "2026-03-10", day(2026, 3, 10), day(2026, 3, 11)},
		{"to the year's last day", "", "2026-12-31", nil, day(2027, 1, 1)},
		{"spaces around are ignored", " 2026-03-10\t", "  ", day(2026, 3, 10), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, end, err := newsdesk.ParseDateRange(c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			same := func(a, b *time.Time) bool { return a == nil && b == nil || a != nil && b != nil && a.Equal(*b) }
			if !same(start, c.start) || !same(end, c.end) {
				t.Errorf("ParseDateRange(%q, %q) = %v, %v; want %v, %v", c.from, c.to, start, end, c.start, c.end)
			}
		})
	}
}

func TestParseDateRangeRefuses(t *testing.T) {
	cases := []struct {
		name, from, to string
		names          string // the parameter the message names
	}{
		{"a word", "March", "", `"from"`},
		{"no such day", "", "2026-02-30", `"to"`},
		{"another format", "10/03/2026", "", `"from"`},
		{"a time too", "", "2026-03-10T09:00:00Z", `"to"`},
		{"a long value is cut in the message", strings.Repeat("x", 10_000), "", `"from"`},
		{"from after to", "2026-03-12", "2026-03-10", `"from"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := newsdesk.ParseDateRange(c.from, c.to)
			msg := newsdesk.ErrorMessage(err)
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || !strings.Contains(msg, c.names) || !strings.Contains(msg, "2026-03-10") {
				t.Fatalf("ParseDateRange(%.20q, %.20q): %v; want EINVALID naming %s with an example", c.from, c.to, err, c.names)
			}
			if len(msg) > 200 {
				t.Errorf("message of %d bytes: %.80q...", len(msg), msg)
			}
		})
	}
}

// FuzzParseDateRange checks that whatever a query string holds, the
// dates are refused with EINVALID or read as midnights, the end after
// the start's day.
func FuzzParseDateRange(f *testing.F) {
	for _, s := range [][2]string{{"2026-03-10", "2026-03-10"}, {"", ""}, {"March", "\x00"}, {"0000-01-01", "9999-12-31"}, {"2026-13-01", " 2026-01-01 "}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		start, end, err := newsdesk.ParseDateRange(from, to)
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || start != nil || end != nil {
				t.Fatalf("ParseDateRange(%q, %q): %v, %v, %v", from, to, start, end, err)
			}
			return
		}
		for _, d := range []*time.Time{start, end} {
			if d != nil && (d.Location() != time.UTC || d.Hour()+d.Minute()+d.Second()+d.Nanosecond() != 0) {
				t.Fatalf("ParseDateRange(%q, %q): %v is not a midnight in UTC", from, to, d)
			}
		}
		if (start == nil) != (strings.TrimSpace(from) == "") || (end == nil) != (strings.TrimSpace(to) == "") {
			t.Fatalf("ParseDateRange(%q, %q): %v, %v", from, to, start, end)
		}
	})
}

func TestSnippetParts(t *testing.T) {
	r := func(start, end int) newsdesk.TextRange { return newsdesk.TextRange{Start: start, End: end} }
	cases := []struct {
		name    string
		snippet newsdesk.Snippet
		want    []string // matches in brackets
	}{
		{"in characters", newsdesk.Snippet{Text: "Le Café été …", Matches: []newsdesk.TextRange{r(3, 7), r(8, 11)}},
			[]string{"Le ", "[Café]", " ", "[été]", " …"}},
		{"a match at each end", newsdesk.Snippet{Text: "ab cd", Matches: []newsdesk.TextRange{r(0, 2), r(3, 5)}}, []string{"[ab]", " ", "[cd]"}},
		{"out of order, overlapping", newsdesk.Snippet{Text: "abcdef", Matches: []newsdesk.TextRange{r(3, 6), r(0, 4)}}, []string{"[abcd]", "[ef]"}},
		{"outside, backwards, empty", newsdesk.Snippet{Text: "abc", Matches: []newsdesk.TextRange{r(-2, 1), r(2, 1), r(1, 1), r(3, 9)}}, []string{"[a]", "bc"}},
		{"a byte not UTF-8 is a character", newsdesk.Snippet{Text: "a\xff\xfeb", Matches: []newsdesk.TextRange{r(2, 4)}}, []string{"a\xff", "[\xfeb]"}},
		{"no text", newsdesk.Snippet{Matches: []newsdesk.TextRange{r(0, 1)}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for part, matched := range c.snippet.Parts() {
				if matched {
					part = "[" + part + "]"
				}
				got = append(got, part)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("parts of %q %v: %q, want %q", c.snippet.Text, c.snippet.Matches, got, c.want)
			}
		})
	}
}
