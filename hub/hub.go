// Package hub is newsdesk's WebSub hub for its own feeds (W3C WebSub,
// 2018). A feed reader, or any program, asks it at /hub to follow the
// site's feed or a tag's; the hub checks the request, answers 202, and
// confirms with the follower's callback that it asked (intent
// verification). From then on, whenever a post in that feed is published
// or changes, the hub POSTs the whole feed to the callback, signed with
// the follower's secret (X-Hub-Signature), until the lease it granted
// ends. It also tells the other hubs the operator names that the feeds
// changed (hub.mode=publish), for the followers those hubs have.
//
// The work after a request (verifying, delivering, retrying, telling
// other hubs, forgetting lapsed followers) runs as jobs on the queue
// (jobs/hub.go), which call back into the Hub. Every request the hub
// sends goes to an address a stranger chose, so it goes through
// ingest.Fetcher.Send: never to a private address unless --allow-private
// names it.
package hub

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
)

// Default limits on followers.
const (
	// DefaultMaxFollowersPerHost bounds the callbacks at one host name,
	// so that one party cannot make the hub send to it without end.
	DefaultMaxFollowersPerHost = 100
	// DefaultMaxFollowers bounds all followers, so that the work one
	// post makes is bounded whatever strangers ask.
	DefaultMaxFollowers = 10_000
)

// Config is what a Hub uses.
type Config struct {
	Followers newsdesk.FeedFollowerService
	// Fetcher sends every request of the hub's, within its limits and
	// its refusal of private addresses.
	Fetcher *ingest.Fetcher
	// Feeds is the public site's handler. A topic is an address at which
	// it serves a feed that names that very address as its rel="self";
	// the hub gets the feeds it delivers from it, in process.
	Feeds http.Handler
	// FeedPaths returns the paths of the feeds a published post appears
	// in (site.FeedPaths).
	FeedPaths func(*newsdesk.Post) []string
	// PublicURL is the site's address as readers reach it (--public-url):
	// every topic is under it, and the hub is at PublicURL/hub.
	PublicURL string
	// Others are other hubs to tell of every change of a feed, with
	// hub.mode=publish and hub.url=<the feed>; the site's feeds name
	// them after newsdesk's own (PublicURL + Path).
	Others []string
	// Leases bound the leases the hub grants; zero fields take the
	// defaults.
	Leases Leases
	// MaxFollowersPerHost and MaxFollowers bound new followers;
	// DefaultMaxFollowersPerHost and DefaultMaxFollowers when zero.
	MaxFollowersPerHost int
	MaxFollowers        int
	// Logger receives what happened to requests and deliveries; nil
	// discards it.
	Logger *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// Queue is where the hub leaves the work a request or a change of post
// makes; *jobs.Queue is one.
type Queue interface {
	// EnqueueFollowRequest queues the verification of a request's intent
	// with its callback (Hub.Verify).
	EnqueueFollowRequest(ctx context.Context, r newsdesk.FollowRequest) error
	// EnqueueDistribution queues the delivery of each topic to its
	// followers (Hub.Distribute).
	EnqueueDistribution(ctx context.Context, topics []string) error
	// EnqueuePings queues telling another hub that the topics changed
	// (Hub.Ping).
	EnqueuePings(ctx context.Context, hub string, topics []string) error
}

// Hub is newsdesk's WebSub hub. Its methods are safe for concurrent use.
type Hub struct {
	cfg Config
}

// New returns a Hub.
func New(cfg Config) *Hub {
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	cfg.Leases = cfg.Leases.withDefaults()
	if cfg.MaxFollowersPerHost <= 0 {
		cfg.MaxFollowersPerHost = DefaultMaxFollowersPerHost
	}
	if cfg.MaxFollowers <= 0 {
		cfg.MaxFollowers = DefaultMaxFollowers
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Hub{cfg: cfg}
}

// Path is where the hub is served, under the site's public address.
const Path = "/hub"

// URL is the hub's own address, PublicURL/hub.
func (h *Hub) URL() string { return h.cfg.PublicURL + Path }

// Hubs returns the hubs the site's feeds name: newsdesk's own, then the
// others it tells of changes. A nil Hub (the hub is off) has none.
func (h *Hub) Hubs() []string {
	if h == nil {
		return nil
	}
	return append([]string{h.URL()}, h.cfg.Others...)
}

func (h *Hub) now() time.Time { return h.cfg.Now().UTC() }

// Accept takes a subscription request's form: it checks the request as
// ParseRequest does, refuses a callback at a private address, a topic at
// which the site serves no feed (to subscribe), and a new follower beyond
// the limits, and queues the verification of the request's intent. The
// follower is subscribed or unsubscribed only once its callback
// confirms. It returns EINVALID or ECONFLICT, in words for the
// follower's developer, for a request it refuses.
func (h *Hub) Accept(ctx context.Context, form url.Values, q Queue) error {
	req, err := ParseRequest(form, h.cfg.PublicURL, h.cfg.Leases)
	if err != nil {
		return err
	}
	cb, err := url.Parse(req.Callback)
	if err != nil {
		return invalid("hub.callback %q is not a web address.", clip(req.Callback))
	}
	if err := h.cfg.Fetcher.CheckAddress(cb); err != nil {
		return newsdesk.WrapError(newsdesk.EINVALID, err, "hub.callback: %s", newsdesk.ErrorMessage(err))
	}
	if req.Mode == modeSubscribe {
		if _, _, err := h.render(ctx, req.Topic); newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
			return newsdesk.WrapError(newsdesk.EINVALID, err, "hub.topic %q is not one of this site's feeds.", clip(req.Topic))
		} else if err != nil {
			return err
		}
		if err := h.checkRoom(ctx, req); err != nil {
			return err
		}
	}
	if err := q.EnqueueFollowRequest(ctx, req); err != nil {
		return fmt.Errorf("hub: queue the verification of %s: %w", req.Callback, err)
	}
	h.cfg.Logger.Info("hub: request accepted", "mode", req.Mode, "topic", req.Topic, "callback_host", cb.Host)
	return nil
}

// checkRoom refuses a new follower beyond the limits; a renewal is
// always let through.
func (h *Hub) checkRoom(ctx context.Context, req newsdesk.FollowRequest) error {
	_, err := h.cfg.Followers.FindFeedFollower(ctx, req.Topic, req.Callback)
	if err == nil {
		return nil
	}
	if newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		return err
	}
	host := newsdesk.CallbackHost(req.Callback)
	atHost, total, err := h.cfg.Followers.CountFeedFollowers(ctx, host)
	switch {
	case err != nil:
		return err
	case atHost >= h.cfg.MaxFollowersPerHost:
		return newsdesk.Errorf(newsdesk.ECONFLICT, "This hub already sends to %d callbacks at %s, as many as it sends to one host.", atHost, host)
	case total >= h.cfg.MaxFollowers:
		return newsdesk.Errorf(newsdesk.ECONFLICT, "This hub already has as many followers as it takes (%d).", total)
	}
	return nil
}

