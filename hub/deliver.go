package hub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
)

// deliverAtOnce is how many followers of one feed are sent it at once.
// The Fetcher's turns per host keep this polite to each host.
const deliverAtOnce = 8

// maxFeedBytes bounds a feed the hub renders: far above any of the
// site's, which carry its latest posts.
const maxFeedBytes = ingest.DefaultMaxBodyBytes

// outcome is what became of one delivery.
type outcome int

const (
	delivered outcome = iota
	gone              // the callback answered 410 Gone: the follower is removed
	failed            // to be tried again
)

// Distribute sends a topic's feed, as the site serves it now, to each
// follower whose lease runs, and returns the followers it could not
// reach, to be tried again (Redeliver). A follower that answers 410 Gone
// is removed. A topic at which the site no longer serves a feed (a tag's
// last post unpublished) is sent to nobody; its followers stay until
// their leases end. It returns an error, for the queue to try the whole
// topic again, only when newsdesk failed on its own side.
func (h *Hub) Distribute(ctx context.Context, topic string) (retry []int64, err error) {
	followers, err := h.cfg.Followers.FindFeedFollowers(ctx, topic, h.now())
	if err != nil || len(followers) == 0 {
		return nil, err
	}
	body, contentType, err := h.render(ctx, topic)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		h.cfg.Logger.Info("hub: the site serves no feed at the topic; nothing sent", "topic", topic)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	turns := make(chan struct{}, deliverAtOnce)
	for _, f := range followers {
		wg.Go(func() {
			turns <- struct{}{}
			defer func() { <-turns }()
			if h.deliver(ctx, f, body, contentType) == failed {
				mu.Lock()
				retry = append(retry, f.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	h.cfg.Logger.Info("hub: feed distributed", "topic", topic, "followers", len(followers), "to_retry", len(retry))
	return retry, ctx.Err()
}

// Redeliver tries again to send a follower the feed of topic that it
// could not be sent, as the feed is now. It returns an error, for the
// queue to try again later, while the follower cannot be reached;
// nothing when the follower is gone or its lease has ended.
func (h *Hub) Redeliver(ctx context.Context, followerID int64, topic string) error {
	f, err := h.cfg.Followers.FindFeedFollowerByID(ctx, followerID)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if f.Topic != topic || !f.ExpiresAt.After(h.now()) {
		return nil
	}
	body, contentType, err := h.render(ctx, topic)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if h.deliver(ctx, f, body, contentType) == failed {
		return fmt.Errorf("hub: deliver %s to follower %d: not received", topic, f.ID)
	}
	return nil
}

// deliver POSTs a feed to a follower's callback, exactly as the follower
// gave it, with the feed's content type, Link headers naming the hub and
// the topic (rel="hub", rel="self"), and, when the follower gave a
// secret, X-Hub-Signature: sha256=<HMAC-SHA256 of the body>. Any 2xx is
// received; 410 Gone removes the follower; anything else is a failure.
func (h *Hub) deliver(ctx context.Context, f *newsdesk.FeedFollower, body []byte, contentType string) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.Callback, bytes.NewReader(body))
	if err != nil {
		h.cfg.Logger.Warn("hub: a follower's callback is not a web address", "follower", f.ID, "err", err)
		return delivered // sending again would not help
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Link", fmt.Sprintf(`<%s>; rel="hub", <%s>; rel="self"`, h.URL(), f.Topic))
	if f.Secret != "" {
		req.Header.Set("X-Hub-Signature", Sign(f.Secret, body))
	}
	log := h.cfg.Logger.With("follower", f.ID, "topic", f.Topic, "callback_host", req.URL.Host)
	status, _, err := h.cfg.Fetcher.Send(ctx, req, 0)
	switch {
	case err != nil:
		log.Info("hub: delivery failed", "err", err)
		return failed
	case status == http.StatusGone:
		if err := h.cfg.Followers.DeleteFeedFollower(ctx, f.ID); err != nil && newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			log.Warn("hub: remove a follower that is gone", "err", err)
			return delivered // the next delivery's 410 removes it
		}
		log.Info("hub: the follower is gone (410); removed")
		return gone
	case status < 200 || status > 299:
		log.Info("hub: delivery refused", "status", status)
		return failed
	}
	return delivered
}

// Sign returns the X-Hub-Signature of body for secret, as the hub sends
// it: sha256=<hex of HMAC-SHA256(secret, body)>. WebSub allows SHA-1,
// which it calls broken; SHA-256 is what it asks for at least.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Ping tells another hub that a topic changed, as most public hubs take
// it: a POST of hub.mode=publish and hub.url=<topic>. The other hub then
// fetches the feed and sends it to its own followers. It returns an
// error, for the queue to try again, when the hub does not accept.
func (h *Hub) Ping(ctx context.Context, other, topic string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, other, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("hub: tell %s: %w", other, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, _, err := h.cfg.Fetcher.Send(ctx, req, 0)
	switch {
	case err != nil:
		return fmt.Errorf("hub: tell %s of %s: %w", req.URL.Host, topic, err)
	case status < 200 || status > 299:
		return fmt.Errorf("hub: tell %s of %s: it answered %d %s", req.URL.Host, topic, status, http.StatusText(status))
	}
	return nil
}

// Expire removes the followers whose lease has ended, and returns how
// many. WebSub asks hubs to enforce leases: one that is not renewed ends.
func (h *Hub) Expire(ctx context.Context) (int, error) {
	n, err := h.cfg.Followers.DeleteExpiredFeedFollowers(ctx, h.now())
	if err != nil {
		return 0, err
	}
	if n > 0 {
		h.cfg.Logger.Info("hub: leases ended", "followers", n)
	}
	return n, nil
}

// render gets a topic's feed from the site, in process, as a reader
// would GET it: its body and content type. It returns ENOTFOUND when the
// site serves no feed there that names the topic as its own
// (rel="self"), and another error when the site failed.
func (h *Hub) render(ctx context.Context, topic string) ([]byte, string, error) {
	notFeed := newsdesk.Errorf(newsdesk.ENOTFOUND, "The site serves no feed at %s.", topic)
	u, err := url.Parse(topic)
	if err != nil || !strings.HasPrefix(topic, h.cfg.PublicURL+"/") {
		return nil, "", notFeed
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, topic, nil)
	if err != nil {
		return nil, "", notFeed
	}
	rec := &recorder{header: http.Header{}, limit: maxFeedBytes}
	h.cfg.Feeds.ServeHTTP(rec, req)
	switch {
	case rec.status == http.StatusNotFound || rec.status == http.StatusGone ||
		rec.status >= 300 && rec.status < 400:
		return nil, "", notFeed
	case rec.status != http.StatusOK:
		return nil, "", fmt.Errorf("hub: the site answered %d for %s", rec.status, topic)
	case rec.tooLarge:
		return nil, "", fmt.Errorf("hub: the feed at %s is larger than %d bytes", topic, maxFeedBytes)
	}
	contentType := rec.header.Get("Content-Type")
	if !isFeedType(contentType) {
		return nil, "", notFeed
	}
	body := rec.body.Bytes()
	if _, self := ingest.DiscoverHub(body, u); self != topic {
		return nil, "", notFeed
	}
	return body, contentType, nil
}

// isFeedType reports whether a content type is one feeds are served as.
func isFeedType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/atom+xml", "application/rss+xml", "application/feed+json",
		"application/json", "application/xml", "text/xml":
		return true
	}
	return false
}

// recorder keeps what the site writes for one request.
type recorder struct {
	header   http.Header
	status   int
	body     bytes.Buffer
	limit    int64
	tooLarge bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if int64(r.body.Len()+len(b)) > r.limit {
		r.tooLarge = true
		return 0, fmt.Errorf("feed larger than %d bytes", r.limit)
	}
	return r.body.Write(b)
}
