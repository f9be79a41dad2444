package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
)

func cmdSourcesImport(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources import", "sources import [flags] FILE",
		"Follows every feed an OPML file lists (the file feed readers export), folders\n"+
			"included, each named by its title in the file. FILE - reads standard input.\n"+
			"Feeds already followed are skipped. Each feed is fetched first, as sources\n"+
			"add does, and one that fails is reported without stopping the others; the\n"+
			"command then exits with status 1. Progress shows on standard error.")
	noCheck := fs.Bool("no-check", false, "follow each feed without fetching it first; the scheduler polls it soon")
	fetch := fetchFlags(fs.FlagSet)
	pos, db, err := fs.open(ctx, args, oneArg("one OPML file, or - for standard input"))
	if err != nil {
		return err
	}
	defer db.Close()
	in := e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return newsdesk.WrapError(newsdesk.EINVALID, err, "Cannot open %s.", pos[0])
		}
		defer f.Close()
		in = f
	} else if in == nil {
		in = strings.NewReader("")
	}
	fetcher, err := fetch.fetcher()
	if err != nil {
		return err
	}
	feeds, err := cliFeeds(db, fetcher)
	if err != nil {
		return err
	}

	bar := newProgressBar(e.stderr)
	report, err := feeds.ImportOPML(ctx, in, newsdesk.ImportOptions{NoCheck: *noCheck, Progress: bar.update})
	bar.finish()
	if report == nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, r := range report.Results {
		name := r.Title
		if r.Source != nil {
			name = r.Source.Name
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Status, name, r.FeedURL, r.Message)
	}
	if werr := w.Flush(); werr != nil {
		return werr
	}
	total := len(report.Results)
	summary := fmt.Sprintf("Added %d of %d feeds", report.Added, total)
	var also []string
	if report.Skipped > 0 {
		also = append(also, fmt.Sprintf("%d skipped", report.Skipped))
	}
	if report.Failed > 0 {
		also = append(also, fmt.Sprintf("%d failed", report.Failed))
	}
	if len(also) > 0 {
		summary += " (" + strings.Join(also, ", ") + ")"
	}
	fmt.Fprintln(e.stderr, summary+".")
	if err != nil {
		return err
	}
	if report.Failed > 0 {
		return newsdesk.Errorf(newsdesk.EUNAVAILABLE, "%s could not be followed; the list above says why.", plural(report.Failed, "feed"))
	}
	return nil
}

func cmdSourcesExport(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources export", "sources export [flags] > newsdesk-sources.opml",
		"Writes every source as an OPML 2.0 document to standard output, for a feed\nreader or another newsdesk (sources import) to read.")
	_, db, err := fs.open(ctx, args, func(pos []string) error {
		if len(pos) != 0 {
			return newsdesk.Errorf(newsdesk.EINVALID, "sources export takes no arguments; it writes to standard output.")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	return ingest.New(ingest.Config{Sources: db, Items: db}).ExportOPML(ctx, e.stdout)
}

// plural says "1 feed" or "3 feeds".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// progressBar draws an import's progress on a terminal, redrawn in place
// at most ten times a second; on anything else it draws nothing, and the
// summary line after it is all that shows.
type progressBar struct {
	w     io.Writer
	tty   bool
	drawn time.Time
	last  string
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a terminal (a character device): the
// standard library's check, enough here without a dependency; at worst,
// /dev/null also passes and the bar is thrown away.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

const barWidth = 30

func (b *progressBar) update(done, total int) {
	if !b.tty || total == 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(b.drawn) < 100*time.Millisecond {
		return
	}
	b.drawn = now
	fill := barWidth * done / total
	b.last = fmt.Sprintf("\r[%s%s] %d/%d feeds", strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), done, total)
	fmt.Fprint(b.w, b.last)
}

func (b *progressBar) finish() {
	if b.tty && b.last != "" {
		fmt.Fprintln(b.w)
	}
}
