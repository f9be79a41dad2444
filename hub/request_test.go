package hub_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hub"
)

const public = "https://news.example.org"

func TestParseRequest(t *testing.T) {
	const day = 24 * time.Hour
	base := func(kv ...string) url.Values {
		v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {public + "/feed.xml"}, "hub.callback": {"https://reader.example/cb?id=1&x=%20y"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name   string
		form   url.Values
		lease  time.Duration
		secret string
		err    string // a part of the message; "" for none
	}{
		{"no lease asked: ten days", base(), 10 * day, "", ""},
		{"a lease within bounds", base("hub.lease_seconds", "86400"), day, "", ""},
		{"too short: an hour", base("hub.lease_seconds", "60"), time.Hour, "", ""},
		{"too long: thirty days", base("hub.lease_seconds", "99999999"), 30 * day, "", ""},
		{"beyond any integer: thirty days", base("hub.lease_seconds", strings.Repeat("9", 40)), 30 * day, "", ""},
		{"zero", base("hub.lease_seconds", "0"), 0, "", "hub.lease_seconds"},
		{"negative", base("hub.lease_seconds", "-5"), 0, "", "hub.lease_seconds"},
		{"signed", base("hub.lease_seconds", "+5"), 0, "", "hub.lease_seconds"},
		{"a secret of 199 bytes", base("hub.secret", strings.Repeat("é", 99)+"s"), 10 * day, strings.Repeat("é", 99) + "s", ""},
		{"a secret of 200 bytes", base("hub.secret", strings.Repeat("é", 100)), 0, "", "less than 200"},
		{"a secret with NUL", base("hub.secret", "a\x00b"), 0, "", "NUL"},
		{"a secret that is not UTF-8", base("hub.secret", "\xff\xfe"), 0, "", "UTF-8"},
		{"unsubscribe ignores lease and secret", base("hub.mode", "unsubscribe", "hub.lease_seconds", "x", "hub.secret", strings.Repeat("s", 300)), 0, "", ""},
		{"a host that only starts like the site's", base("hub.topic", public+".evil.example/feed.xml"), 0, "", "not one of this site's feeds"},
		{"the site's address alone", base("hub.topic", public), 0, "", "not one of this site's feeds"},
		{"http for https", base("hub.topic", "http://news.example.org/feed.xml"), 0, "", "not one of this site's feeds"},
		{"a fragment in the topic", base("hub.topic", public+"/feed.xml#x"), 0, "", "no query or fragment"},
		{"a topic that is not UTF-8", base("hub.topic", public+"/\xff"), 0, "", "not one of this site's feeds"},
		{"a callback with a port out of range", base("hub.callback", "https://reader.example:99999/cb"), 0, "", "port"},
		{"a callback with no host", base("hub.callback", "https:///cb"), 0, "", "no host"},
		{"an opaque callback", base("hub.callback", "https:reader.example"), 0, "", "not a web address"},
		{"a javascript callback", base("hub.callback", "javascript:alert(1)"), 0, "", "not a web address"},
		{"a long callback", base("hub.callback", "https://reader.example/"+strings.Repeat("a", 1500)), 0, "", "bytes long"},
		{"an unknown mode", base("hub.mode", "Subscribe"), 0, "", "not subscribe or unsubscribe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := hub.ParseRequest(tt.form, public+"/", hub.Leases{})
			if tt.err != "" {
				if newsdesk.ErrorCode(err) != newsdesk.EINVALID || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want EINVALID saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.Lease != tt.lease || req.Secret != tt.secret {
				t.Errorf("lease %v secret %q, want %v %q", req.Lease, req.Secret, tt.lease, tt.secret)
			}
			if req.Callback != tt.form.Get("hub.callback") || req.Topic != tt.form.Get("hub.topic") {
				t.Errorf("callback %q topic %q: not as given", req.Callback, req.Topic)
			}
		})
	}
}

// FuzzParseRequest reads any form a stranger can POST: it never panics,
// and what it accepts is within the hub's rules.
func FuzzParseRequest(f *testing.F) {
	for _, seed := range []string{
		"hub.mode=subscribe&hub.topic=https%3A%2F%2Fnews.example.org%2Ffeed.xml&hub.callback=https%3A%2F%2Freader.example%2Fcb&hub.secret=s&hub.lease_seconds=3600",
		"hub.mode=unsubscribe&hub.topic=https%3A%2F%2Fnews.example.org%2Ftag%2Fharbour%2Ffeed.xml&hub.callback=http%3A%2F%2F10.0.0.1%2F",
		"hub.mode=subscribe&hub.topic=https://news.example.org/feed.xml&hub.callback=https://u:p@reader.example/cb#f",
		"hub.mode=subscribe&hub.topic=https://news.example.org/feed.xml&hub.callback=https://reader.example:0/&hub.lease_seconds=99999999999999999999999",
		"hub.mode=publish&hub.url=https://news.example.org/feed.xml",
		"hub.mode=subscribe&hub.topic=https://news.example.org/%ff&hub.callback=https://%5B::1%5D/&hub.secret=%00",
		"hub.mode=subscribe&hub.mode=unsubscribe&hub.topic=&hub.callback=",
		"%zz=1&hub.mode=subscribe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := hub.ParseRequest(form, public, hub.Leases{})
		if err != nil {
			if newsdesk.ErrorCode(err) != newsdesk.EINVALID || !utf8.ValidString(newsdesk.ErrorMessage(err)) {
				t.Fatalf("error %v: want EINVALID with a readable message", err)
			}
			return
		}
		cb, err := url.Parse(req.Callback)
		switch {
		case req.Mode != "subscribe" && req.Mode != "unsubscribe":
			t.Fatalf("mode %q", req.Mode)
		case !strings.HasPrefix(req.Topic, public+"/") || strings.ContainsAny(req.Topic, "?#") || len(req.Topic) > hub.MaxTopicBytes:
			t.Fatalf("topic %q", req.Topic)
		case err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" || cb.User != nil || strings.Contains(req.Callback, "#"):
			t.Fatalf("callback %q", req.Callback)
		case !utf8.ValidString(req.Topic + req.Callback + req.Secret):
			t.Fatalf("not UTF-8: %q %q %q", req.Topic, req.Callback, req.Secret)
		case len(req.Secret) > hub.MaxSecretBytes || strings.ContainsRune(req.Secret, 0):
			t.Fatalf("secret %q", req.Secret)
		case req.Mode == "subscribe" && (req.Lease < hub.MinLease || req.Lease > hub.MaxLease):
			t.Fatalf("lease %v", req.Lease)
		case req.Mode == "unsubscribe" && (req.Lease != 0 || req.Secret != ""):
			t.Fatalf("an unsubscribe request with lease %v, secret %q", req.Lease, req.Secret)
		}
	})
}
