package ingest_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hubcallback"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// testHub is a WebSub hub on loopback, as the recommendation describes
// one: it accepts subscribe and unsubscribe requests with 202, then
// verifies the subscriber's intent with a GET on the callback carrying a
// challenge, and publishes by POSTing signed content to the callbacks it
// verified.
type testHub struct {
	*httptest.Server
	t     *testing.T
	lease int // granted, in seconds

	refuse atomic.Bool // answer requests with 400
	silent atomic.Bool // accept requests but never verify them

	mu       sync.Mutex
	requests []url.Values
	subs     map[string]hubSubscription // by topic
	results  chan string                // one per verification: "subscribe ok", "unsubscribe refused (404)", ...
}

type hubSubscription struct {
	callback, secret string
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{t: t, lease: 86400, subs: map[string]hubSubscription{}, results: make(chan string, 16)}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *testHub) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.requests = append(h.requests, r.PostForm)
	h.mu.Unlock()
	if h.refuse.Load() {
		http.Error(w, "no subscriptions today", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	w.WriteHeader(http.StatusAccepted)
	if h.silent.Load() {
		return
	}
	go h.verify(form)
}

// verify is the hub's half of intent verification.
func (h *testHub) verify(form url.Values) {
	mode, topic, callback := form.Get("hub.mode"), form.Get("hub.topic"), form.Get("hub.callback")
	challenge := rand.Text()
	q := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {challenge}}
	if mode == "subscribe" {
		q.Set("hub.lease_seconds", strconv.Itoa(h.lease))
	}
	resp, err := http.Get(callback + "?" + q.Encode())
	if err != nil {
		h.results <- mode + " failed: " + err.Error()
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != challenge {
		h.results <- fmt.Sprintf("%s refused (%d)", mode, resp.StatusCode)
		return
	}
	h.mu.Lock()
	if mode == "subscribe" {
		h.subs[topic] = hubSubscription{callback: callback, secret: form.Get("hub.secret")}
	} else {
		delete(h.subs, topic)
	}
	h.mu.Unlock()
	h.results <- mode + " ok"
}

// result waits for the next verification's outcome.
func (h *testHub) result() string {
	h.t.Helper()
	select {
	case r := <-h.results:
		return r
	case <-time.After(10 * time.Second):
		h.t.Fatal("the hub verified nothing within 10s")
		return ""
	}
}

func (h *testHub) lastRequest() url.Values {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.requests) == 0 {
		return nil
	}
	return h.requests[len(h.requests)-1]
}

func (h *testHub) requestCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.requests)
}

func (h *testHub) subscription(topic string) (hubSubscription, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.subs[topic]
	return s, ok
}

