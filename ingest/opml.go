package ingest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/newsdesk/newsdesk"
)

// Limits on an OPML file: far above any real reader's export (a list of
// 10,000 feeds is about 2 MB).
const (
	MaxOPMLBytes = 10 << 20
	MaxOPMLFeeds = 10_000
	// importWorkers is how many feeds an import checks at once; the
	// Fetcher's per-host limits still hold.
	importWorkers = 4
)

// Outline is one feed an OPML file lists.
type Outline struct {
	Title   string // the outline's title, or its text
	FeedURL string // its xmlUrl
	SiteURL string // its htmlUrl
}

// ParseOPML reads the feeds an OPML document lists: every outline with an
// xmlUrl, at any depth of folders, in document order. It returns ETOOLARGE
// for a document over MaxOPMLBytes or listing more than MaxOPMLFeeds
// feeds, and EUNPROCESSABLE for anything that is not an OPML document
// listing at least one feed. Entities a DOCTYPE declares are never
// expanded, so a billion-laughs file is refused as malformed.
func ParseOPML(r io.Reader) ([]Outline, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxOPMLBytes+1))
	if err != nil {
		return nil, newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "The file could not be read.")
	}
	if len(body) > MaxOPMLBytes {
		return nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "The file is larger than newsdesk accepts (%d MB).", MaxOPMLBytes>>20)
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = charset.NewReaderLabel
	// HTML's named entities (&nbsp; in a title, say) are a fixed table;
	// a DOCTYPE's own entities are never expanded.
	d.Entity = xml.HTMLEntity
	var out []Outline
	root := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !root {
				return nil, notOPML(err)
			}
			return nil, newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "The OPML file is malformed (%s).", firstLine(err.Error()))
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !root {
			if !strings.EqualFold(el.Name.Local, "opml") {
				return nil, notOPML(nil)
			}
			root = true
			continue
		}
		if !strings.EqualFold(el.Name.Local, "outline") {
			continue
		}
		o := Outline{
			FeedURL: strings.TrimSpace(attr(el, "xmlUrl")),
			SiteURL: strings.TrimSpace(attr(el, "htmlUrl")),
			Title:   newsdesk.Truncate(clean(attr(el, "title")), newsdesk.MaxNameLength),
		}
		if o.Title == "" {
			o.Title = newsdesk.Truncate(clean(attr(el, "text")), newsdesk.MaxNameLength)
		}
		if o.FeedURL == "" {
			continue // a folder, or a link that is not a feed
		}
		if len(out) == MaxOPMLFeeds {
			return nil, newsdesk.Errorf(newsdesk.ETOOLARGE, "The file lists more than %d feeds, the most newsdesk imports at once; split it into smaller files.", MaxOPMLFeeds)
		}
		out = append(out, o)
	}
	if !root {
		return nil, notOPML(nil)
	}
	if len(out) == 0 {
		return nil, newsdesk.Errorf(newsdesk.EUNPROCESSABLE, "The OPML file lists no feeds (no outline has an xmlUrl).")
	}
	return out, nil
}

func notOPML(err error) error {
	return newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err, "The file is not an OPML subscription list.")
}

// attr returns an element's attribute by name, in any case: exporters
// write xmlUrl, xmlURL and xmlurl.
func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

// opmlDoc is the OPML 2.0 document WriteOPML writes.
type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    struct {
		Title       string `xml:"title"`
		DateCreated string `xml:"dateCreated"`
	} `xml:"head"`
	Outlines []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr"`
	XMLURL  string `xml:"xmlUrl,attr"`
	HTMLURL string `xml:"htmlUrl,attr,omitempty"`
}

