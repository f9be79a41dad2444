package hub

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
)

// Leases bound the lease the hub grants: a follower may ask for any
// length, and gets one from Min to Max; Default when it asks for none.
// WebSub asks hubs for short leases that followers renew (it suggests
// ten days) and never perpetual ones.
type Leases struct {
	Default, Min, Max time.Duration
}

// Default leases.
const (
	DefaultLease = 10 * 24 * time.Hour
	MinLease     = time.Hour
	MaxLease     = 30 * 24 * time.Hour
)

// withDefaults fills the zero fields of l, and keeps Default within
// Min and Max.
func (l Leases) withDefaults() Leases {
	if l.Default <= 0 {
		l.Default = DefaultLease
	}
	if l.Min <= 0 {
		l.Min = MinLease
	}
	if l.Max <= 0 {
		l.Max = MaxLease
	}
	l.Max = max(l.Max, l.Min)
	l.Default = min(max(l.Default, l.Min), l.Max)
	return l
}

// Limits on what a follow request may carry.
const (
	// MaxSecretBytes: WebSub says a secret "MUST be less than 200 bytes".
	MaxSecretBytes = 199
	// MaxCallbackBytes and MaxTopicBytes keep the pair under
	// PostgreSQL's limit on an index entry; real callbacks are a few
	// hundred bytes, and the site's topics are its own short URLs.
	MaxCallbackBytes = 1500
	MaxTopicBytes    = 1000
)

// WebSub's words for the two requests the hub takes.
const (
	modeSubscribe   = "subscribe"
	modeUnsubscribe = "unsubscribe"
)

// ParseRequest reads a subscription request's form (hub.mode, hub.topic,
// hub.callback, hub.lease_seconds, hub.secret; other parameters are
// ignored, as WebSub asks), checking it as far as can be done without a
// request to anyone: the topic must be a URL under public (the site's
// configured address, never a request's Host), the callback an http or
// https URL, and the secret shorter than 200 bytes. The lease is the one
// the hub grants: the one asked for within leases, or its default. An
// unsubscribe request carries neither lease nor secret. Every error is
// EINVALID and says which parameter is wrong, for the follower's
// developer.
func ParseRequest(form url.Values, public string, leases Leases) (newsdesk.FollowRequest, error) {
	leases = leases.withDefaults()
	public = strings.TrimSuffix(public, "/")
	req := newsdesk.FollowRequest{
		Mode:     form.Get("hub.mode"),
		Topic:    form.Get("hub.topic"),
		Callback: form.Get("hub.callback"),
	}
	switch req.Mode {
	case modeSubscribe, modeUnsubscribe:
	case "":
		return req, invalid("hub.mode is missing: send subscribe or unsubscribe.")
	case "publish":
		return req, invalid("This hub sends only this site's own feeds, and learns of their changes itself: it takes no publish notices.")
	default:
		return req, invalid("hub.mode %q is not subscribe or unsubscribe.", clip(req.Mode))
	}
	if err := checkTopic(req.Topic, public); err != nil {
		return req, err
	}
	if err := checkCallback(req.Callback); err != nil {
		return req, err
	}
	if req.Mode == modeUnsubscribe {
		return req, nil
	}
	lease, err := parseLease(form.Get("hub.lease_seconds"), leases)
	if err != nil {
		return req, err
	}
	req.Lease = lease
	req.Secret = form.Get("hub.secret")
	switch {
	case len(req.Secret) > MaxSecretBytes:
		return req, invalid("hub.secret is %d bytes long: WebSub asks for less than 200.", len(req.Secret))
	case !utf8.ValidString(req.Secret) || strings.ContainsRune(req.Secret, 0):
		return req, invalid("hub.secret must be text in UTF-8, without NUL characters.")
	}
	return req, nil
}

func invalid(format string, args ...any) error {
	return newsdesk.Errorf(newsdesk.EINVALID, format, args...)
}

// clip keeps a stranger's words short and printable for an error message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 80 {
		s = strings.ToValidUTF8(s[:80], "") + "…"
	}
	return s
}

// checkTopic accepts a topic under the site's public address, with no
// query or fragment: the site's feeds have none, and a topic is matched
// as a string. Whether the site serves a feed there is the Hub's to
// find out.
func checkTopic(topic, public string) error {
	switch {
	case topic == "":
		return invalid("hub.topic is missing: send the address of one of this site's feeds, as its rel=\"self\" link gives it.")
	case len(topic) > MaxTopicBytes || !utf8.ValidString(topic):
		return invalid("hub.topic is not one of this site's feeds.")
	case !strings.HasPrefix(topic, public+"/"):
		return invalid("hub.topic %q is not one of this site's feeds: this hub sends only the feeds under %s.", clip(topic), public)
	case strings.ContainsAny(topic, "?#"):
		return invalid("hub.topic %q is not one of this site's feeds: they have no query or fragment.", clip(topic))
	}
	return nil
}

// checkCallback accepts an absolute http or https URL with a host, and
// refuses what the hub could not use exactly as given: a fragment (never
// sent), a user name or password (sent as credentials, and kept), text
// that is not UTF-8 (the databases refuse it).
func checkCallback(callback string) error {
	if callback == "" {
		return invalid("hub.callback is missing: send the address at which to confirm the request and deliver the feed.")
	}
	if len(callback) > MaxCallbackBytes {
		return invalid("hub.callback is %d bytes long; this hub takes callbacks of up to %d.", len(callback), MaxCallbackBytes)
	}
	if !utf8.ValidString(callback) {
		return invalid("hub.callback is not text in UTF-8.")
	}
	u, err := url.Parse(callback)
	switch {
	case err != nil || u.Opaque != "":
		return invalid("hub.callback %q is not a web address.", clip(callback))
	case u.Scheme != "http" && u.Scheme != "https":
		return invalid("hub.callback %q must start with http:// or https://.", clip(callback))
	case u.Hostname() == "":
		return invalid("hub.callback %q names no host.", clip(callback))
	case u.User != nil:
		return invalid("hub.callback must not carry a user name or password.")
	case strings.Contains(callback, "#"):
		return invalid("hub.callback must not have a #fragment: it would never reach the callback.")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return invalid("hub.callback %q has a port that is not a number from 1 to 65535.", clip(callback))
		}
	}
	return nil
}

// parseLease reads hub.lease_seconds, a positive whole number of seconds
// however long, and returns the lease granted for it.
func parseLease(raw string, leases Leases) (time.Duration, error) {
	if raw == "" {
		return leases.Default, nil
	}
	if strings.Trim(raw, "0123456789") != "" || strings.Trim(raw, "0") == "" {
		return 0, invalid("hub.lease_seconds %q is not a positive whole number of seconds.", clip(raw))
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n > int64(leases.Max/time.Second) {
		return leases.Max, nil // out of range: as long as allowed
	}
	return min(max(time.Duration(n)*time.Second, leases.Min), leases.Max), nil
}
