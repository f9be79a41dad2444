// Package evalset loads the trafilatura evaluation set (990 web pages with
// gold main-text segments and metadata) and scores extractors on it with
// trafilatura's own metric, so that the extract tests and the benchmark
// measure accuracy the same way.
//
// The set lives outside the project (../shared/data/extraction/
// trafilatura-eval) and is read in place, never copied.
package evalset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Page is one page of the set with its gold values.
type Page struct {
	URL     string
	File    string   // path of the raw HTML
	With    []string // segments a correct extraction contains
	Without []string // boilerplate segments it must not contain
	Title   string   // "" when there is no gold title
	Authors []string // nil when there is no gold author
	Date    string   // YYYY-MM-DD, "" when there is no gold date
}

// Load reads evaldata.json under dir and resolves each page's file in
// eval/ or cache/. Pages are sorted by URL so that samples are stable.
func Load(dir string) ([]Page, error) {
	b, err := os.ReadFile(filepath.Join(dir, "evaldata.json"))
	if err != nil {
		return nil, err
	}
	var raw map[string]struct {
		File    string   `json:"file"`
		With    []string `json:"with"`
		Without []string `json:"without"`
		Title   string   `json:"title"`
		Author  any      `json:"author"`
		Date    string   `json:"date"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse evaldata.json: %w", err)
	}
	pages := make([]Page, 0, len(raw))
	for u, r := range raw {
		p := Page{URL: u, With: r.With, Without: r.Without, Title: r.Title, Date: r.Date}
		switch a := r.Author.(type) {
		case string:
			if strings.TrimSpace(a) != "" {
				p.Authors = []string{a}
			}
		case []any:
			for _, x := range a {
				if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
					p.Authors = append(p.Authors, s)
				}
			}
		}
		for _, sub := range []string{"eval", "cache"} {
			f := filepath.Join(dir, sub, r.File)
			if _, err := os.Stat(f); err == nil {
				p.File = f
				break
			}
		}
		if p.File == "" {
			return nil, fmt.Errorf("page %s: file %q not found in eval/ or cache/", u, r.File)
		}
		pages = append(pages, p)
	}
	slices.SortFunc(pages, func(a, b Page) int { return strings.Compare(a.URL, b.URL) })
	return pages, nil
}

// Find looks for the set in dir and its usual places relative to the
// working directory, returning "" when it is not there.
func Find(dirs ...string) string {
	dirs = append(dirs, "../shared/data/extraction/trafilatura-eval",
		"../../shared/data/extraction/trafilatura-eval",
		"../../../shared/data/extraction/trafilatura-eval")
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "evaldata.json")); err == nil {
			return d
		}
	}
	return ""
}

// Result is what an extractor found on one page.
type Result struct {
	Text    string
	Title   string
	Authors string // the byline as extracted
	Date    time.Time
	Err     error // a failed extraction counts as a complete miss
}

// Score sums trafilatura's counts and the metadata matches over pages.
type Score struct {
	TP, FP, FN int
	Pages      int

	TitleGold, TitleOK   int
	AuthorGold, AuthorOK int
	DateGold, DateOK     int
	Errors               int
}

// Add scores one page's result.
func (s *Score) Add(p Page, r Result) {
	s.Pages++
	if p.Title != "" {
		s.TitleGold++
	}
	if p.Authors != nil {
		s.AuthorGold++
	}
	if p.Date != "" {
		s.DateGold++
	}
	if r.Err != nil {
		s.Errors++
		s.FN += len(p.With)
		return
	}
	tp, fp, fn := Segments(p, r.Text)
	s.TP += tp
	s.FP += fp
	s.FN += fn
	if p.Title != "" && TitleMatch(p.Title, r.Title) {
		s.TitleOK++
	}
	if p.Authors != nil && AuthorMatch(p.Authors, r.Authors) {
		s.AuthorOK++
	}
	if p.Date != "" && !r.Date.IsZero() && r.Date.Format("2006-01-02") == p.Date {
		s.DateOK++
	}
}

// Segments applies trafilatura's metric to one page: each With segment
// found in the whitespace-normalised text is a true positive, each
// missing one a false negative, each Without segment found a false
// positive.
func Segments(p Page, text string) (tp, fp, fn int) {
	t := Normalize(text)
	for _, w := range p.With {
		if strings.Contains(t, Normalize(w)) {
			tp++
		} else {
			fn++
		}
	}
	for _, w := range p.Without {
		if strings.Contains(t, Normalize(w)) {
			fp++
		}
	}
	return tp, fp, fn
}

// Precision is tp/(tp+fp).
func (s Score) Precision() float64 { return ratio(s.TP, s.TP+s.FP) }

// Recall is tp/(tp+fn).
func (s Score) Recall() float64 { return ratio(s.TP, s.TP+s.FN) }

// F1 is 2tp/(2tp+fp+fn).
func (s Score) F1() float64 { return ratio(2*s.TP, 2*s.TP+s.FP+s.FN) }

// TitleRate is the share of pages with a gold title whose title matched.
func (s Score) TitleRate() float64 { return ratio(s.TitleOK, s.TitleGold) }

// AuthorRate is the share of pages with a gold author whose byline matched.
func (s Score) AuthorRate() float64 { return ratio(s.AuthorOK, s.AuthorGold) }

// DateRate is the share of pages with a gold date whose date matched.
func (s Score) DateRate() float64 { return ratio(s.DateOK, s.DateGold) }

func (s Score) String() string {
	return fmt.Sprintf("F1 %.4f P %.3f R %.3f | title %.1f%% (%d/%d) author %.1f%% (%d/%d) date %.1f%% (%d/%d) | errors %d",
		s.F1(), s.Precision(), s.Recall(),
		100*s.TitleRate(), s.TitleOK, s.TitleGold,
		100*s.AuthorRate(), s.AuthorOK, s.AuthorGold,
		100*s.DateRate(), s.DateOK, s.DateGold, s.Errors)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Normalize collapses every run of white space to one space and trims.
func Normalize(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// TitleMatch is exact equality after whitespace normalisation.
func TitleMatch(gold, got string) bool { return Normalize(gold) == Normalize(got) }

// AuthorMatch compares names as sets: the extracted byline is split on
// commas, semicolons, "and"/"und"/"&" and the gold list (or string) the
// same way; the match holds when both give the same set of names,
// ignoring case, order and white space. This is fair to bylines with
// several authors, whose gold is sometimes one string and sometimes a
// list, without rewarding a byline that merely contains the right name
// among others.
func AuthorMatch(gold []string, got string) bool {
	g := map[string]bool{}
	for _, a := range gold {
		for _, n := range splitNames(a) {
			g[n] = true
		}
	}
	h := map[string]bool{}
	for _, n := range splitNames(got) {
		h[n] = true
	}
	if len(g) == 0 || len(g) != len(h) {
		return false
	}
	for n := range g {
		if !h[n] {
			return false
		}
	}
	return true
}

func splitNames(s string) []string {
	s = strings.ToLower(Normalize(s))
	for _, sep := range []string{" and ", " und ", " & ", ";", ","} {
		s = strings.ReplaceAll(s, sep, "\x00")
	}
	var out []string
	for _, n := range strings.Split(s, "\x00") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// ErrMissing is returned by callers that need the set and cannot find it.
var ErrMissing = errors.New("evaluation set not found")
