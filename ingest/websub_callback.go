package ingest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsdesk/newsdesk"
)

// Intent is a hub's intent verification request, or its notice that it
// denied a subscription.
type Intent struct {
	Mode      string // subscribe, unsubscribe or denied
	Topic     string
	Challenge string        // to be echoed back; empty for denied
	Lease     time.Duration // zero when the hub gave none
	Reason    string        // why a subscription was denied, if the hub says
}

// maxChallenge bounds the challenge newsdesk echoes back: hubs send a few
// dozen characters.
const maxChallenge = 1024

// ParseIntent reads a hub's verification request from a callback's query.
// It returns an error for a request that is not one.
func ParseIntent(q url.Values) (Intent, error) {
	in := Intent{Mode: q.Get("hub.mode"), Topic: q.Get("hub.topic"), Challenge: q.Get("hub.challenge"), Reason: q.Get("hub.reason")}
	if in.Topic == "" {
		return Intent{}, errors.New("no hub.topic")
	}
	switch in.Mode {
	case "subscribe", "unsubscribe":
		if in.Challenge == "" || len(in.Challenge) > maxChallenge {
			return Intent{}, errors.New("no hub.challenge, or one too long")
		}
	case "denied":
		in.Challenge = ""
	default:
		return Intent{}, fmt.Errorf("unknown hub.mode %q", limit(in.Mode, 40))
	}
	if raw := q.Get("hub.lease_seconds"); raw != "" && in.Mode == "subscribe" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			return Intent{}, fmt.Errorf("hub.lease_seconds %q is not a positive number", limit(raw, 40))
		}
		in.Lease = min(time.Duration(min(n, int64(maxLease/time.Second)))*time.Second, maxLease)
	}
	return in, nil
}

// CheckSignature checks a delivery's X-Hub-Signature header, method=hex
// (sha1, sha256, sha384 or sha512), against the HMAC of body keyed with
// secret, in constant time. It returns an error saying what is wrong.
func CheckSignature(secret, header string, body []byte) error {
	if header == "" {
		return errors.New("no X-Hub-Signature")
	}
	method, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok {
		return errors.New("X-Hub-Signature is not method=signature")
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return fmt.Errorf("X-Hub-Signature method %q is not sha1, sha256, sha384 or sha512", limit(method, 20))
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return errors.New("X-Hub-Signature is not hexadecimal")
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), got) {
		return errors.New("X-Hub-Signature does not match")
	}
	return nil
}

// noSubscription is the answer to a callback that newsdesk does not
// want: the hub learns only that, and stops.
func noSubscription() error {
	return newsdesk.Errorf(newsdesk.ENOTFOUND, "No subscription waits for this callback.")
}

// lookup finds the subscription of the source a callback URL names; nil
// when there is none, or the token is wrong.
func (w *WebSub) lookup(ctx context.Context, sourceID int64, token string) (*newsdesk.WebSubLease, error) {
	if sourceID <= 0 {
		return nil, nil
	}
	sub, err := w.cfg.Leases.FindLease(ctx, sourceID)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(sub.Token), []byte(token)) != 1 {
		return nil, nil
	}
	return sub, nil
}

// Verify answers a hub's intent verification at the callback of source
// sourceID with token, whose query is q. It returns the challenge to
// echo back when newsdesk waits for this very verification, with the
// same topic; and "" when it notes the hub's denial of a subscription.
// Any other verification (a wrong token or topic, a mode nobody asked
// for, a query that is not one) returns ENOTFOUND, which tells the hub
// that newsdesk does not want it. Failing to record the outcome returns
// the store's error, and the hub asks again.
func (w *WebSub) Verify(ctx context.Context, sourceID int64, token string, q url.Values) (string, error) {
	sub, err := w.lookup(ctx, sourceID, token)
	if err != nil {
		return "", fmt.Errorf("websub: verification for source %d: %w", sourceID, err)
	}
	in, perr := ParseIntent(q)
	if sub == nil || perr != nil || in.Topic != sub.Topic || sub.SourceRemoved && in.Mode != "unsubscribe" {
		w.log().Info("websub: refused a verification", "source", sourceID, "mode", limit(in.Mode, 40), "err", perr)
		return "", noSubscription()
	}
	waiting := sub.RequestedAt != nil && (sub.State == newsdesk.LeasePending || sub.State == newsdesk.LeaseActive)
	switch {
	case in.Mode == "subscribe" && waiting:
		lease := in.Lease
		if lease <= 0 {
			lease = w.cfg.Lease
		}
		now := w.now()
		expires, renew := now.Add(lease), now.Add(time.Duration(float64(lease)*renewAt))
		sub.State, sub.RequestedAt, sub.ExpiresAt, sub.RenewAt = newsdesk.LeaseActive, nil, &expires, &renew
		sub.Lease, sub.LastError = lease, ""
		sub.Note = fmt.Sprintf("WebSub: subscribed via %s, lease until %s.", hubHost(sub.Hub), noteTime(expires))
		if err := w.cfg.Leases.SaveLease(ctx, sub, time.Time{}); err != nil {
			return "", fmt.Errorf("websub: save the subscription of source %d: %w", sub.SourceID, err)
		}
		w.log().Info("websub: subscribed", "source", sub.SourceID, "hub", sub.Hub, "lease", lease)
	case in.Mode == "unsubscribe" && sub.State == newsdesk.LeaseUnsubscribing:
		if err := w.forget(ctx, sub.SourceID); err != nil {
			return "", fmt.Errorf("websub: forget the subscription of source %d: %w", sub.SourceID, err)
		}
		w.log().Info("websub: unsubscribed", "source", sub.SourceID, "hub", sub.Hub)
	case in.Mode == "denied" && sub.State != newsdesk.LeaseFailed:
		reason := hubHost(sub.Hub) + " refused the subscription"
		if why := printable(in.Reason, 200); why != "" {
			reason += " (" + why + ")"
		}
		w.fail(ctx, sub, reason)
		return "", nil
	default:
		w.log().Info("websub: refused a verification nobody asked for", "source", sub.SourceID, "mode", in.Mode, "state", sub.State)
		return "", noSubscription()
	}
	return in.Challenge, nil
}

