package demo

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
)

// events are the stories that more than one outlet covers, as "dir/slug":
// the ground truth story clustering should find in the demo.
var events = []struct {
	name  string
	items []string
}{
	{"storm", []string{"wire/storm-power-cuts", "courier/storm-power-cuts", "ledger/storm-surge-waterfront", "civic/flood-defenses"}},
	{"Strand Bridge reopening", []string{"ledger/strand-bridge-reopens", "wire/strand-bridge", "civic/strand-bridge-cost"}},
	{"fare freeze vote", []string{"ledger/fare-freeze-vote", "wire/fare-freeze", "civic/fare-freeze-roll-call"}},
	{"cup final", []string{"ledger/cup-final", "courier/cup-final"}},
	{"cover-crop trial", []string{"wire/cover-crop-trial", "courier/cover-crops"}},
	{"porpoise count", []string{"wire/porpoise-count", "ledger/porpoise-count"}},
	{"transit chief", []string{"wire/transit-chief", "civic/transit-chief"}},
}

// wireCopies are the items an outlet ran almost word for word from the
// wire: one per outlet that is not the wire.
var wireCopies = [][2]string{
	{"wire/storm-power-cuts", "courier/storm-power-cuts"},
	{"wire/porpoise-count", "ledger/porpoise-count"},
	{"wire/transit-chief", "civic/transit-chief"},
}

type located struct {
	o *outlet
	a *article
}

func byKey(t *testing.T) map[string]located {
	t.Helper()
	outlets, err := loadOutlets()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]located{}
	for _, o := range outlets {
		for _, a := range o.Articles {
			m[o.Dir+"/"+a.Slug] = located{o, a}
		}
	}
	return m
}

// shingles returns the set of three-word runs in s, lower-cased.
func shingles(s string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	out := map[string]bool{}
	for i := 0; i+3 <= len(words); i++ {
		out[strings.Join(words[i:i+3], " ")] = true
	}
	return out
}

