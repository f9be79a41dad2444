package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Config is what a Service uses.
type Config struct {
	Sources newsdesk.SourceService
	Items   newsdesk.ItemService
	Fetcher *Fetcher // nil for NewFetcher(), which fetches from public addresses only
	// Interval is the time between polls of a healthy source until it
	// has posted enough for its own rhythm to show.
	Interval time.Duration
	// MinInterval and MaxInterval bound a source's adapted interval.
	MinInterval time.Duration
	MaxInterval time.Duration
	// MaxBackoff caps the time between polls of a failing source.
	MaxBackoff time.Duration
	// Concurrency is how many feeds the service reads at once, whoever
	// asks (adds, polls, OPML imports, WebSub deliveries): each reading
	// holds up to a feed's bytes (10 MB) and what parsing makes of them,
	// so a burst of large feeds must not multiply that. The rest wait
	// their turn, within their context.
	Concurrency int
	Now         func() time.Time
	// Rand returns a number in [0, 1) for jitter; nil for math/rand.
	Rand   func() float64
	Logger *slog.Logger
}

// Defaults for Config.
const (
	DefaultInterval    = 30 * time.Minute
	DefaultMinInterval = 5 * time.Minute
	DefaultMaxInterval = 24 * time.Hour
	DefaultConcurrency = 4
	// recentItems is how many of a feed's newest dated items show how
	// often it posts.
	recentItems = 20
	// jitter spreads polls of sources added together, ±10%.
	jitter = 0.10
)

// Service reads feeds into sources and items. It implements
// newsdesk.FeedService.
type Service struct {
	cfg Config
	ws  *WebSub // nil unless NewWebSub installed one
	// turns holds a token for each feed being read (see
	// Config.Concurrency), large one for a large feed being parsed.
	turns, large chan struct{}
}

var _ newsdesk.FeedService = (*Service)(nil)