// Delivery is what a hub pushed to a callback.
type Delivery struct {
	SourceID  int64     // the source the callback URL names
	Token     string    // the token the callback URL carries
	Signature string    // the X-Hub-Signature header
	Body      io.Reader // what was pushed, read up to the Fetcher's MaxBodyBytes
	From      string    // the sender's address, for the log
}

// Deliver takes what a hub pushed. Only a body signed with the
// subscription's secret is stored; any other is acknowledged (nil), as
// the recommendation asks, and ignored, so that a forger learns nothing;
// so is a signed body that is not a feed, since sending it again would
// not help. It returns ENOTFOUND for a callback that names no
// subscription, ETOOLARGE for a body over the limit, EINVALID for one
// that could not be read, and the store's error when storing failed, for
// the hub to retry.
func (w *WebSub) Deliver(ctx context.Context, d Delivery) error {
	sub, err := w.lookup(ctx, d.SourceID, d.Token)
	if err != nil {
		return fmt.Errorf("websub: delivery for source %d: %w", d.SourceID, err)
	}
	if sub == nil {
		return noSubscription()
	}
	max := w.svc.cfg.Fetcher.MaxBodyBytes
	if max <= 0 {
		max = DefaultMaxBodyBytes
	}
	body, err := io.ReadAll(io.LimitReader(d.Body, max+1))
	switch {
	case err != nil:
		return newsdesk.WrapError(newsdesk.EINVALID, err, "The body could not be read.")
	case int64(len(body)) > max:
		w.log().Warn("websub: delivery too large", "source", sub.SourceID, "limit", max)
		return newsdesk.Errorf(newsdesk.ETOOLARGE, "The body is larger than %d bytes.", max)
	}
	if err := CheckSignature(sub.Secret, d.Signature, body); err != nil {
		w.log().Warn("websub: ignored a delivery", "source", sub.SourceID, "reason", err, "remote", d.From)
		return nil
	}
	if sub.SourceRemoved || sub.State == newsdesk.LeaseUnsubscribing {
		return nil
	}
	n, err := w.svc.storeDelivery(ctx, sub, body)
	switch newsdesk.ErrorCode(err) {
	case "":
		w.log().Info("websub: delivery stored", "source", sub.SourceID, "new_items", n)
	case newsdesk.EUNPROCESSABLE, newsdesk.EINVALID:
		// Sending it again would not help: acknowledge it.
		w.log().Warn("websub: delivery is not a feed", "source", sub.SourceID, "err", err)
	default:
		// Ours, such as the database being down: the hub will retry.
		return fmt.Errorf("websub: store the delivery for source %d: %w", sub.SourceID, err)
	}
	return nil
}

// storeDelivery parses what a hub pushed for a subscription's source and
// stores its new items as a poll does: the same parser within the same
// limits, in a turn of its own, the same idempotent SaveItems.
func (s *Service) storeDelivery(ctx context.Context, sub *newsdesk.WebSubLease, body []byte) (int, error) {
	base, err := url.Parse(sub.Topic)
	if err != nil {
		return 0, newsdesk.WrapError(newsdesk.EINVALID, err, "The topic %q is not a web address.", sub.Topic)
	}
	done, err := s.turn(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	feed, err := s.parse(ctx, body, base)
	if err != nil {
		return 0, err
	}
	return s.cfg.Items.SaveItems(ctx, sub.SourceID, feed.Items)
}

// printable keeps a remote party's words fit for a note: printable
// characters only, spaces collapsed, at most n bytes.
func printable(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
