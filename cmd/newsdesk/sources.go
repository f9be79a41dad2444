package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
)

const sourcesUsage = `Usage: newsdesk sources <add|list|poll|remove|import|export> [flags] [args]

  add URL      check that URL serves a feed, follow it, and store its items;
               a site's home page works too: newsdesk finds the feed it names
               (--no-check follows it without fetching it first)
  list         show every source with its status, last error and next check
  poll ID      fetch a source now; its new items are queued for the
               server's workers to extract and cluster
  remove ID    stop following a source and delete its items (posts stay)
  import FILE  follow every feed an OPML file lists (- reads standard input)
  export       write every source as OPML 2.0 to standard output
`

func cmdSources(ctx context.Context, e *env, args []string) error {
	if err := e.groupHelp(sourcesUsage, args); err != nil {
		return err
	}
	switch args[0] {
	case "add":
		return cmdSourcesAdd(ctx, e, args[1:])
	case "list":
		return cmdSourcesList(ctx, e, args[1:])
	case "poll":
		return cmdSourcesPoll(ctx, e, args[1:])
	case "remove":
		return cmdSourcesRemove(ctx, e, args[1:])
	case "import":
		return cmdSourcesImport(ctx, e, args[1:])
	case "export":
		return cmdSourcesExport(ctx, e, args[1:])
	default:
		fmt.Fprint(e.stderr, sourcesUsage)
		return fmt.Errorf("unknown sources command %q", args[0])
	}
}

func cmdSourcesAdd(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources add", "sources add [flags] URL",
		"Checks that URL serves an RSS, Atom or JSON feed, follows it as a new source\nnamed after the feed, and stores its items. URL may be a site's home page:\nnewsdesk follows the feed the page names (<link rel=\"alternate\">), or else\nthe first it finds at /feed, /rss.xml, /atom.xml, /feed.xml or /index.xml.\nNothing is stored if no feed can be read; the message says why.")
	noCheck := fs.Bool("no-check", false, "follow the feed without fetching it first (for a feed that is down for now)")
	name := fs.String("name", "", "the outlet's name, as credited on posts (default: the feed's title)")
	fetch := fetchFlags(fs.FlagSet)
	pos, db, err := fs.open(ctx, args, oneArg("one feed URL"))
	if err != nil {
		return err
	}
	defer db.Close()
	if *noCheck {
		u, err := ingest.ParseFeedURL(pos[0])
		if err != nil {
			return err
		}
		s := &newsdesk.Source{Name: *name, FeedURL: u.String()}
		if s.Name == "" {
			s.Name = u.String() // replaced by the feed's title at the first good poll
		}
		if err := db.CreateSource(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Following %s (source %d); it will be fetched at the next poll.\n", s.FeedURL, s.ID)
		return nil
	}
	fetcher, err := fetch.fetcher()
	if err != nil {
		return err
	}
	feeds, err := cliFeeds(db, fetcher)
	if err != nil {
		return err
	}
	s, err := feeds.AddFeed(ctx, pos[0])
	if err != nil {
		return err
	}
	if *name != "" {
		s.Name = *name
		if err := db.UpdateSource(ctx, s); err != nil {
			return err
		}
	}
	n, err := db.CountItems(ctx, s.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Following %s (source %d): %d items.\n%s", s.Name, s.ID, n, queuedNote(n))
	return nil
}

func cmdSourcesList(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources list", "sources list [flags]",
		"Lists every source with its status, how often it is polled, when it is\nchecked next, and its last error (or a note about its last poll).")
	_, db, err := fs.open(ctx, args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sources, err := db.FindSources(ctx)
	if err != nil {
		return err
	}
	if len(sources) == 0 {
		fmt.Fprintln(e.stdout, "No sources yet: add one with newsdesk sources add URL.")
		return nil
	}
	now := time.Now()
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSTATUS\tITEMS\tINTERVAL\tLAST POLL\tNEXT CHECK\tFEED\tLAST ERROR / NOTE")
	for _, s := range sources {
		n, err := db.CountItems(ctx, s.ID)
		if err != nil {
			return err
		}
		last := "never"
		if s.LastPolledAt != nil {
			last = since(now, *s.LastPolledAt)
		}
		interval := "-"
		if s.PollInterval > 0 {
			interval = roundDuration(s.PollInterval)
		}
		message := s.LastError
		if message == "" {
			message = s.Note
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Status, n, interval, last,
			nextCheck(now, s.NextPollAt), s.FeedURL, message)
	}
	return w.Flush()
}

func cmdSourcesPoll(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources poll", "sources poll [flags] ID", "Fetches a source's feed now and stores its new items. Their pages are queued\nfor extraction and the items for story clustering, which the workers of\nnewsdesk serve do (this command runs none).")
	fetch := fetchFlags(fs.FlagSet)
	pos, db, err := fs.open(ctx, args, checkSourceID)
	if err != nil {
		return err
	}
	defer db.Close()
	id, _ := sourceID(pos)
	fetcher, err := fetch.fetcher()
	if err != nil {
		return err
	}
	feeds, err := cliFeeds(db, fetcher)
	if err != nil {
		return err
	}
	n, err := feeds.PollSource(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Source %d: %d new items.\n%s", id, n, queuedNote(n))
	return nil
}

// cliFeeds reads feeds for a command. The items it stores enter the
// pipeline as any others do (jobs/pipeline.go): their extraction and
// clustering are queued in the database, for the workers of
// `newsdesk serve`, since a command runs none. It asks for extraction,
// not knowing how the server runs; a server with --extract=false passes
// the items straight to clustering.
func cliFeeds(db *store.DB, fetcher *ingest.Fetcher) (*ingest.Service, error) {
	p, err := jobs.NewPipeline(jobs.PipelineConfig{DB: db, Extract: true})
	if err != nil {
		return nil, err
	}
	return ingest.New(ingest.Config{Sources: db, Items: p.Items(), Fetcher: fetcher}), nil
}

// queuedNote says where new items went, when there are any.
func queuedNote(n int) string {
	if n == 0 {
		return ""
	}
	return "Their pages are queued for extraction and the items for story clustering, which newsdesk serve's workers do.\n"
}

func cmdSourcesRemove(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("sources remove", "sources remove [flags] ID",
		"Stops following a source and deletes its items. Posts made from them keep\ntheir credit and link.")
	pos, db, err := fs.open(ctx, args, checkSourceID)
	if err != nil {
		return err
	}
	defer db.Close()
	id, _ := sourceID(pos)
	if err := db.DeleteSource(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Removed source %d.\n", id)
	return nil
}

// checkSourceID refuses anything but one source ID.
func checkSourceID(pos []string) error {
	_, err := sourceID(pos)
	return err
}

// sourceID reads the one source ID a command takes.
func sourceID(pos []string) (int64, error) {
	if len(pos) != 1 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "Give one source ID (see newsdesk sources list).")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, newsdesk.Errorf(newsdesk.EINVALID, "%q is not a source ID (see newsdesk sources list).", pos[0])
	}
	return id, nil
}

// nextCheck says when a source is polled next: "in 12m", or "due now"
// for a source the scheduler will pick up at its next round.
func nextCheck(now, next time.Time) string {
	if !next.After(now) {
		return "due now"
	}
	return since(now, next)
}
