package evalset

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// ReadabilityPage is one page of Mozilla Readability.js's test set
// (../shared/data/extraction/readability) with what Readability expects.
type ReadabilityPage struct {
	ID   string // the test page's folder name
	URL  string
	HTML []byte // the page, decompressed
	Body string // the expected article text
	// Title and Byline are nil when Readability expects none; a title
	// may also be "", which is not scored.
	Title, Byline *string
}

// FindReadability looks for the readability set in dirs and its usual
// places relative to the working directory, returning "" when it is not
// there.
func FindReadability(dirs ...string) string {
	dirs = append(dirs, "../shared/data/extraction/readability",
		"../../shared/data/extraction/readability",
		"../../../shared/data/extraction/readability")
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "ground-truth.json")); err == nil {
			return d
		}
	}
	return ""
}

// LoadReadability reads the set under dir, pages decompressed, sorted by
// id.
func LoadReadability(dir string) ([]ReadabilityPage, error) {
	var truth map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	var meta map[string]struct {
		Title  *string `json:"title"`
		Byline *string `json:"byline"`
	}
	if err := readJSON(filepath.Join(dir, "ground-truth.json"), &truth); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, "metadata.json"), &meta); err != nil {
		return nil, err
	}
	pages := make([]ReadabilityPage, 0, len(truth))
	for id, t := range truth {
		b, err := readGzip(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", id, err)
		}
		m := meta[id]
		pages = append(pages, ReadabilityPage{ID: id, URL: t.URL, HTML: b, Body: t.ArticleBody,
			Title: m.Title, Byline: m.Byline})
	}
	slices.SortFunc(pages, func(a, b ReadabilityPage) int { return strings.Compare(a.ID, b.ID) })
	return pages, nil
}

func readJSON(file string, v any) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(file), err)
	}
	return nil
}

func readGzip(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, z); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Half puts a page in one of two halves by a hash of its name (a file's
// base name, or an id), so that a change can be checked on each half: a
// rule that helps one half and hurts the other fits pages rather than
// extracting better.
func Half(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() & 1)
}

// ShingleScore scores main text as the article-extraction benchmark of
// Scrapinghub (and many since) does: per page, the precision and recall
// of the multiset of 4-word shingles of the extracted text against the
// expected text (tokens are runs of letters, digits and '_', case kept;
// a text of fewer than four tokens is one shingle), each page's counts
// normalised so that long pages weigh no more than short ones;
// precision and recall averaged over the pages (precision over those
// where something was extracted, recall over those where something was
// expected), and F1 of the two averages. Title and byline are exact
// matches after MetaMatch's normalisation.
type ShingleScore struct {
	Pages, Errors int
	PrecSum       float64
	PrecN         int
	RecSum        float64
	RecN          int
	Zero          []string // ids of pages whose text shares no shingle with the expected one
	TitleGold     int
	TitleOK       int
	BylineGold    int
	BylineOK      int
	// TitleStrict and BylineStrict count the matches that hold with
	// white space collapsed only (case and a leading "By" kept).
	TitleStrict, BylineStrict int
	// TitleMisses and BylineMisses say what went wrong, for reports.
	TitleMisses  []string `json:"-"`
	BylineMisses []string `json:"-"`
}

// Add scores one page's result.
func (s *ShingleScore) Add(p ReadabilityPage, r Result) {
	s.Pages++
	if p.Title != nil && *p.Title != "" {
		s.TitleGold++
	}
	if p.Byline != nil {
		s.BylineGold++
	}
	text := r.Text
	if r.Err != nil {
		s.Errors++
		text = ""
	}
	tp, fp, fn := Shingles(p.Body, text)
	if tp+fp > 0 {
		s.PrecN++
		s.PrecSum += precision(tp, fp, fn)
	}
	if tp+fn > 0 {
		s.RecN++
		s.RecSum += recall(tp, fp, fn)
	}
	if tp == 0 && fn > 0 {
		s.Zero = append(s.Zero, p.ID)
	}
	if r.Err != nil {
		return
	}
	if p.Title != nil && *p.Title != "" {
		if Normalize(*p.Title) == Normalize(r.Title) {
			s.TitleStrict++
		}
		if MetaMatch(*p.Title, r.Title) {
			s.TitleOK++
		} else {
			s.TitleMisses = append(s.TitleMisses, fmt.Sprintf("%s: want %q got %q", p.ID, *p.Title, r.Title))
		}
	}
	if p.Byline != nil {
		if Normalize(*p.Byline) == Normalize(r.Authors) {
			s.BylineStrict++
		}
		if MetaMatch(*p.Byline, r.Authors) {
			s.BylineOK++
		} else {
			s.BylineMisses = append(s.BylineMisses, fmt.Sprintf("%s: want %q got %q", p.ID, *p.Byline, r.Authors))
		}
	}
}