// publish POSTs body to topic's subscriber, signed with sign (nil: no
// signature header), and returns the status.
func (h *testHub) publish(topic, body string, sign func(secret, body string) string) int {
	h.t.Helper()
	s, ok := h.subscription(topic)
	if !ok {
		h.t.Fatalf("the hub has no subscriber to %s", topic)
	}
	req, _ := http.NewRequest(http.MethodPost, s.callback, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/atom+xml")
	if sign != nil {
		req.Header.Set("X-Hub-Signature", sign(s.secret, body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func signer(method string, h func() hash.Hash) func(secret, body string) string {
	return func(secret, body string) string {
		m := hmac.New(h, []byte(secret))
		m.Write([]byte(body))
		return method + "=" + hex.EncodeToString(m.Sum(nil))
	}
}

// clock is a test's clock, safe to read from the servers' goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// atomFeed is an Atom feed naming hub (if any) and itself, with entries
// of the given ids.
func atomFeed(hub, self string, ids ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Pier Street Gazette</title><id>urn:pier</id><updated>2026-11-24T10:00:00Z</updated>
<link rel="alternate" href="https://pier.example/"/>`)
	if hub != "" {
		fmt.Fprintf(&b, `<link rel="hub" href="%s"/>`, hub)
	}
	fmt.Fprintf(&b, `<link rel="self" href="%s"/>`, self)
	for _, id := range ids {
		fmt.Fprintf(&b, `<entry><id>%s</id><title>Story %s</title><link href="https://pier.example/%s"/><updated>2026-11-24T09:00:00Z</updated></entry>`, id, id, id)
	}
	b.WriteString("</feed>")
	return b.String()
}

// webSubDesk is newsdesk with WebSub on: a feed served on loopback that
// names the test's hub, the ingest service, its subscriber, and the
// callback served at the public URL.
type webSubDesk struct {
	db    *store.DB
	hub   *testHub
	clock *clock
	svc   *ingest.Service
	ws    *ingest.WebSub
	feed  atomic.Value // string: the feed's body
	// feedURL is the feed's address, and its topic.
	feedURL string
}

const (
	testInterval    = time.Hour
	testMaxInterval = 24 * time.Hour
	testVerify      = 10 * time.Minute
	testRetry       = 6 * time.Hour
)

func newWebSubDesk(t *testing.T, db *store.DB, f *ingest.Fetcher) *webSubDesk {
	d := &webSubDesk{db: db, hub: newTestHub(t), clock: &clock{now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}}
	db.Now = d.clock.Now
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		io.WriteString(w, d.feed.Load().(string))
	}))
	t.Cleanup(feedSrv.Close)
	d.feedURL = feedSrv.URL + "/feed.xml"
	d.feed.Store(atomFeed(d.hub.URL, d.feedURL, "a1", "a2"))
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	d.svc = ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f,
		Interval: testInterval, MaxInterval: testMaxInterval, Now: d.clock.Now, Rand: func() float64 { return 0.5 },
		Logger: logger})
	// The callback's address is the public URL that NewWebSub needs.
	var handler atomic.Value // http.Handler
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(callback.Close)
	public, _ := url.Parse(callback.URL)
	d.ws = ingest.NewWebSub(d.svc, ingest.WebSubConfig{Leases: db, PublicURL: public,
		Lease: 10 * 24 * time.Hour, VerifyTimeout: testVerify, RetryAfter: testRetry})
	handler.Store(hubcallback.New(hubcallback.Config{WebSub: d.ws, Logger: logger}))
	return d
}

// subscribed follows the feed and waits until the hub has verified the
// subscription, returning the source.
func (d *webSubDesk) subscribed(t *testing.T) *newsdesk.Source {
	t.Helper()
	src, err := d.svc.AddFeed(context.Background(), d.feedURL)
	if err != nil {
		t.Fatal(err)
	}
	d.request(t)
	if got := d.hub.result(); got != "subscribe ok" {
		t.Fatalf("verification: %s", got)
	}
	return src
}

// request does what the upkeep job does: it sends the subscribe requests
// that are due.
func (d *webSubDesk) request(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	subscribe, _, err := d.ws.Maintain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range subscribe {
		if err := d.ws.Subscribe(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

func (d *webSubDesk) subscription(t *testing.T, id int64) *newsdesk.WebSubLease {
	t.Helper()
	sub, err := d.db.FindLease(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func (d *webSubDesk) source(t *testing.T, id int64) *newsdesk.Source {
	t.Helper()
	src, err := d.db.FindSourceByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// Following a feed that names a hub subscribes there; the hub's
// verification is answered, the lease recorded, the source polled rarely,
// and what the hub pushes with a good signature is stored once; anything
// else is acknowledged and dropped.
func TestWebSubSubscribeAndDeliver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newWebSubDesk(t, db, loopbackFetcher())
		src := d.subscribed(t)

		req := d.hub.lastRequest()
		callbackPrefix := fmt.Sprintf("/websub/%d/", src.ID)
		switch {
		case req.Get("hub.mode") != "subscribe", req.Get("hub.topic") != d.feedURL,
			!strings.Contains(req.Get("hub.callback"), callbackPrefix),
			len(req.Get("hub.secret")) < 32, req.Get("hub.lease_seconds") != "864000":
			t.Fatalf("subscribe request: %v", req)
		}
		sub := d.subscription(t, src.ID)
		wantExpiry := d.clock.Now().Add(24 * time.Hour) // the hub's lease, not the one asked for
		if sub.State != newsdesk.LeaseActive || sub.ExpiresAt == nil || !sub.ExpiresAt.Equal(wantExpiry) ||
			sub.Secret != req.Get("hub.secret") {
			t.Fatalf("subscription: %+v", sub)
		}
		wantNote := fmt.Sprintf("WebSub: subscribed via %s, lease until 25 Nov 2026 12:00 UTC.", strings.TrimPrefix(d.hub.URL, "http://"))
		if got := d.source(t, src.ID).Note; got != wantNote {
			t.Fatalf("source note = %q, want %q", got, wantNote)
		}

		// Polled at the longest interval while the hub pushes.
		if _, err := d.svc.PollSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		polled := d.source(t, src.ID)
		if want := d.clock.Now().Add(testMaxInterval); polled.NextPollAt.Before(want) || polled.Note != wantNote {
			t.Fatalf("after a poll: next %s (want %s), note %q", polled.NextPollAt, want, polled.Note)
		}

		count := func() int {
			n, err := db.CountItems(ctx, src.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 2 {
			t.Fatalf("%d items before any push, want 2", n)
		}
		wrongSecret := func(_, body string) string { return signer("sha256", sha256.New)("not the secret", body) }
		for _, tc := range []struct {
			name  string
			body  string
			sign  func(secret, body string) string
			items int // after the push
		}{
			{"sha256", atomFeed("", d.feedURL, "b1"), signer("sha256", sha256.New), 3},
			{"the same again, stored once", atomFeed("", d.feedURL, "b1"), signer("sha256", sha256.New), 3},
			{"sha1", atomFeed("", d.feedURL, "b2"), signer("sha1", sha1.New), 4},
			{"sha384", atomFeed("", d.feedURL, "b3"), signer("sha384", sha512.New384), 5},
			{"sha512", atomFeed("", d.feedURL, "b4", "b5"), signer("sha512", sha512.New), 7},
			{"no signature", atomFeed("", d.feedURL, "x1"), nil, 7},
			{"wrong secret", atomFeed("", d.feedURL, "x2"), wrongSecret, 7},
			{"unknown method", atomFeed("", d.feedURL, "x3"), func(s, b string) string { return "md5" + signer("", sha256.New)(s, b) }, 7},
			{"not hex", atomFeed("", d.feedURL, "x4"), func(string, string) string { return "sha256=zz" }, 7},
			{"signed, then altered", atomFeed("", d.feedURL, "x5"), func(s, b string) string {
				return signer("sha256", sha256.New)(s, strings.Replace(b, "x5", "x6", 1))
			}, 7},
			{"signed, not a feed", "<html><body>hello</body></html>", signer("sha256", sha256.New), 7},
		} {
			if status := d.hub.publish(d.feedURL, tc.body, tc.sign); status < 200 || status > 299 {
				t.Errorf("%s: status %d, want 2xx", tc.name, status)
			}
			if n := count(); n != tc.items {
				t.Errorf("%s: %d items, want %d", tc.name, n, tc.items)
			}
		}
		items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		if items[0].URL == "" || !strings.HasPrefix(items[0].Title, "Story b") {
			t.Errorf("newest item: %+v", items[0])
		}
	})
}

// The callback answers only the verification newsdesk waits for: a
// wrong token, topic or mode, or a second verification nobody asked for,
// gets 404 and no challenge.
func TestWebSubRefusesForgedVerifications(t *testing.T) {
	db := storetest.SQLite(t)
	d := newWebSubDesk(t, db, loopbackFetcher())
	d.hub.silent.Store(true) // newsdesk waits; the test plays the hub
	src, err := d.svc.AddFeed(context.Background(), d.feedURL)
	if err != nil {
		t.Fatal(err)
	}
	d.request(t)
	callback := d.hub.lastRequest().Get("hub.callback")
	get := func(callback string, q url.Values) (int, string) {
		resp, err := http.Get(callback + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	good := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {d.feedURL}, "hub.challenge": {"c-123"}, "hub.lease_seconds": {"3600"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vs := range good {
			q[key] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	for _, tc := range []struct {
		name     string
		callback string
		query    url.Values
	}{
		{"wrong token", callback[:strings.LastIndex(callback, "/")+1] + "guess", good},
		{"other source", strings.Replace(callback, fmt.Sprintf("/%d/", src.ID), "/999/", 1), good},
		{"not a number", strings.Replace(callback, fmt.Sprintf("/%d/", src.ID), "/x/", 1), good},
		{"wrong topic", callback, with("hub.topic", "https://elsewhere.example/feed")},
		{"no topic", callback, with("hub.topic", "")},
		{"unsubscribe", callback, with("hub.mode", "unsubscribe")},
		{"unknown mode", callback, with("hub.mode", "publish")},
		{"no challenge", callback, with("hub.challenge", "")},
		{"bad lease", callback, with("hub.lease_seconds", "-5")},
	} {
		if status, body := get(tc.callback, tc.query); status != http.StatusNotFound || strings.Contains(body, "c-123") {
			t.Errorf("%s: %d %q, want 404 without the challenge", tc.name, status, body)
		}
	}
	if status, body := get(callback, good); status != http.StatusOK || body != "c-123" {
		t.Fatalf("the awaited verification: %d %q", status, body)
	}
	if status, _ := get(callback, good); status != http.StatusNotFound {
		t.Errorf("a second verification nobody asked for: %d, want 404", status)
	}
	if sub := d.subscription(t, src.ID); sub.State != newsdesk.LeaseActive || sub.Lease != time.Hour {
		t.Errorf("subscription: %+v", sub)
	}
	if status := d.hub.publishTo(callback[:strings.LastIndex(callback, "/")+1]+"guess", "x"); status != http.StatusNotFound {
		t.Errorf("push to a wrong token: %d, want 404", status)
	}
}

// publishTo POSTs body to any callback URL, unsigned.
func (h *testHub) publishTo(callback, body string) int {
	resp, err := http.Post(callback, "application/atom+xml", strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Renewal: at 80% of the lease newsdesk subscribes again with the same
// callback and secret, and the hub's new lease is recorded.
func TestWebSubRenewal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newWebSubDesk(t, db, loopbackFetcher())
		src := d.subscribed(t)
		first := d.hub.lastRequest()

		d.clock.Advance(19 * time.Hour) // 79% of the hub's day
		if renew, _, err := d.ws.Maintain(ctx); err != nil || len(renew) != 0 {
			t.Fatalf("at 79%%: renew %v, err %v", renew, err)
		}
		d.clock.Advance(time.Hour)
		renew, _, err := d.ws.Maintain(ctx)
		if err != nil || len(renew) != 1 || renew[0] != src.ID {
			t.Fatalf("at 83%%: renew %v, err %v", renew, err)
		}
		if err := d.ws.Subscribe(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		if got := d.hub.result(); got != "subscribe ok" {
			t.Fatalf("renewal verification: %s", got)
		}
		again := d.hub.lastRequest()
		if again.Get("hub.callback") != first.Get("hub.callback") || again.Get("hub.secret") != first.Get("hub.secret") {
			t.Fatalf("renewal changed the callback or secret: %v then %v", first, again)
		}
		sub := d.subscription(t, src.ID)
		if want := d.clock.Now().Add(24 * time.Hour); sub.State != newsdesk.LeaseActive || !sub.ExpiresAt.Equal(want) {
			t.Fatalf("after renewal: %+v, want expiry %s", sub, want)
		}
		// Still pushing, with the old secret.
		d.hub.publish(d.feedURL, atomFeed("", d.feedURL, "r1"), signer("sha256", sha256.New))
		if n, _ := db.CountItems(ctx, src.ID); n != 3 {
			t.Fatalf("%d items after a push following renewal, want 3", n)
		}
	})
}

// Whenever the hub fails, the source goes back to ordinary polling at
// once and its note says why; newsdesk asks the hub again only after a
// while.
func TestWebSubHubFailureFallsBackToPolling(t *testing.T) {
	hubHost := func(d *webSubDesk) string { return strings.TrimPrefix(d.hub.URL, "http://") }
	for _, tc := range []struct {
		name string
		// fail makes the hub fail a subscribed source (or one being
		// subscribed, if subscribe is false).
		subscribe bool
		fail      func(t *testing.T, d *webSubDesk, src *newsdesk.Source)
		note      func(d *webSubDesk) string
	}{
		{
			name: "subscription refused",
			fail: func(t *testing.T, d *webSubDesk, _ *newsdesk.Source) {},
			note: func(d *webSubDesk) string {
				return fmt.Sprintf("WebSub hub failed: %s refused the subscribe request (HTTP 400 Bad Request); polling.", hubHost(d))
			},
		},
		{
			name: "verification never arrives", subscribe: false,
			fail: func(t *testing.T, d *webSubDesk, _ *newsdesk.Source) {
				d.clock.Advance(testVerify)
				if _, _, err := d.ws.Maintain(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
			note: func(d *webSubDesk) string {
				return fmt.Sprintf("WebSub hub failed: %s did not confirm the subscription within 10 minutes; polling.", hubHost(d))
			},
		},
		{
			name: "lease lapses", subscribe: true,
			fail: func(t *testing.T, d *webSubDesk, _ *newsdesk.Source) {
				d.clock.Advance(24 * time.Hour) // renewal never ran
				if _, _, err := d.ws.Maintain(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
			note: func(d *webSubDesk) string {
				return fmt.Sprintf("WebSub hub failed: the lease at %s ended 25 Nov 2026 12:00 UTC without renewal; polling.", hubHost(d))
			},
		},
		{
			name: "renewal refused", subscribe: true,
			fail: func(t *testing.T, d *webSubDesk, src *newsdesk.Source) {
				d.clock.Advance(20 * time.Hour)
				d.hub.refuse.Store(true)
				if err := d.ws.Subscribe(context.Background(), src.ID); err != nil {
					t.Fatal(err)
				}
			},
			note: func(d *webSubDesk) string {
				return fmt.Sprintf("WebSub hub failed: %s refused the subscribe request (HTTP 400 Bad Request); polling.", hubHost(d))
			},
		},
		{
			name: "hub denies", subscribe: true,
			fail: func(t *testing.T, d *webSubDesk, src *newsdesk.Source) {
				sub := d.subscription(t, src.ID)
				q := url.Values{"hub.mode": {"denied"}, "hub.topic": {d.feedURL}, "hub.reason": {"topic\x00 gone"}}
				resp, err := http.Get(d.hub.lastRequest().Get("hub.callback") + "?" + q.Encode())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || sub.State != newsdesk.LeaseActive {
					t.Fatalf("denial: %d", resp.StatusCode)
				}
			},
			note: func(d *webSubDesk) string {
				return fmt.Sprintf("WebSub hub failed: %s refused the subscription (topic gone); polling.", hubHost(d))
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.SQLite(t)
			d := newWebSubDesk(t, db, loopbackFetcher())
			var src *newsdesk.Source
			var err error
			switch {
			case tc.subscribe:
				src = d.subscribed(t)
			case tc.name == "subscription refused":
				d.hub.refuse.Store(true)
				src, err = d.svc.AddFeed(ctx, d.feedURL)
			default:
				d.hub.silent.Store(true)
				src, err = d.svc.AddFeed(ctx, d.feedURL)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.subscribe {
				d.request(t)
			}
			tc.fail(t, d, src)

			sub := d.subscription(t, src.ID)
			if sub.State != newsdesk.LeaseFailed {
				t.Fatalf("subscription: %+v", sub)
			}
			got := d.source(t, src.ID)
			if want := tc.note(d); got.Note != want {
				t.Errorf("note = %q, want %q", got.Note, want)
			}
			if got.NextPollAt.After(d.clock.Now()) && tc.subscribe {
				t.Errorf("next poll at %s, want now (%s)", got.NextPollAt, d.clock.Now())
			}

			// Ordinary polling, and the note stays until the hub is asked
			// again.
			requests := d.hub.requestCount()
			if _, err := d.svc.PollSource(ctx, src.ID); err != nil {
				t.Fatal(err)
			}
			got = d.source(t, src.ID)
			if want := d.clock.Now().Add(testInterval); !got.NextPollAt.Equal(want) || got.Note != tc.note(d) {
				t.Errorf("after a poll: next %s (want %s), note %q", got.NextPollAt, want, got.Note)
			}
			d.request(t)
			if d.hub.requestCount() != requests {
				t.Errorf("asked the hub again at once")
			}

			// After RetryAfter, a poll that still finds the hub asks again.
			d.hub.refuse.Store(false)
			d.hub.silent.Store(false)
			d.clock.Advance(testRetry)
			if _, err := d.svc.PollSource(ctx, src.ID); err != nil {
				t.Fatal(err)
			}
			d.request(t)
			if got := d.hub.result(); got != "subscribe ok" {
				t.Fatalf("second try: %s", got)
			}
			if sub := d.subscription(t, src.ID); sub.State != newsdesk.LeaseActive {
				t.Fatalf("second try: %+v", sub)
			}
		})
	}
}

// Removing a source unsubscribes it at the hub, which verifies that too;
// then the subscription is forgotten.
func TestWebSubUnsubscribesRemovedSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newWebSubDesk(t, db, loopbackFetcher())
		src := d.subscribed(t)
		if err := db.DeleteSource(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		_, unsubscribe, err := d.ws.Maintain(ctx)
		if err != nil || len(unsubscribe) != 1 || unsubscribe[0] != src.ID {
			t.Fatalf("unsubscribe %v, err %v", unsubscribe, err)
		}
		if err := d.ws.Unsubscribe(ctx, src.ID); err != nil {
			t.Fatal(err)
		}
		if got := d.hub.result(); got != "unsubscribe ok" {
			t.Fatalf("verification: %s", got)
		}
		if req := d.hub.lastRequest(); req.Get("hub.mode") != "unsubscribe" || req.Get("hub.topic") != d.feedURL {
			t.Fatalf("request: %v", req)
		}
		if _, ok := d.hub.subscription(d.feedURL); ok {
			t.Fatal("the hub still has the subscription")
		}
		if all, _ := db.FindLeases(ctx); len(all) != 0 {
			t.Fatalf("subscriptions left: %+v", all)
		}
	})
}

// A hub on a private address is refused like any fetch from one, and the
// source is polled as usual.
func TestWebSubPrivateHubRefused(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	d := newWebSubDesk(t, db, loopbackFetcher())
	d.feed.Store(atomFeed("http://10.255.255.1/hub", d.feedURL, "a1"))
	src, err := d.svc.AddFeed(ctx, d.feedURL)
	if err != nil {
		t.Fatal(err)
	}
	d.request(t)
	sub := d.subscription(t, src.ID)
	if sub.State != newsdesk.LeaseFailed || !strings.Contains(sub.LastError, "private addresses (10.255.255.1)") {
		t.Fatalf("subscription: %+v", sub)
	}
	if got := d.source(t, src.ID).Note; !strings.HasPrefix(got, "WebSub hub failed: newsdesk does not fetch from private addresses") {
		t.Fatalf("note %q", got)
	}

	// The feed drops the hub: the failure is forgotten, and so is its note.
	d.feed.Store(atomFeed("", d.feedURL, "a1"))
	if _, err := d.svc.PollSource(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindLease(ctx, src.ID); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Fatalf("subscription after the hub left the feed: %v", err)
	}
	if got := d.source(t, src.ID).Note; got != "" {
		t.Fatalf("note after the hub left the feed: %q", got)
	}
}

func TestDiscoverHub(t *testing.T) {
	base, _ := url.Parse("https://paper.example/feeds/main.xml")
	for _, tc := range []struct {
		name, body string
		hub, topic string
	}{
		{"atom", atomFeed("https://hub.example/", "https://paper.example/feed.atom"), "https://hub.example/", "https://paper.example/feed.atom"},
		{"rss with atom:link", `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
			<title>P</title><link>https://paper.example/</link>
			<atom:link rel="self" type="application/rss+xml" href="https://paper.example/rss"/>
			<atom:link rel="hub" href="/hub"/>
			<item><title>x</title><atom:link rel="hub" href="https://not-this.example/"/></item></channel></rss>`,
			"https://paper.example/hub", "https://paper.example/rss"},
		{"hub only in an item", `<rss version="2.0"><channel><title>P</title><item><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/"/></item></channel></rss>`, "", ""},
		{"no self: the fetched URL", `<feed xmlns="http://www.w3.org/2005/Atom"><title>P</title><link rel="hub" href="https://hub.example/"/></feed>`,
			"https://hub.example/", "https://paper.example/feeds/main.xml"},
		{"json feed", `{"version":"https://jsonfeed.org/version/1.1","title":"P","feed_url":"https://paper.example/feed.json",
			"hubs":[{"type":"rssCloud","url":"https://cloud.example/"},{"type":"WebSub","url":"https://hub.example/"}],"items":[]}`,
			"https://hub.example/", "https://paper.example/feed.json"},
		{"json feed without hubs", `{"version":"https://jsonfeed.org/version/1.1","title":"P","items":[]}`, "", ""},
		{"no hub", atomFeed("", "https://paper.example/feed.atom"), "", ""},
		{"javascript hub", atomFeed("javascript:alert(1)", "https://paper.example/feed.atom"), "", ""},
	} {
		hub, topic := ingest.DiscoverHub([]byte(tc.body), base)
		if hub != tc.hub || topic != tc.topic {
			t.Errorf("%s: got %q, %q; want %q, %q", tc.name, hub, topic, tc.hub, tc.topic)
		}
	}
}

// testWriter sends the log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