// New returns a Service, filling in defaults for what cfg leaves out.
func New(cfg Config) *Service {
	if cfg.Fetcher == nil {
		cfg.Fetcher = NewFetcher()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.MinInterval <= 0 {
		cfg.MinInterval = min(DefaultMinInterval, cfg.Interval)
	}
	if cfg.MaxInterval <= 0 {
		cfg.MaxInterval = max(DefaultMaxInterval, cfg.Interval)
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 24 * time.Hour
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, turns: make(chan struct{}, cfg.Concurrency), large: make(chan struct{}, 1)}
}

// turn waits until the service may read one more feed, and returns the
// function that ends the reading. Every way a feed is read (add, poll,
// WebSub delivery) takes a turn, once, at its entry point.
func (s *Service) turn(ctx context.Context) (func(), error) {
	select {
	case s.turns <- struct{}{}:
		return func() { <-s.turns }, nil
	case <-ctx.Done():
		return nil, s.busy(ctx)
	}
}

func (s *Service) busy(ctx context.Context) error {
	return newsdesk.WrapError(newsdesk.EUNAVAILABLE, ctx.Err(),
		"newsdesk is busy reading other feeds; try again in a moment.")
}

// largeFeedBytes is the size from which a feed is large. Parsing a feed
// takes a few times its size in memory, so the service parses one large
// feed at a time, while Concurrency feeds are fetched and small ones
// parsed: nearly every feed is small, and a burst of large ones then
// costs little more than one.
const largeFeedBytes = 1 << 20

// parse is Parse, taking the turn for a large feed when body is one.
func (s *Service) parse(ctx context.Context, body []byte, base *url.URL) (*Feed, error) {
	if len(body) > largeFeedBytes {
		select {
		case s.large <- struct{}{}:
			defer func() { <-s.large }()
		case <-ctx.Done():
			return nil, s.busy(ctx)
		}
	}
	return Parse(body, base)
}

// AddFeed fetches and parses the feed at rawURL, then follows it and stores
// its items. When rawURL is a web page, AddFeed follows the feed the page
// announces (<link rel="alternate">), or else the first of the common feed
// addresses on its site that serves one. Nothing is stored if no feed can
// be read.
func (s *Service) AddFeed(ctx context.Context, rawURL string) (*newsdesk.Source, error) {
	return s.add(ctx, rawURL, "", "")
}

// add is AddFeed, naming the source name (the feed's title if empty) and
// its site siteURL (the feed's link if empty).
func (s *Service) add(ctx context.Context, rawURL, name, siteURL string) (*newsdesk.Source, error) {
	u, err := ParseFeedURL(rawURL)
	if err != nil {
		return nil, err
	}
	done, err := s.turn(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	resp, err := s.cfg.Fetcher.Fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	feed, err := s.parse(ctx, resp.Body, resp.URL)
	if err != nil && looksLikeHTML(resp.Body) {
		var f *found
		if f, err = s.discover(ctx, resp); err == nil {
			if siteURL == "" && f.feed.SiteURL == "" {
				siteURL = resp.URL.String()
			}
			u, resp, feed = f.url, f.resp, f.feed
		}
	}
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	r := s.success(now, nil, resp, feed)
	src := &newsdesk.Source{
		Name:         name,
		FeedURL:      u.String(),
		SiteURL:      siteURL,
		Status:       newsdesk.SourceOK,
		Note:         r.Note,
		ETag:         r.ETag,
		LastModified: r.LastModified,
		PollInterval: r.Interval,
		LastPolledAt: &now,
		NextPollAt:   r.NextAt,
	}
	if newsdesk.IsBlank(src.Name) {
		src.Name = feed.Title
	}
	if newsdesk.IsBlank(src.Name) {
		src.Name = u.Hostname()
	}
	if src.SiteURL == "" {
		src.SiteURL = feed.SiteURL
	}
	if err := s.cfg.Sources.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	if _, err := s.cfg.Items.SaveItems(ctx, src.ID, feed.Items); err != nil {
		return src, fmt.Errorf("store items of new source %d: %w", src.ID, err)
	}
	s.webSub(ctx, src, resp, nil)
	return src, nil
}

// PollSource fetches a source's feed, sending back the validators of the
// copy it has, and stores its new items, recording the outcome (and the
// time of the next poll) on the source. A 304 Not Modified is a good poll
// with no new items.
func (s *Service) PollSource(ctx context.Context, id int64) (int, error) {
	src, err := s.cfg.Sources.FindSourceByID(ctx, id)
	if err != nil {
		return 0, err
	}
	done, err := s.turn(ctx)
	if err != nil {
		return 0, err
	}
	added, r, err := s.poll(ctx, src)
	done()
	if err == nil {
		return added, s.cfg.Sources.RecordPoll(ctx, id, r)
	}
	if ctx.Err() != nil {
		return 0, err // shutting down: this says nothing about the source
	}
	now := s.cfg.Now()
	wait := s.backoff(src.ErrorCount + 1)
	if d, ok := RetryAfter(err); ok {
		wait = max(wait, min(d, s.cfg.MaxBackoff))
	}
	s.cfg.Logger.Warn("poll failed", "source", id, "feed", src.FeedURL, "err", err, "next_in", wait)
	if rerr := s.cfg.Sources.RecordPoll(ctx, id, newsdesk.PollResult{
		At: now, Err: err, NextAt: now.Add(wait),
	}); rerr != nil {
		return 0, fmt.Errorf("record failed poll of source %d: %w (poll: %v)", id, rerr, err)
	}
	return 0, err
}

// poll fetches, parses and stores one source's feed, returning how many
// items were new and what to record on success.
func (s *Service) poll(ctx context.Context, src *newsdesk.Source) (int, newsdesk.PollResult, error) {
	u, err := ParseFeedURL(src.FeedURL)
	if err != nil {
		return 0, newsdesk.PollResult{}, err
	}
	resp, err := s.cfg.Fetcher.FetchIf(ctx, u, Validators{ETag: src.ETag, LastModified: src.LastModified})
	if err != nil {
		return 0, newsdesk.PollResult{}, err
	}
	if resp.NotModified {
		r := s.success(s.cfg.Now(), src, resp, nil)
		s.webSub(ctx, src, nil, &r)
		return 0, r, nil
	}
	feed, err := s.parse(ctx, resp.Body, resp.URL)
	if err != nil && src.PollInterval == 0 && looksLikeHTML(resp.Body) {
		// A source that has never been read was followed without being
		// fetched first (an OPML import's feeds are), so its address may
		// be a site's home page: follow the feed the page names, as
		// AddFeed does.
		if resp, feed, err = s.discoverFor(ctx, src, resp); err != nil {
			return 0, newsdesk.PollResult{}, err
		}
	}
	if err != nil {
		return 0, newsdesk.PollResult{}, err
	}
	r := s.success(s.cfg.Now(), src, resp, feed)
	added, err := s.cfg.Items.SaveItems(ctx, src.ID, feed.Items)
	if err != nil {
		return 0, newsdesk.PollResult{}, err
	}
	if r.Note != "" {
		s.cfg.Logger.Info("poll stored part of a feed", "source", src.ID, "note", r.Note)
	}
	s.webSub(ctx, src, resp, &r)
	return added, r, nil
}

// success works out what a good poll records: the validators, the
// source's interval, the time of the next poll and a note. src is nil for
// a source being added; feed is nil for a 304.
func (s *Service) success(now time.Time, src *newsdesk.Source, resp *Response, feed *Feed) newsdesk.PollResult {
	r := newsdesk.PollResult{At: now, ETag: resp.ETag, LastModified: resp.LastModified}
	hint := resp.MaxAge
	if feed == nil { // not modified: nothing new to learn from
		r.Interval, r.Note = src.PollInterval, src.Note
		if r.Interval <= 0 {
			r.Interval = s.cfg.Interval
		}
	} else {
		r.Name, r.SiteURL = feed.Title, feed.SiteURL
		r.Interval = s.interval(feed.Items)
		hint = max(hint, feed.TTL)
		r.Note = strings.Join(feed.Notes, " ")
	}
	wait := time.Duration(float64(r.Interval) * (1 - jitter + 2*jitter*s.cfg.Rand()))
	// Cache-Control max-age and RSS ttl are the server's word on how
	// long the feed stays as it is: never poll sooner.
	wait = max(wait, min(hint, s.cfg.MaxInterval))
	r.NextAt = now.Add(wait)
	return r
}

// interval is the time between polls that suits a feed: the median gap
// between its newest dated items, so a wire that posts every few minutes
// is read often and a weekly column rarely, within the configured bounds.
// A feed with too few dated items gets the default interval.
func (s *Service) interval(items []*newsdesk.Item) time.Duration {
	var dates []time.Time
	for _, it := range items {
		if it.PublishedAt != nil {
			dates = append(dates, *it.PublishedAt)
		}
	}
	if len(dates) < 3 {
		return s.cfg.Interval
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return b.Compare(a) })
	dates = dates[:min(len(dates), recentItems)]
	gaps := make([]time.Duration, len(dates)-1)
	for i := range gaps {
		gaps[i] = dates[i].Sub(dates[i+1])
	}
	slices.Sort(gaps)
	median := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		median = (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
	}
	return min(max(median, s.cfg.MinInterval), s.cfg.MaxInterval)
}

// backoff doubles the interval with each consecutive failure, up to the cap.
func (s *Service) backoff(failures int) time.Duration {
	d := s.cfg.Interval
	for i := 1; i < failures && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxBackoff)
}

// discoverFor finds the feed of the web page a source's address answered
// with, and points the source at it.
func (s *Service) discoverFor(ctx context.Context, src *newsdesk.Source, page *Response) (*Response, *Feed, error) {
	f, err := s.discover(ctx, page)
	if err != nil {
		return nil, nil, err
	}
	src.FeedURL = f.url.String()
	if src.SiteURL == "" && f.feed.SiteURL == "" {
		src.SiteURL = page.URL.String()
	}
	if err := s.cfg.Sources.UpdateSource(ctx, src); err != nil {
		if newsdesk.ErrorCode(err) == newsdesk.ECONFLICT {
			// Nothing to retry: the feed is followed by another source.
			return nil, nil, newsdesk.WrapError(newsdesk.EUNPROCESSABLE, err,
				"The address is a web page whose feed, %s, is already followed by another source.", f.url)
		}
		return nil, nil, err
	}
	s.cfg.Logger.Info("followed the feed a source's page names", "source", src.ID, "feed", src.FeedURL)
	return f.resp, f.feed, nil
}