// maxEcho is how much of a callback's answer to a verification is read:
// the challenge, and a little more to tell an answer that only starts
// with it.
const maxEcho = 1024

// Verify asks a request's callback whether it wants what the request
// says (WebSub's intent verification): a GET with hub.mode, hub.topic, a
// new random hub.challenge and, to subscribe, hub.lease_seconds,
// appended to the callback's own query. Only a 2xx answer whose body is
// exactly the challenge confirms; then the follower is stored, with a
// lease from the moment of asking, or removed. Anything else leaves what
// was stored before unchanged, as WebSub asks. It returns an error, for
// the queue to try again, only when the callback could not be reached
// or failed on its side (5xx), or newsdesk could not store the outcome.
func (h *Hub) Verify(ctx context.Context, req newsdesk.FollowRequest) error {
	challenge := rand.Text()
	q := url.Values{"hub.mode": {req.Mode}, "hub.topic": {req.Topic}, "hub.challenge": {challenge}}
	if req.Mode == modeSubscribe {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(req.Lease/time.Second), 10))
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, withQuery(req.Callback, q.Encode()), nil)
	if err != nil {
		h.cfg.Logger.Info("hub: not verified: the callback is not a web address", "callback", clip(req.Callback))
		return nil
	}
	log := h.cfg.Logger.With("mode", req.Mode, "topic", req.Topic, "callback_host", httpReq.URL.Host)
	asked := h.now()
	status, body, err := h.cfg.Fetcher.Send(ctx, httpReq, maxEcho)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case newsdesk.ErrorCode(err) == newsdesk.EUNAVAILABLE:
		log.Info("hub: not verified: the callback could not be reached; trying again", "err", err)
		return fmt.Errorf("hub: verify %s: %w", httpReq.URL.Host, err)
	case err != nil:
		log.Info("hub: not verified", "err", err)
		return nil
	case status >= 500:
		log.Info("hub: not verified: the callback failed; trying again", "status", status)
		return fmt.Errorf("hub: verify %s: the callback answered %d", httpReq.URL.Host, status)
	case status < 200 || status > 299:
		log.Info("hub: the callback did not confirm", "status", status)
		return nil
	case string(body) != challenge:
		log.Info("hub: the callback did not echo the challenge")
		return nil
	}
	if req.Mode == modeUnsubscribe {
		f, err := h.cfg.Followers.FindFeedFollower(ctx, req.Topic, req.Callback)
		if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
			log.Info("hub: unsubscribed a callback that did not follow the feed")
			return nil
		}
		if err == nil {
			err = h.cfg.Followers.DeleteFeedFollower(ctx, f.ID)
		}
		if err != nil && newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			return fmt.Errorf("hub: unsubscribe: %w", err)
		}
		log.Info("hub: unsubscribed")
		return nil
	}
	f := &newsdesk.FeedFollower{Topic: req.Topic, Callback: req.Callback, Secret: req.Secret,
		Lease: req.Lease, ExpiresAt: asked.Add(req.Lease)}
	if err := h.cfg.Followers.SaveFeedFollower(ctx, f); err != nil {
		return fmt.Errorf("hub: subscribe: %w", err)
	}
	log.Info("hub: subscribed", "follower", f.ID, "lease", req.Lease, "signed", f.Secret != "")
	return nil
}