// resemblance is the Jaccard similarity of two texts' shingles, the usual
// measure of near-duplicate documents.
func resemblance(a, b string) float64 {
	sa, sb := shingles(a), shingles(b)
	inter := 0
	for s := range sa {
		if sb[s] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func fullText(a *article) string { return a.Title + "\n" + strings.Join(a.Body, "\n") }

func TestEventsAcrossOutlets(t *testing.T) {
	items := byKey(t)
	isCopy := map[[2]string]bool{}
	for _, c := range wireCopies {
		isCopy[c], isCopy[[2]string{c[1], c[0]}] = true, true
	}
	for _, ev := range events {
		t.Run(ev.name, func(t *testing.T) {
			outlets := map[string]bool{}
			var first, last time.Duration
			for i, k := range ev.items {
				it, ok := items[k]
				if !ok {
					t.Fatalf("no item %s", k)
				}
				outlets[it.o.Name] = true
				if i == 0 || it.a.Age > first {
					first = it.a.Age
				}
				if i == 0 || it.a.Age < last {
					last = it.a.Age
				}
			}
			if len(outlets) < 2 || len(outlets) != len(ev.items) {
				t.Errorf("covered by %d outlets in %d items, want one item from each of 2 to 4 outlets", len(outlets), len(ev.items))
			}
			if first-last > 4*24*time.Hour {
				t.Errorf("coverage spread over %v: too far apart to read as one story", first-last)
			}
			// Independent reports of one event share facts, not sentences.
			for i, a := range ev.items {
				for _, b := range ev.items[i+1:] {
					r := resemblance(fullText(items[a].a), fullText(items[b].a))
					if !isCopy[[2]string{a, b}] && r > 0.2 {
						t.Errorf("%s and %s resemble each other %.2f: they should be written independently", a, b, r)
					}
				}
			}
		})
	}
}

func TestWireCopies(t *testing.T) {
	items := byKey(t)
	carriers := map[string]bool{}
	for _, c := range wireCopies {
		wire, copy := items[c[0]], items[c[1]]
		if wire.a == nil || copy.a == nil {
			t.Fatalf("missing %v", c)
		}
		if r := resemblance(fullText(wire.a), fullText(copy.a)); r < 0.6 {
			t.Errorf("%s copies %s with resemblance %.2f, want a near-verbatim copy (>= 0.6)", c[1], c[0], r)
		}
		if wire.o.Format != formatJSONFeed || copy.o.Format == formatJSONFeed {
			t.Errorf("%v: want wire copy carried from the wire by another outlet", c)
		}
		if carriers[copy.o.Name] {
			t.Errorf("%s carries two wire copies; want one per outlet", copy.o.Name)
		}
		carriers[copy.o.Name] = true
	}
	if len(carriers) != 3 {
		t.Errorf("%d outlets carry wire copy, want the 3 that are not the wire", len(carriers))
	}
	// Every near-duplicate in the content is a declared copy, so the
	// declared list is the whole ground truth.
	declared := map[[2]string]bool{}
	for _, c := range wireCopies {
		declared[c], declared[[2]string{c[1], c[0]}] = true, true
	}
	var keys []string
	for k := range items {
		keys = append(keys, k)
	}
	for i, a := range keys {
		for _, b := range keys[i+1:] {
			if r := resemblance(fullText(items[a].a), fullText(items[b].a)); r >= 0.3 && !declared[[2]string{a, b}] {
				t.Errorf("%s and %s resemble each other %.2f but are not a declared wire copy", a, b, r)
			}
		}
	}
}

func TestOneBareYouTubeLink(t *testing.T) {
	link := regexp.MustCompile(`https://youtu\.be/[A-Za-z0-9_-]{11}\b`)
	var found []string
	for k, it := range byKey(t) {
		if link.MatchString(strings.Join(it.a.Body, "\n")) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		t.Fatalf("items with a youtu.be link: %v, want exactly one", found)
	}
	// The link is bare on the page as in the feed: text, not an anchor.
	srv := startTest(t)
	it := byKey(t)[found[0]]
	_, page := get(t, srv.URL+articlePath(it.o, it.a), 200, "text/html; charset=utf-8")
	if !link.Match(page) || strings.Contains(string(page), `href="https://youtu.be`) {
		t.Errorf("%s: the page should show the link as bare text", found[0])
	}
}

// TestContentDates keeps the demo current: most of each outlet's items
// appeared in the two days before the demo was loaded, so the desk's
// stories, whose coverage halves with each day, rank by how widely they
// are covered; a few are older, and none is older than the clustering
// looks back.
func TestContentDates(t *testing.T) {
	outlets, err := loadOutlets()
	if err != nil {
		t.Fatal(err)
	}
	older := 0
	for _, o := range outlets {
		recent, newest := 0, time.Duration(0)
		for i, a := range o.Articles {
			if a.Age < time.Hour || a.Age > 7*24*time.Hour {
				t.Errorf("%s/%s: age %v, want within the last week", o.Dir, a.Slug, a.Age)
			}
			if a.Age <= 48*time.Hour {
				recent++
			} else {
				older++
			}
			if i == 0 || a.Age < newest {
				newest = a.Age
			}
		}
		if newest > 12*time.Hour || 2*recent <= len(o.Articles) {
			t.Errorf("%s: %d of %d items in the last two days, the newest %v ago; want most, and one in the last 12 hours",
				o.Name, recent, len(o.Articles), newest)
		}
	}
	if older < 5 {
		t.Errorf("%d items older than two days, want a few", older)
	}
}

func TestParseAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"19d6h", 19*24*time.Hour + 6*time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"45m", 45 * time.Minute, false},
		{"2d", 48 * time.Hour, false},
		{"0h", 0, true},
		{"x", 0, true},
		{"3dd", 0, true},
	}
	for _, tt := range tests {
		got, err := parseAge(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseAge(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseOutletRejectsMistakes(t *testing.T) {
	const head = "name: X\nformat: atom\ndir: x\nfeed: f\ntag: t\ntagline: l\nsections: a\n"
	const item = "title: T\nauthor: A\nage: 2h\nsection: S\nsummary: Sum\n\nText.\n"
	if _, err := parseOutletText(head + "\n=== one\n" + item); err != nil {
		t.Fatalf("a correct outlet: %v", err)
	}
	tests := map[string]string{
		"unknown field":  head + "colour: red\n",
		"missing field":  strings.Replace(head, "tag: t\n", "", 1),
		"unknown format": strings.Replace(head, "atom", "rdf", 1),
		"not key: value": head + "just words\n",
		"slug twice":     head + "\n=== one\n" + item + "\n=== one\n" + item,
		"no text":        head + "\n=== one\n" + strings.TrimSuffix(item, "\nText.\n"),
		"future age":     head + "\n=== one\n" + strings.Replace(item, "2h", "-2h", 1),
		"item typo":      head + "\n=== one\n" + strings.Replace(item, "author:", "auther:", 1),
	}
	for name, text := range tests {
		if _, err := parseOutletText(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPosts(t *testing.T) {
	seeds := Posts()
	// Enough that each post page has Related Articles worth reading.
	if len(seeds) < 15 || len(seeds) > 30 {
		t.Fatalf("%d seed posts, want 15 to 30", len(seeds))
	}
	outlets, err := loadOutlets()
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[string]bool{}
	credited := map[string]bool{}
	for _, s := range seeds {
		var it *article
		for _, o := range outlets {
			if o.Name == s.Outlet {
				it = articleByGUID(o, s.GUID)
			}
		}
		if it == nil {
			t.Errorf("%q credits %s item %s, which does not exist", s.Headline, s.Outlet, s.GUID)
			continue
		}
		credited[s.Outlet] = true
		slug := newsdesk.Slugify(s.Headline)
		if slugs[slug] {
			t.Errorf("%q: slug %s used twice", s.Headline, slug)
		}
		slugs[slug] = true
		p := newsdesk.Post{Headline: s.Headline, Summary: s.Summary, Status: newsdesk.PostPublished,
			SourceName: s.Outlet, OriginalURL: "http://127.0.0.1/x"}
		if err := p.Validate(); err != nil {
			t.Errorf("%q: %v", s.Headline, err)
		}
		if n := len(p.Paragraphs()); n < 2 || n > 4 {
			t.Errorf("%q: %d paragraphs, want 2 to 4", s.Headline, n)
		}
		if s.Age <= 0 || s.Age >= it.Age {
			t.Errorf("%q: published %v ago, but the article it credits appeared %v ago", s.Headline, s.Age, it.Age)
		}
		// In newsdesk's own words: no run of eight words from the article.
		if run := sharedRun(s.Headline+"\n"+s.Summary, it.Title+"\n"+it.Summary+"\n"+strings.Join(it.Body, "\n"), 8); run != "" {
			t.Errorf("%q copies the article: %q", s.Headline, run)
		}
	}
	if len(credited) < 3 {
		t.Errorf("seed posts credit %d outlets, want at least 3", len(credited))
	}
}

// sharedRun returns a run of n words that a and b share, or "".
func sharedRun(a, b string, n int) string {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})
	}
	runs := map[string]bool{}
	wb := words(b)
	for i := 0; i+n <= len(wb); i++ {
		runs[strings.Join(wb[i:i+n], " ")] = true
	}
	wa := words(a)
	for i := 0; i+n <= len(wa); i++ {
		if r := strings.Join(wa[i:i+n], " "); runs[r] {
			return r
		}
	}
	return ""
}
