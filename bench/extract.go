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
	"syscall"
	"time"

	readability "github.com/go-shiori/go-readability"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/microcosm-cc/bluemonday"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/evalset"
)

// The extract benchmark scores newsdesk's extractor and the Go libraries
// it was chosen against on the trafilatura evaluation set, in the same
// run: text F1, precision and recall with trafilatura's metric, the
// share of exact title, author and date matches, and pages per CPU
// second on one core. Each extractor runs in a child process of its own
// with GOMAXPROCS=1, and the child times only the extraction loop (the
// pages are read first). The comparison libraries are imported here
// only, never by newsdesk itself.

// extractors are the variants, in the table's order.
var extractors = []string{"newsdesk", "newsdesk+bluemonday", "go-trafilatura", "go-trafilatura+fallback", "go-readability"}

func extractBenchmark() benchmark {
	return benchmark{
		name:     "extract",
		about:    "extract articles from the trafilatura evaluation set, beside go-trafilatura and go-readability",
		timeout:  8 * time.Minute,
		run:      runExtract,
		children: map[string]childFunc{"run": extractChild},
	}
}

type extractInput struct {
	Dir       string `json:"dir"`
	Extractor string `json:"extractor"`
}

type extractOutput struct {
	TP, FP, FN                                                 int
	TitleOK, TitleGold, AuthorOK, AuthorGold, DateOK, DateGold int
	Errors, Pages                                              int
	CPUSeconds                                                 float64
}

func runExtract(ctx context.Context, e *env) ([]row, error) {
	dir := evalset.Find(os.Getenv("NEWSDESK_EVAL_DIR"))
	if dir == "" {
		return []row{{benchmark: "extract", metric: "F1", status: "skipped: evaluation set not found"}}, nil
	}
	dir, _ = filepath.Abs(dir)
	var rows []row
	for _, x := range extractors {
		var pps []float64
		var first extractOutput
		for i := 0; i < e.count; i++ {
			e.logf("extract: %s, run %d of %d", x, i+1, e.count)
			var out extractOutput
			if _, err := e.runChild(ctx, "extract", "run", extractInput{Dir: dir, Extractor: x}, &out); err != nil {
				return rows, fmt.Errorf("%s: %w", x, err)
			}
			if i == 0 {
				first = out
			}
			pps = append(pps, float64(out.Pages)/out.CPUSeconds)
		}
		s := evalset.Score{TP: first.TP, FP: first.FP, FN: first.FN, Pages: first.Pages,
			TitleOK: first.TitleOK, TitleGold: first.TitleGold, AuthorOK: first.AuthorOK,
			AuthorGold: first.AuthorGold, DateOK: first.DateOK, DateGold: first.DateGold, Errors: first.Errors}
		note := fmt.Sprintf("%d pages, %d errors", s.Pages, s.Errors)
		rows = append(rows,
			row{benchmark: "extract", variant: x, metric: "text F1", value: s.F1(), unit: "", notes: note},
			row{benchmark: "extract", variant: x, metric: "precision", value: s.Precision()},
			row{benchmark: "extract", variant: x, metric: "recall", value: s.Recall()},
			row{benchmark: "extract", variant: x, metric: "title match", value: 100 * s.TitleRate(), unit: "%", notes: fmt.Sprintf("%d of %d", s.TitleOK, s.TitleGold)},
			row{benchmark: "extract", variant: x, metric: "author match", value: 100 * s.AuthorRate(), unit: "%", notes: fmt.Sprintf("%d of %d", s.AuthorOK, s.AuthorGold)},
			row{benchmark: "extract", variant: x, metric: "date match", value: 100 * s.DateRate(), unit: "%", notes: fmt.Sprintf("%d of %d", s.DateOK, s.DateGold)},
			medianRow("extract", x, "throughput", "pages/CPU-s", pps, "one core (GOMAXPROCS=1), extraction loop only"),
		)
	}
	return rows, nil
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
	var s evalset.Score
	for i, p := range pages {
		s.Add(p, results[i])
	}
	return extractOutput{TP: s.TP, FP: s.FP, FN: s.FN, TitleOK: s.TitleOK, TitleGold: s.TitleGold,
		AuthorOK: s.AuthorOK, AuthorGold: s.AuthorGold, DateOK: s.DateOK, DateGold: s.DateGold,
		Errors: s.Errors, Pages: s.Pages, CPUSeconds: cpu.Seconds()}, nil
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
	case "go-readability":
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
