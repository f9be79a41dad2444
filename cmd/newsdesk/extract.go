package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/extract"
)

// cmdExtract prints what the extractor finds in saved pages, so anyone can
// see why a page extracted as it did.
func cmdExtract(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("extract", "extract [--url URL] [--explain] FILE...",
		`Extracts the article from each saved HTML page and prints one JSON object a
page with the keys title, byline, published (RFC 3339), site_name,
language, image, text (plain text, paragraphs separated by blank lines)
and html (the sanitised main content). "-" reads standard input.

With --explain it prints instead, for each page, how the article was
found: what the page declares (titles, authors, dates), what each
reading of the page removed before scoring and why, the candidate
blocks with their scores, which was chosen and why the others lost,
what was then removed from it, and the text found.`)
	pageURL := fs.String("url", "", "the address the pages were fetched from, to resolve their links")
	explain := fs.Bool("explain", false, "explain how the article was found, as readable text, rather than print JSON")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return newsdesk.Errorf(newsdesk.EINVALID, "Give at least one HTML file (or - for standard input).")
	}
	var base *url.URL
	if *pageURL != "" {
		if base, err = url.Parse(*pageURL); err != nil || base.Host == "" {
			return newsdesk.Errorf(newsdesk.EINVALID, "%q is not an absolute URL.", *pageURL)
		}
	}
	w := bufio.NewWriter(e.stdout)
	for _, name := range pos {
		if err := ctx.Err(); err != nil {
			return err
		}
		body, err := readInput(e, name)
		if err != nil {
			return newsdesk.WrapError(newsdesk.EINVALID, err, "Cannot read %s", name)
		}
		if *explain {
			_, ex, err := extract.ExtractExplain(body, "", base)
			if err != nil {
				return newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "%s: %v", name, err)
			}
			fmt.Fprintf(w, "== %s\n", name)
			if err := ex.WriteText(w); err != nil {
				return err
			}
			continue
		}
		a, err := extract.Extract(body, "", base)
		if err != nil {
			return newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "%s: %v", name, err)
		}
		if err := extract.WriteJSON(w, a); err != nil {
			return err
		}
	}
	return w.Flush()
}

// readInput reads a named file, or standard input for "-". Pages past the
// extractor's size limit are cut there, as the extractor would cut them.
func readInput(e *env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(e.stdin, extract.MaxBytes+1))
	}
	return os.ReadFile(name)
}