// withQuery appends query to a callback's own query string, keeping
// every parameter of the callback's, as WebSub asks.
func withQuery(callback, query string) string {
	switch {
	case !strings.Contains(callback, "?"):
		return callback + "?" + query
	case strings.HasSuffix(callback, "?") || strings.HasSuffix(callback, "&"):
		return callback + query
	default:
		return callback + "&" + query
	}
}

// PostChanged queues the delivery of every feed the post was in before
// the change or is in after it, published, to their followers, and the
// notice of their change to the other hubs. before is nil for a new
// post; a post that is not published, before and after, is in no feed.
// It is the one door for every way a post is written (see Watch).
func (h *Hub) PostChanged(ctx context.Context, q Queue, before, after *newsdesk.Post) error {
	var topics []string
	seen := map[string]bool{}
	for _, p := range []*newsdesk.Post{before, after} {
		if p == nil || p.Status != newsdesk.PostPublished {
			continue
		}
		for _, path := range h.cfg.FeedPaths(p) {
			if t := h.cfg.PublicURL + path; !seen[t] {
				seen[t] = true
				topics = append(topics, t)
			}
		}
	}
	if len(topics) == 0 {
		return nil
	}
	if err := q.EnqueueDistribution(ctx, topics); err != nil {
		return fmt.Errorf("hub: queue the delivery of %d feeds: %w", len(topics), err)
	}
	for _, other := range h.cfg.Others {
		if err := q.EnqueuePings(ctx, other, topics); err != nil {
			return fmt.Errorf("hub: queue notices to %s: %w", other, err)
		}
	}
	return nil
}

// Watch returns posts with every post it creates or updates reported to
// PostChanged, for the desk and the API: the hub hears of every post
// written through them, whichever surface wrote it. A failure to queue
// the deliveries is logged, never the writer's: the post is saved.
func (h *Hub) Watch(posts newsdesk.PostService, q Queue) newsdesk.PostService {
	return watched{PostService: posts, hub: h, queue: q}
}

type watched struct {
	newsdesk.PostService
	hub   *Hub
	queue Queue
}

func (w watched) CreatePost(ctx context.Context, p *newsdesk.Post) error {
	if err := w.PostService.CreatePost(ctx, p); err != nil {
		return err
	}
	w.changed(ctx, nil, p)
	return nil
}

func (w watched) UpdatePost(ctx context.Context, p *newsdesk.Post) error {
	// The post as stored, for the feeds it leaves: a tag taken off, or
	// the post put back to draft.
	before, err := w.PostService.FindPostByID(ctx, p.ID)
	if err != nil {
		before = nil
	}
	if err := w.PostService.UpdatePost(ctx, p); err != nil {
		return err
	}
	w.changed(ctx, before, p)
	return nil
}

func (w watched) changed(ctx context.Context, before, after *newsdesk.Post) {
	if err := w.hub.PostChanged(context.WithoutCancel(ctx), w.queue, before, after); err != nil {
		w.hub.cfg.Logger.Error("hub: followers will not hear of a post", "post", after.ID, "err", err)
	}
}