// WriteOPML writes sources as an OPML 2.0 document, one outline each, as
// feed readers import them.
func WriteOPML(w io.Writer, sources []*newsdesk.Source, now time.Time) error {
	doc := opmlDoc{Version: "2.0"}
	doc.Head.Title = "newsdesk sources"
	doc.Head.DateCreated = now.UTC().Format(time.RFC1123Z)
	for _, s := range sources {
		doc.Outlines = append(doc.Outlines, opmlOutline{Type: "rss", Text: s.Name, Title: s.Name, XMLURL: s.FeedURL, HTMLURL: s.SiteURL})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

var _ newsdesk.OPMLService = (*Service)(nil)

// ExportOPML writes every source as an OPML 2.0 document.
func (s *Service) ExportOPML(ctx context.Context, w io.Writer) error {
	sources, err := s.cfg.Sources.FindSources(ctx)
	if err != nil {
		return err
	}
	if err := WriteOPML(w, sources, s.cfg.Now()); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	return nil
}

// ImportOPML follows every feed an OPML document lists, each named by its
// outline's title. A feed already followed, or listed twice, is skipped; a
// feed that cannot be followed is reported and the import goes on. Unless
// opts.NoCheck is set each feed is fetched first, as AddFeed does (a few
// at a time), and its items stored; with it, each is followed as a new
// source that the scheduler polls soon.
func (s *Service) ImportOPML(ctx context.Context, r io.Reader, opts newsdesk.ImportOptions) (*newsdesk.ImportReport, error) {
	outlines, err := ParseOPML(r)
	if err != nil {
		return nil, err
	}
	sources, err := s.cfg.Sources.FindSources(ctx)
	if err != nil {
		return nil, err
	}
	followed := make(map[string]bool, len(sources))
	for _, src := range sources {
		followed[src.FeedURL] = true
	}

	results := make([]newsdesk.ImportResult, len(outlines))
	listed := map[string]bool{}
	var todo []int
	for i, o := range outlines {
		res := &results[i]
		res.Title, res.FeedURL = o.Title, o.FeedURL
		u, err := ParseFeedURL(o.FeedURL)
		switch {
		case err != nil:
			res.Status, res.Message = newsdesk.ImportFailed, newsdesk.ErrorMessage(err)
		case followed[u.String()]:
			res.Status, res.Message = newsdesk.ImportSkipped, "Already followed."
		case listed[u.String()]:
			res.Status, res.Message = newsdesk.ImportSkipped, "Listed twice in the file."
		default:
			listed[u.String()] = true
			outlines[i].FeedURL = u.String()
			todo = append(todo, i)
		}
	}

	var mu sync.Mutex
	done := 0
	step := func() {
		mu.Lock()
		defer mu.Unlock()
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(outlines))
		}
	}
	for range len(outlines) - len(todo) {
		step()
	}
	work := make(chan int)
	var wg sync.WaitGroup
	workers := importWorkers
	if opts.NoCheck {
		workers = 1 // no fetching: the database is the only wait
	}
	for range min(workers, max(len(todo), 1)) {
		wg.Go(func() {
			for i := range work {
				s.importOne(ctx, outlines[i], &results[i], opts.NoCheck)
				step()
			}
		})
	}
	for _, i := range todo {
		work <- i
	}
	close(work)
	wg.Wait()

	report := &newsdesk.ImportReport{Results: results}
	for _, res := range results {
		switch res.Status {
		case newsdesk.ImportAdded:
			report.Added++
		case newsdesk.ImportSkipped:
			report.Skipped++
		default:
			report.Failed++
		}
	}
	return report, ctx.Err()
}

// importOne follows one feed of an import, recording what became of it.
func (s *Service) importOne(ctx context.Context, o Outline, res *newsdesk.ImportResult, noCheck bool) {
	if ctx.Err() != nil {
		res.Status, res.Message = newsdesk.ImportFailed, "The import stopped before this feed."
		return
	}
	var src *newsdesk.Source
	var err error
	if noCheck {
		src = &newsdesk.Source{Name: o.Title, FeedURL: o.FeedURL, SiteURL: o.SiteURL, NextPollAt: s.cfg.Now()}
		if newsdesk.IsBlank(src.Name) {
			src.Name = o.FeedURL // replaced by the feed's title at the first good poll
		}
		err = s.cfg.Sources.CreateSource(ctx, src)
	} else {
		src, err = s.add(ctx, o.FeedURL, o.Title, o.SiteURL)
	}
	switch {
	case newsdesk.ErrorCode(err) == newsdesk.ECONFLICT:
		res.Status, res.Message = newsdesk.ImportSkipped, "Already followed."
	case err != nil && src != nil:
		// Followed, but its items could not all be stored: the next poll
		// stores them.
		s.cfg.Logger.Error("import: store items", "feed", o.FeedURL, "err", err)
		res.Status, res.Source = newsdesk.ImportAdded, src
	case err != nil:
		res.Status, res.Message = newsdesk.ImportFailed, newsdesk.ErrorMessage(err)
	default:
		res.Status, res.Source = newsdesk.ImportAdded, src
	}
}