// PageF1 is one page's shingle F1, for reports of the worst pages.
func PageF1(gold, got string) float64 {
	tp, fp, fn := Shingles(gold, got)
	if tp == 0 {
		if fp == 0 && fn == 0 {
			return 1
		}
		return 0
	}
	return 2 * tp / (2*tp + fp + fn)
}

func precision(tp, fp, fn float64) float64 {
	if fp == 0 && fn == 0 {
		return 1
	}
	if tp == 0 && fp == 0 {
		return 0
	}
	return tp / (tp + fp)
}

func recall(tp, fp, fn float64) float64 {
	if fp == 0 && fn == 0 {
		return 1
	}
	if tp == 0 && fn == 0 {
		return 0
	}
	return tp / (tp + fn)
}

// Precision is the mean per-page precision.
func (s ShingleScore) Precision() float64 {
	if s.PrecN == 0 {
		return 0
	}
	return s.PrecSum / float64(s.PrecN)
}

// Recall is the mean per-page recall.
func (s ShingleScore) Recall() float64 {
	if s.RecN == 0 {
		return 0
	}
	return s.RecSum / float64(s.RecN)
}

// F1 is the harmonic mean of Precision and Recall.
func (s ShingleScore) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// TitleRate is the share of pages with an expected title whose title matched.
func (s ShingleScore) TitleRate() float64 { return ratio(s.TitleOK, s.TitleGold) }

// BylineRate is the share of pages with an expected byline whose byline matched.
func (s ShingleScore) BylineRate() float64 { return ratio(s.BylineOK, s.BylineGold) }

func (s ShingleScore) String() string {
	return fmt.Sprintf("F1 %.3f P %.3f R %.3f | title %.1f%% (%d/%d, strictly %d) byline %.1f%% (%d/%d, strictly %d) | at 0: %d %v | errors %d",
		s.F1(), s.Precision(), s.Recall(),
		100*s.TitleRate(), s.TitleOK, s.TitleGold, s.TitleStrict,
		100*s.BylineRate(), s.BylineOK, s.BylineGold, s.BylineStrict, len(s.Zero), s.Zero, s.Errors)
}

// Shingles compares the 4-word shingles of got with those of gold as
// multisets, and returns the true positives, false positives and false
// negatives divided by their sum (all zero when both texts are empty).
func Shingles(gold, got string) (tp, fp, fn float64) {
	g := shingles(gold)
	h := shingles(got)
	var t, p, n int
	for k, c := range g {
		d := h[k]
		t += min(c, d)
		n += max(0, c-d)
	}
	for k, d := range h {
		p += max(0, d-g[k])
	}
	sum := float64(t + p + n)
	if sum == 0 {
		return 0, 0, 0
	}
	return float64(t) / sum, float64(p) / sum, float64(n) / sum
}

func shingles(s string) map[string]int {
	toks := tokens(s)
	m := make(map[string]int, len(toks))
	if len(toks) == 0 {
		return m
	}
	if len(toks) < 4 {
		m[strings.Join(toks, "\x00")]++
		return m
	}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], "\x00")]++
	}
	return m
}

// tokens are the runs of letters, digits and '_' (Python's \w).
func tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		w := r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
		if w && start < 0 {
			start = i
		} else if !w && start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// MetaMatch compares a title or byline with the expected one: equal
// after collapsing white space, ignoring case and a leading "By" (which
// Readability keeps from some bylines and drops from others).
func MetaMatch(gold, got string) bool {
	return metaNorm(gold) == metaNorm(got)
}

func metaNorm(s string) string {
	s = strings.ToLower(Normalize(s))
	if rest, ok := strings.CutPrefix(s, "by "); ok {
		s = rest
	}
	return s
}
