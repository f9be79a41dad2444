package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdesk/newsdesk"
)

// Config is what a Service uses.
type Config struct {
	Sources newsdesk.SourceService
	Items   newsdesk.ItemService
	Fetcher *Fetcher // nil for NewFetcher()
	// Interval is the time between polls of a healthy source.
	Interval time.Duration
	// MaxBackoff caps the time between polls of a failing source.
	MaxBackoff time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// Service reads feeds into sources and items. It implements
// newsdesk.FeedService.
type Service struct {
	cfg Config
}

var _ newsdesk.FeedService = (*Service)(nil)

// New returns a Service, filling in defaults for what cfg leaves out.
func New(cfg Config) *Service {
	if cfg.Fetcher == nil {
		cfg.Fetcher = NewFetcher()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Minute
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}
}

// AddFeed fetches and parses the feed at rawURL, then follows it and stores
// its items. Nothing is stored if the feed cannot be read.
func (s *Service) AddFeed(ctx context.Context, rawURL string) (*newsdesk.Source, error) {
	u, err := ParseFeedURL(rawURL)
	if err != nil {
		return nil, err
	}
	feed, err := s.read(ctx, u.String())
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	src := &newsdesk.Source{
		Name:         feed.Title,
		FeedURL:      u.String(),
		SiteURL:      feed.SiteURL,
		Status:       newsdesk.SourceOK,
		LastPolledAt: &now,
		NextPollAt:   now.Add(s.cfg.Interval),
	}
	if src.Name == "" {
		src.Name = u.Hostname()
	}
	if err := s.cfg.Sources.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	if _, err := s.cfg.Items.SaveItems(ctx, src.ID, feed.Items); err != nil {
		return src, fmt.Errorf("store items of new source %d: %w", src.ID, err)
	}
	return src, nil
}

// PollSource fetches a source's feed and stores its new items, recording
// the outcome (and the time of the next poll) on the source.
func (s *Service) PollSource(ctx context.Context, id int64) (int, error) {
	src, err := s.cfg.Sources.FindSourceByID(ctx, id)
	if err != nil {
		return 0, err
	}
	feed, err := s.read(ctx, src.FeedURL)
	if err == nil {
		var added int
		added, err = s.cfg.Items.SaveItems(ctx, src.ID, feed.Items)
		if err == nil {
			now := s.cfg.Now()
			return added, s.cfg.Sources.RecordPoll(ctx, id, newsdesk.PollResult{
				At: now, Name: feed.Title, SiteURL: feed.SiteURL, NextAt: now.Add(s.cfg.Interval),
			})
		}
	}
	if ctx.Err() != nil {
		return 0, err // shutting down: this says nothing about the source
	}
	now := s.cfg.Now()
	s.cfg.Logger.Warn("poll failed", "source", id, "feed", src.FeedURL, "err", err)
	if rerr := s.cfg.Sources.RecordPoll(ctx, id, newsdesk.PollResult{
		At: now, Err: err, NextAt: now.Add(s.backoff(src.ErrorCount + 1)),
	}); rerr != nil {
		return 0, fmt.Errorf("record failed poll of source %d: %w (poll: %v)", id, rerr, err)
	}
	return 0, err
}

// backoff doubles the interval with each consecutive failure, up to the cap.
func (s *Service) backoff(failures int) time.Duration {
	d := s.cfg.Interval
	for i := 1; i < failures && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxBackoff)
}

// read fetches and parses one feed.
func (s *Service) read(ctx context.Context, feedURL string) (*Feed, error) {
	u, err := ParseFeedURL(feedURL)
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.Fetcher.Fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	return Parse(resp.Body, resp.URL)
}
