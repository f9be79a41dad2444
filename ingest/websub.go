package ingest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
)

// WebSub (the W3C recommendation, formerly PubSubHubbub) lets a feed's hub
// push new items to newsdesk the moment they are published. When a poll
// finds that a feed names a hub, newsdesk subscribes at it with a callback
// URL of its own; while the hub keeps the subscription, the source is
// polled only rarely, and whenever the hub fails the source goes back to
// ordinary polling.

// Defaults for WebSubConfig.
const (
	DefaultLease         = 7 * 24 * time.Hour
	DefaultVerifyTimeout = time.Hour
	DefaultRetryAfter    = 12 * time.Hour
	// renewAt is how far into its lease a subscription is renewed.
	renewAt = 0.8
	// maxLease bounds the lease a hub may grant, so renewal times stay
	// sane whatever a hub says.
	maxLease = 365 * 24 * time.Hour
)

// WebSubConfig is what a WebSub uses.
type WebSubConfig struct {
	Leases newsdesk.WebSubLeaseService
	// PublicURL is the base URL at which hubs reach this newsdesk from
	// outside; callbacks are PublicURL/websub/<source id>/<token>.
	PublicURL *url.URL
	// Lease is the subscription length asked of hubs; they may grant
	// another.
	Lease time.Duration
	// VerifyTimeout is how long a hub has to confirm a request before
	// newsdesk gives up on it and polls the source as usual.
	VerifyTimeout time.Duration
	// RetryAfter is how long after a hub failed newsdesk asks it again.
	RetryAfter time.Duration
}

// WebSub subscribes sources at the hubs their feeds name, answers the
// hubs' callbacks, and stores what they push through the Service's own
// storing path. Its methods are safe for concurrent use.
type WebSub struct {
	cfg WebSubConfig
	svc *Service
}

// NewWebSub returns the WebSub subscriber for svc and installs it there,
// so svc's polls subscribe to the hubs they find. Call it before svc is
// used. Hub requests go through svc's Fetcher, within its limits and its
// refusal of private addresses.
func NewWebSub(svc *Service, cfg WebSubConfig) *WebSub {
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.VerifyTimeout <= 0 {
		cfg.VerifyTimeout = DefaultVerifyTimeout
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	w := &WebSub{cfg: cfg, svc: svc}
	svc.ws = w
	return w
}

func (w *WebSub) now() time.Time    { return w.svc.cfg.Now().UTC() }
func (w *WebSub) log() *slog.Logger { return w.svc.cfg.Logger }

// DiscoverHub returns the WebSub hub a feed names and its topic, the
// feed's own URL, both resolved against base: <link rel="hub"> and
// <link rel="self"> in Atom (or atom:link in RSS), "hubs" and "feed_url"
// in JSON Feed. A feed that names a hub but not itself has base as its
// topic. hub is empty when the feed names none.
func DiscoverHub(body []byte, base *url.URL) (hub, topic string) {
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		hub, topic = jsonFeedHub(trimmed)
	} else {
		hub, topic = xmlFeedHub(body)
	}
	hub, topic = resolve(base, hub), resolve(base, topic)
	if hub == "" {
		return "", ""
	}
	if topic == "" && base != nil {
		topic = resolve(nil, base.String())
	}
	if topic == "" {
		return "", ""
	}
	return hub, topic
}

