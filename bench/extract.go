package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	readeck "codeberg.org/readeck/go-readability/v2"
	readability "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/microcosm-cc/bluemonday"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/evalset"
)

// The extract benchmark scores newsdesk's extractor and the Go libraries
// it was chosen against on two development sets, in the same run: the
// trafilatura evaluation set (990 pages; text F1, precision and recall
// with trafilatura's metric, the share of exact title, author and date
// matches) and Readability.js's test pages (130 pages; the shingle F1
// of ../shared/data/README.md, exact title and byline, and the pages
// whose text shares nothing with Readability's), each on the whole set
// and on its two halves (evalset.Half): a rule that helps one half and
// hurts the other fits pages rather than extracting better. Throughput
// is pages per CPU second on one core over the trafilatura set. Each
// extractor runs in a child process of its own with GOMAXPROCS=1, and
// the child times only the extraction loops (the pages are read first).
// The comparison libraries are imported here only, never by newsdesk
// itself.

// extractors are the variants, in the table's order.
var extractors = []string{"newsdesk", "newsdesk+bluemonday", "go-trafilatura", "go-trafilatura+fallback",
	"go-readability (go-shiori)", "go-readability (readeck)"}

func extractBenchmark() benchmark {
	return benchmark{
		name:     "extract",
		about:    "extract articles from the trafilatura evaluation set and Readability.js's test pages, beside go-trafilatura and go-readability",
		timeout:  12 * time.Minute,
		run:      runExtract,
		children: map[string]childFunc{"run": extractChild},
	}
}

type extractInput struct {
	Dir         string `json:"dir"`
	Readability string `json:"readability"`
	Extractor   string `json:"extractor"`
}

// extractOutput holds each set's score on the whole set, then on its
// even and odd halves.
type extractOutput struct {
	Traf       [3]evalset.Score
	Read       [3]evalset.ShingleScore
	CPUSeconds float64 // the trafilatura set's loop
	ReadCPU    float64 // the readability set's loop
}

func runExtract(ctx context.Context, e *env) ([]row, error) {
	dir := evalset.Find(os.Getenv("NEWSDESK_EVAL_DIR"))
	rdir := evalset.FindReadability(os.Getenv("NEWSDESK_READABILITY_DIR"))
	if dir == "" {
		return []row{{benchmark: "extract", metric: "F1", status: "skipped: evaluation set not found"}}, nil
	}
	dir, _ = filepath.Abs(dir)
	if rdir != "" {
		rdir, _ = filepath.Abs(rdir)
	}
	var rows []row
	for _, x := range extractors {
		var pps []float64
		var first extractOutput
		for i := 0; i < e.count; i++ {
			e.logf("extract: %s, run %d of %d", x, i+1, e.count)
			var out extractOutput
			if _, err := e.runChild(ctx, "extract", "run", extractInput{Dir: dir, Readability: rdir, Extractor: x}, &out); err != nil {
				return rows, fmt.Errorf("%s: %w", x, err)
			}
			if i == 0 {
				first = out
			}
			pps = append(pps, float64(out.Traf[0].Pages)/out.CPUSeconds)
		}
		rows = append(rows, extractRows(x, first)...)
		note := "one core (GOMAXPROCS=1), extraction loop over the trafilatura set"
		if first.ReadCPU > 0 {
			note += fmt.Sprintf("; the readability set's larger pages at %.0f pages/CPU-s (first run)", float64(first.Read[0].Pages)/first.ReadCPU)
		}
		rows = append(rows, medianRow("extract", x, "throughput", "pages/CPU-s", pps, note))
	}
	return rows, nil
}

