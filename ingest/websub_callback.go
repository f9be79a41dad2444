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
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsdesk/newsdesk"
)

// WebSubCallback returns the handler that hubs call at
// /websub/{source id}/{token}, or one that answers 404 to everything when
// WebSub is off (no NewWebSub).
func (s *Service) WebSubCallback() http.Handler {
	if s.ws == nil {
		return http.NotFoundHandler()
	}
	return s.ws.Callback()
}

// Callback returns the handler that hubs call: GET for intent
// verification, POST for content distribution.
func (w *WebSub) Callback() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /websub/{id}/{token}", w.verify)
	mux.HandleFunc("POST /websub/{id}/{token}", w.deliver)
	return mux
}

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

// lookup finds the subscription a callback URL names; nil when there is
// none, or the token is wrong.
func (w *WebSub) lookup(r *http.Request) (*newsdesk.WebSubLease, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil
	}
	sub, err := w.cfg.Leases.FindLease(r.Context(), id)
	if newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(sub.Token), []byte(r.PathValue("token"))) != 1 {
		return nil, nil
	}
	return sub, nil
}

// verify answers a hub's intent verification: the challenge is echoed
// only for the request newsdesk is waiting for, with the same topic; any
// other gets 404, which tells the hub newsdesk does not want it.
func (w *WebSub) verify(rw http.ResponseWriter, r *http.Request) {
	sub, err := w.lookup(r)
	if err != nil {
		w.log().Error("websub: verification", "err", err)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	in, perr := ParseIntent(r.URL.Query())
	if sub == nil || perr != nil || in.Topic != sub.Topic || sub.SourceRemoved && in.Mode != "unsubscribe" {
		w.log().Info("websub: refused a verification", "path", r.URL.Path, "mode", limit(in.Mode, 40), "err", perr)
		http.NotFound(rw, r)
		return
	}
	ctx := r.Context()
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
			w.log().Error("websub: save subscription", "source", sub.SourceID, "err", err)
			http.Error(rw, "Internal error.", http.StatusInternalServerError)
			return
		}
		w.log().Info("websub: subscribed", "source", sub.SourceID, "hub", sub.Hub, "lease", lease)
	case in.Mode == "unsubscribe" && sub.State == newsdesk.LeaseUnsubscribing:
		if err := w.forget(ctx, sub.SourceID); err != nil {
			w.log().Error("websub: forget subscription", "source", sub.SourceID, "err", err)
			http.Error(rw, "Internal error.", http.StatusInternalServerError)
			return
		}
		w.log().Info("websub: unsubscribed", "source", sub.SourceID, "hub", sub.Hub)
	case in.Mode == "denied" && sub.State != newsdesk.LeaseFailed:
		reason := hubHost(sub.Hub) + " refused the subscription"
		if why := printable(in.Reason, 200); why != "" {
			reason += " (" + why + ")"
		}
		w.fail(ctx, sub, reason)
		rw.WriteHeader(http.StatusOK)
		return
	default:
		w.log().Info("websub: refused a verification nobody asked for", "source", sub.SourceID, "mode", in.Mode, "state", sub.State)
		http.NotFound(rw, r)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(rw, in.Challenge)
}

// deliver takes what a hub pushes. Only a body signed with the
// subscription's secret is stored; any other is acknowledged, as the
// recommendation asks, and ignored, so that a forger learns nothing.
func (w *WebSub) deliver(rw http.ResponseWriter, r *http.Request) {
	sub, err := w.lookup(r)
	if err != nil {
		w.log().Error("websub: delivery", "err", err)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	if sub == nil {
		http.NotFound(rw, r)
		return
	}
	max := w.svc.cfg.Fetcher.MaxBodyBytes
	if max <= 0 {
		max = DefaultMaxBodyBytes
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		w.log().Warn("websub: delivery too large", "source", sub.SourceID, "limit", max)
		http.Error(rw, "Too large.", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(rw, "Could not read the body.", http.StatusBadRequest)
		return
	}
	if err := CheckSignature(sub.Secret, r.Header.Get("X-Hub-Signature"), body); err != nil {
		w.log().Warn("websub: ignored a delivery", "source", sub.SourceID, "reason", err, "remote", r.RemoteAddr)
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	if sub.SourceRemoved || sub.State == newsdesk.LeaseUnsubscribing {
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	n, err := w.svc.storeDelivery(r.Context(), sub, body)
	switch newsdesk.ErrorCode(err) {
	case "":
		w.log().Info("websub: delivery stored", "source", sub.SourceID, "new_items", n)
	case newsdesk.EUNPROCESSABLE, newsdesk.EINVALID:
		// Sending it again would not help: acknowledge it.
		w.log().Warn("websub: delivery is not a feed", "source", sub.SourceID, "err", err)
	default:
		// Ours, such as the database being down: the hub will retry.
		w.log().Error("websub: store delivery", "source", sub.SourceID, "err", err)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
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