func jsonFeedHub(body []byte) (hub, topic string) {
	var f struct {
		FeedURL string `json:"feed_url"`
		Hubs    []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"hubs"`
	}
	if json.Unmarshal(body, &f) != nil {
		return "", ""
	}
	for _, h := range f.Hubs {
		switch strings.ToLower(h.Type) {
		case "websub", "pubsubhubbub", "":
			return h.URL, f.FeedURL
		}
	}
	return "", ""
}

// xmlFeedHub reads the links of an RSS or Atom feed's head, stopping at
// the first item: hubs are named there, and the rest of the feed need not
// be read twice.
func xmlFeedHub(body []byte) (hub, topic string) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	for range 10000 {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(el.Name.Local) {
		case "item", "entry":
			return hub, topic
		case "link":
			var rel, href string
			for _, a := range el.Attr {
				switch strings.ToLower(a.Name.Local) {
				case "rel":
					rel = a.Value
				case "href":
					href = a.Value
				}
			}
			for _, r := range strings.Fields(strings.ToLower(rel)) {
				switch {
				case r == "hub" && hub == "":
					hub = href
				case r == "self" && topic == "":
					topic = href
				}
			}
		}
	}
	return hub, topic
}

// webSub records that a source is to be subscribed at the hub its fetched
// feed names, if newsdesk should (the upkeep job sends the request), and,
// when r is set (a poll), stretches the time to the next poll of a source
// the hub pushes to and adds the subscription's note to the poll's. resp
// is nil for a feed that has not changed.
func (s *Service) webSub(ctx context.Context, src *newsdesk.Source, resp *Response, r *newsdesk.PollResult) {
	w := s.ws
	if w == nil {
		return
	}
	sub, err := w.cfg.Leases.FindLease(ctx, src.ID)
	if err != nil {
		if newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
			w.log().Warn("websub: load subscription", "source", src.ID, "err", err)
			return
		}
		sub = nil
	}
	now := w.now()
	if resp != nil {
		hub, topic := DiscoverHub(resp.Body, resp.URL)
		switch {
		case hub != "" && w.wants(sub, hub, topic, now):
			sub = w.want(ctx, src.ID, hub, topic)
		case hub == "" && sub != nil && sub.State == newsdesk.LeaseFailed:
			// The feed no longer names a hub: there is nothing to try
			// again, and nothing left to say about it.
			if err := w.forget(ctx, src.ID); err != nil {
				w.log().Warn("websub: forget subscription", "source", src.ID, "err", err)
			} else {
				sub = nil
			}
		}
	}
	if r == nil || sub == nil {
		return
	}
	if sub.State == newsdesk.LeaseActive {
		// The hub pushes new items; a rare poll still catches what a hub
		// drops without saying so.
		r.NextAt = later(r.NextAt, now.Add(s.cfg.MaxInterval))
	}
	r.Note = newsdesk.ReplaceNote(r.Note, "", sub.Note)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// wants reports whether a source whose feed names hub and topic should
// be subscribed there now, given its current subscription.
func (w *WebSub) wants(sub *newsdesk.WebSubLease, hub, topic string, now time.Time) bool {
	switch {
	case sub == nil:
		return true
	case sub.State == newsdesk.LeaseUnsubscribing:
		return false
	case sub.Hub != hub || sub.Topic != topic:
		return true // the feed moved to another hub
	case sub.State == newsdesk.LeaseFailed:
		return sub.RenewAt == nil || !now.Before(*sub.RenewAt)
	}
	return false
}

// want records that a source is to be subscribed to topic at hub, with a
// new callback token and secret, and returns the pending subscription.
// The request itself goes out from Subscribe, after the poll that found
// the hub has recorded its outcome: were the hub to confirm before that,
// the poll would write over what the confirmation put on the source.
func (w *WebSub) want(ctx context.Context, sourceID int64, hub, topic string) *newsdesk.WebSubLease {
	now := w.now()
	sub := &newsdesk.WebSubLease{
		SourceID: sourceID, Hub: hub, Topic: topic,
		// 128 random bits each; the secret is twice that, well under the
		// 200 bytes the recommendation allows.
		Token:   rand.Text(),
		Secret:  rand.Text() + rand.Text(),
		State:   newsdesk.LeasePending,
		RenewAt: &now,
		Note:    fmt.Sprintf("WebSub: subscribing via %s.", hubHost(hub)),
	}
	if err := w.cfg.Leases.SaveLease(ctx, sub, time.Time{}); err != nil {
		w.log().Warn("websub: save subscription", "source", sourceID, "err", err)
	}
	return sub
}

// Subscribe sends the subscribe request a source's subscription is due
// for: the first one, or the renewal of an active lease. The subscription
// stays pending (or active, for a renewal) until the hub confirms; a hub
// that refuses fails it. It does nothing for a subscription that is not
// due, or whose request the hub has yet to confirm.
func (w *WebSub) Subscribe(ctx context.Context, sourceID int64) error {
	sub, err := w.cfg.Leases.FindLease(ctx, sourceID)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	now := w.now()
	due := sub.State == newsdesk.LeasePending ||
		sub.State == newsdesk.LeaseActive && sub.RenewAt != nil && !now.Before(*sub.RenewAt)
	if !due || sub.RequestedAt != nil || sub.SourceRemoved {
		return nil
	}
	sub.RequestedAt, sub.LastError = &now, ""
	// Stored before the request: a hub may verify before it answers.
	if err := w.cfg.Leases.SaveLease(ctx, sub, time.Time{}); err != nil {
		return err
	}
	if err := w.request(ctx, "subscribe", sub); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down; the verification deadline settles it
		}
		w.fail(ctx, sub, err.Error())
		return nil
	}
	w.log().Info("websub: subscription requested", "source", sourceID, "hub", sub.Hub, "topic", sub.Topic)
	return nil
}

// request sends a subscribe or unsubscribe request to the subscription's
// hub, returning an error that says, in words fit for users, why the hub
// did not accept it.
func (w *WebSub) request(ctx context.Context, mode string, sub *newsdesk.WebSubLease) error {
	hub, err := url.Parse(sub.Hub)
	if err != nil || (hub.Scheme != "http" && hub.Scheme != "https") || hub.Host == "" {
		return fmt.Errorf("the hub address %q is not a web address", sub.Hub)
	}
	form := url.Values{
		"hub.mode":     {mode},
		"hub.topic":    {sub.Topic},
		"hub.callback": {w.callbackURL(sub)},
	}
	if mode == "subscribe" {
		form.Set("hub.secret", sub.Secret)
		form.Set("hub.lease_seconds", strconv.FormatInt(int64(w.cfg.Lease/time.Second), 10))
	}
	status, err := w.svc.cfg.Fetcher.postForm(ctx, hub, form)
	if err != nil {
		return errors.New(strings.TrimSuffix(newsdesk.ErrorMessage(err), "."))
	}
	if status < 200 || status > 299 {
		return fmt.Errorf("%s refused the %s request (HTTP %d %s)", hub.Host, mode, status, http.StatusText(status))
	}
	return nil
}

// callbackURL is where the hub reaches newsdesk for this subscription.
func (w *WebSub) callbackURL(sub *newsdesk.WebSubLease) string {
	u := *w.cfg.PublicURL
	u.Path = strings.TrimSuffix(u.Path, "/") + fmt.Sprintf("/websub/%d/%s", sub.SourceID, sub.Token)
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String()
}

// fail records that the hub failed the subscription, which sends the
// source back to ordinary polling, at once; newsdesk asks the hub again
// after RetryAfter, at a poll that still finds it in the feed.
func (w *WebSub) fail(ctx context.Context, sub *newsdesk.WebSubLease, reason string) {
	now := w.now()
	retry := now.Add(w.cfg.RetryAfter)
	sub.State, sub.RequestedAt, sub.RenewAt, sub.LastError = newsdesk.LeaseFailed, nil, &retry, reason
	sub.Note = fmt.Sprintf("WebSub hub failed: %s; polling.", reason)
	w.log().Warn("websub: hub failed; polling the source", "source", sub.SourceID, "hub", sub.Hub, "reason", reason)
	if err := w.cfg.Leases.SaveLease(ctx, sub, now); err != nil {
		w.log().Warn("websub: save subscription", "source", sub.SourceID, "err", err)
	}
}

// Unsubscribe tells the hub of a removed source's subscription that
// newsdesk no longer wants it, and forgets the subscription once the hub
// confirms, or at once if the hub cannot be told: it is best effort, the
// lease ends anyway.
func (w *WebSub) Unsubscribe(ctx context.Context, sourceID int64) error {
	sub, err := w.cfg.Leases.FindLease(ctx, sourceID)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !sub.SourceRemoved {
		return nil
	}
	now := w.now()
	sub.State, sub.RequestedAt = newsdesk.LeaseUnsubscribing, &now
	if err := w.cfg.Leases.SaveLease(ctx, sub, time.Time{}); err != nil {
		return err
	}
	if err := w.request(ctx, "unsubscribe", sub); err != nil {
		w.log().Info("websub: could not unsubscribe; forgetting the subscription", "source", sourceID, "hub", sub.Hub, "reason", err)
		return w.forget(ctx, sourceID)
	}
	return nil
}

func (w *WebSub) forget(ctx context.Context, sourceID int64) error {
	err := w.cfg.Leases.DeleteLease(ctx, sourceID)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil
	}
	return err
}

// Maintain looks over every subscription: it fails those whose hub has
// not confirmed within VerifyTimeout or whose lease has lapsed (sending
// their sources back to ordinary polling), forgets removed sources'
// subscriptions whose hub never confirmed the unsubscription, and returns
// the sources due for a subscribe request (a first one, or a renewal at
// 80% of the lease) and the removed sources whose subscription is to be
// cancelled at the hub.
func (w *WebSub) Maintain(ctx context.Context) (subscribe, unsubscribe []int64, err error) {
	subs, err := w.cfg.Leases.FindLeases(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := w.now()
	overdue := func(s *newsdesk.WebSubLease) bool {
		return s.RequestedAt != nil && now.Sub(*s.RequestedAt) >= w.cfg.VerifyTimeout
	}
	for _, s := range subs {
		switch {
		case s.SourceRemoved && s.State != newsdesk.LeaseUnsubscribing:
			unsubscribe = append(unsubscribe, s.SourceID)
		case s.SourceRemoved:
			if s.RequestedAt == nil || overdue(s) {
				if err := w.forget(ctx, s.SourceID); err != nil {
					return subscribe, unsubscribe, err
				}
			}
		case s.State == newsdesk.LeaseFailed:
		case overdue(s):
			w.fail(ctx, s, fmt.Sprintf("%s did not confirm the subscription within %s", hubHost(s.Hub), roundedDuration(w.cfg.VerifyTimeout)))
		case s.State == newsdesk.LeaseActive && s.ExpiresAt != nil && !now.Before(*s.ExpiresAt):
			w.fail(ctx, s, fmt.Sprintf("the lease at %s ended %s without renewal", hubHost(s.Hub), noteTime(*s.ExpiresAt)))
		case s.RequestedAt != nil:
		case s.State == newsdesk.LeasePending,
			s.State == newsdesk.LeaseActive && s.RenewAt != nil && !now.Before(*s.RenewAt):
			subscribe = append(subscribe, s.SourceID)
		}
	}
	return subscribe, unsubscribe, nil
}

// postForm POSTs a form to u through the Fetcher's client, within its
// limits and address checks, and returns the status. A failure to reach u
// is coded as Fetch codes it.
func (f *Fetcher) postForm(ctx context.Context, u *url.URL, form url.Values) (int, error) {
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, u.Hostname())
		if err != nil {
			return 0, unreachable(u, err)
		}
		defer release()
	}
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return 0, newsdesk.WrapError(newsdesk.EINVALID, err, "%q is not a valid web address.", u)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", f.UserAgent)
	resp, err := f.Client.Do(req)
	if err != nil {
		return 0, f.failure(ctx, u, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
	return resp.StatusCode, nil
}

func hubHost(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// noteTime writes a time for a source's note.
func noteTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// roundedDuration writes a duration for a source's note: "1 hour",
// "90 minutes", "30 seconds".
func roundedDuration(d time.Duration) string {
	n, unit := int64(d/time.Second), "second"
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d >= time.Minute:
		n, unit = int64(d.Round(time.Minute)/time.Minute), "minute"
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