// extractRows are one extractor's accuracy rows, the halves in the notes.
func extractRows(x string, o extractOutput) []row {
	t, r := o.Traf, o.Read
	halves := func(f func(i int) string) string { return "halves " + f(1) + " / " + f(2) }
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	rows := []row{
		{benchmark: "extract", variant: x, metric: "trafilatura-eval text F1", value: t[0].F1(),
			notes: fmt.Sprintf("P %.3f R %.3f; %s; %d pages, %d errors", t[0].Precision(), t[0].Recall(),
				halves(func(i int) string { return fmt.Sprintf("%.3f", t[i].F1()) }), t[0].Pages, t[0].Errors)},
		{benchmark: "extract", variant: x, metric: "trafilatura-eval title", value: 100 * t[0].TitleRate(), unit: "%",
			notes: fmt.Sprintf("%d of %d; %s", t[0].TitleOK, t[0].TitleGold, halves(func(i int) string { return pct(t[i].TitleRate()) }))},
		{benchmark: "extract", variant: x, metric: "trafilatura-eval author", value: 100 * t[0].AuthorRate(), unit: "%",
			notes: fmt.Sprintf("%d of %d; %s", t[0].AuthorOK, t[0].AuthorGold, halves(func(i int) string { return pct(t[i].AuthorRate()) }))},
		{benchmark: "extract", variant: x, metric: "trafilatura-eval date", value: 100 * t[0].DateRate(), unit: "%",
			notes: fmt.Sprintf("%d of %d; %s", t[0].DateOK, t[0].DateGold, halves(func(i int) string { return pct(t[i].DateRate()) }))},
	}
	if r[0].Pages == 0 {
		return append(rows, row{benchmark: "extract", variant: x, metric: "readability text F1", status: "skipped: readability set not found"})
	}
	zero := "none"
	if len(r[0].Zero) > 0 {
		zero = strings.Join(r[0].Zero, ", ")
	}
	return append(rows,
		row{benchmark: "extract", variant: x, metric: "readability text F1", value: r[0].F1(),
			notes: fmt.Sprintf("P %.3f R %.3f; %s; %d pages, %d errors; at 0: %s", r[0].Precision(), r[0].Recall(),
				halves(func(i int) string { return fmt.Sprintf("%.3f", r[i].F1()) }), r[0].Pages, r[0].Errors, zero)},
		row{benchmark: "extract", variant: x, metric: "readability title", value: 100 * float64(r[0].TitleStrict) / float64(max(r[0].TitleGold, 1)), unit: "%",
			notes: fmt.Sprintf("%d of %d exact (%d ignoring case and a leading By); halves %d/%d, %d/%d", r[0].TitleStrict, r[0].TitleGold, r[0].TitleOK,
				r[1].TitleStrict, r[1].TitleGold, r[2].TitleStrict, r[2].TitleGold)},
		row{benchmark: "extract", variant: x, metric: "readability byline", value: 100 * float64(r[0].BylineStrict) / float64(max(r[0].BylineGold, 1)), unit: "%",
			notes: fmt.Sprintf("%d of %d exact (%d ignoring case and a leading By); halves %d/%d, %d/%d", r[0].BylineStrict, r[0].BylineGold, r[0].BylineOK,
				r[1].BylineStrict, r[1].BylineGold, r[2].BylineStrict, r[2].BylineGold)},
	)
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func extractChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in extractInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	pages, err := evalset.Load(in.Dir)
	if err != nil {
		return nil, err
	}
	bodies := make([][]byte, len(pages))
	for i, p := range pages {
		if bodies[i], err = os.ReadFile(p.File); err != nil {
			return nil, err
		}
	}
	var rpages []evalset.ReadabilityPage
	if in.Readability != "" {
		if rpages, err = evalset.LoadReadability(in.Readability); err != nil {
			return nil, err
		}
	}
	run := extractorFunc(in.Extractor)
	if run == nil {
		return nil, fmt.Errorf("unknown extractor %q", in.Extractor)
	}
	runtime.GOMAXPROCS(1)
	runtime.GC()
	results := make([]evalset.Result, len(pages))
	c0 := cpuNow()
	for i, p := range pages {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u, _ := url.Parse(p.URL)
		results[i] = safeRun(run, bodies[i], u)
	}
	cpu := cpuNow() - c0
	runtime.GC()
	rresults := make([]evalset.Result, len(rpages))
	c0 = cpuNow()
	for i, p := range rpages {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u, _ := url.Parse(p.URL)
		rresults[i] = safeRun(run, p.HTML, u)
	}
	rcpu := cpuNow() - c0
	var out extractOutput
	for i, p := range pages {
		out.Traf[0].Add(p, results[i])
		out.Traf[1+evalset.Half(filepath.Base(p.File))].Add(p, results[i])
	}
	for i, p := range rpages {
		out.Read[0].Add(p, rresults[i])
		out.Read[1+evalset.Half(p.ID)].Add(p, rresults[i])
	}
	out.CPUSeconds, out.ReadCPU = cpu.Seconds(), rcpu.Seconds()
	return out, nil
}

// safeRun counts a panic as a failed page, as the metric counts a crash.
func safeRun(f func([]byte, *url.URL) evalset.Result, body []byte, u *url.URL) (r evalset.Result) {
	defer func() {
		if p := recover(); p != nil {
			r = evalset.Result{Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	return f(body, u)
}

func extractorFunc(name string) func([]byte, *url.URL) evalset.Result {
	switch name {
	case "newsdesk", "newsdesk+bluemonday":
		// The +bluemonday variant also passes the article HTML through
		// bluemonday's UGC policy, to show what DESIGN.md's choice of
		// sanitiser would cost on top of newsdesk's own serializer.
		var policy *bluemonday.Policy
		if name == "newsdesk+bluemonday" {
			policy = bluemonday.UGCPolicy()
		}
		return func(b []byte, u *url.URL) evalset.Result {
			a, err := extract.Extract(b, "", u)
			if err != nil {
				return evalset.Result{Err: err}
			}
			if policy != nil {
				a.HTML = policy.Sanitize(a.HTML)
			}
			return evalset.Result{Text: a.Text, Title: a.Title, Authors: a.Byline, Date: a.Published}
		}
	case "go-trafilatura", "go-trafilatura+fallback":
		fallback := name == "go-trafilatura+fallback"
		return func(b []byte, u *url.URL) evalset.Result {
			r, err := trafilatura.Extract(bytes.NewReader(b), trafilatura.Options{OriginalURL: u, EnableFallback: fallback})
			if err != nil {
				return evalset.Result{Err: err}
			}
			return evalset.Result{Text: r.ContentText, Title: r.Metadata.Title, Authors: r.Metadata.Author, Date: r.Metadata.Date}
		}
	case "go-readability (readeck)":
		return func(b []byte, u *url.URL) evalset.Result {
			a, err := readeck.FromReader(bytes.NewReader(b), u)
			if err != nil {
				return evalset.Result{Err: err}
			}
			r := evalset.Result{Title: a.Title(), Authors: a.Byline()}
			if a.Node != nil {
				var t strings.Builder
				if err := a.RenderText(&t); err != nil {
					return evalset.Result{Err: err}
				}
				r.Text = t.String()
			}
			if d, err := a.PublishedTime(); err == nil {
				r.Date = d
			}
			return r
		}
	case "go-readability (go-shiori)":
		return func(b []byte, u *url.URL) evalset.Result {
			a, err := readability.FromReader(bytes.NewReader(b), u)
			if err != nil {
				return evalset.Result{Err: err}
			}
			r := evalset.Result{Text: a.TextContent, Title: a.Title, Authors: a.Byline}
			if a.PublishedTime != nil {
				r.Date = *a.PublishedTime
			}
			return r
		}
	}
	return nil
}
