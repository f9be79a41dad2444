package hub_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hub"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// Only a callback that answers 2xx with exactly the challenge is
// subscribed; any other answer leaves what was stored before as it was,
// so a renewal the callback does not confirm keeps the old secret.
func TestVerifyNeedsTheExactChallenge(t *testing.T) {
	tests := []struct {
		name   string
		echo   func(challenge string) string // nil answers 404
		status int                           // for a non-nil echo; 0 for 200
		ok     bool
	}{
		{"echoes the challenge", func(c string) string { return c }, 0, true},
		{"echoes it with 202", func(c string) string { return c }, http.StatusAccepted, true},
		{"echoes something else", func(string) string { return "wrong" }, 0, false},
		{"echoes it with a newline", func(c string) string { return c + "\n" }, 0, false},
		{"echoes half of it", func(c string) string { return c[:len(c)/2] }, 0, false},
		{"echoes nothing", func(string) string { return "" }, 0, false},
		{"says it did not ask", nil, 0, false},
		{"echoes it with an error status", func(c string) string { return c }, http.StatusForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			n := newNewsroom(t, db, false, options{allow: "127.0.0.1"})
			f := newFollower(t)
			f.set(func() { f.echo, f.verifyAs = tt.echo, tt.status })
			req := newsdesk.FollowRequest{Mode: "subscribe", Topic: n.public + "/feed.xml", Callback: f.srv.URL + "/cb",
				Secret: "s1", Lease: 24 * time.Hour}
			if err := n.hub.Verify(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if f.lastAsked() == nil {
				t.Fatal("the callback was never asked")
			}
			_, err := db.FindFeedFollower(context.Background(), req.Topic, req.Callback)
			if tt.ok != (err == nil) {
				t.Fatalf("subscribed: %v, want %v (%v)", err == nil, tt.ok, err)
			}
			if !tt.ok {
				return
			}
			// A renewal with a new secret that the callback does not
			// confirm changes nothing.
			f.set(func() { f.echo = func(string) string { return "no" } })
			renewal := req
			renewal.Secret = "s2"
			if err := n.hub.Verify(context.Background(), renewal); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindFeedFollower(context.Background(), req.Topic, req.Callback)
			if err != nil || got.Secret != "s1" {
				t.Fatalf("after an unconfirmed renewal: %+v, %v; want the first secret kept", got, err)
			}
		})
	}
}

// Each verification carries a new challenge, the lease granted, and the
// callback's own query first.
func TestVerifyAsksWithAFreshChallenge(t *testing.T) {
	db := storetest.SQLite(t)
	n := newNewsroom(t, db, false, options{allow: "127.0.0.1"})
	f := newFollower(t)
	req := newsdesk.FollowRequest{Mode: "subscribe", Topic: n.public + "/feed.xml", Callback: f.srv.URL + "/cb?hub.mode=mine&a=1",
		Lease: 2 * time.Hour}
	for range 2 {
		if err := n.hub.Verify(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	asked := f.asked
	f.mu.Unlock()
	if len(asked) != 2 || asked[0].Get("hub.challenge") == asked[1].Get("hub.challenge") {
		t.Fatalf("challenges %q: want two, different", []string{asked[0].Get("hub.challenge"), asked[1].Get("hub.challenge")})
	}
	q := asked[0]
	if q["hub.mode"][0] != "mine" || q["hub.mode"][1] != "subscribe" || q.Get("a") != "1" || q.Get("hub.lease_seconds") != "7200" {
		t.Errorf("query %v: want the callback's own parameters first, then the hub's", q)
	}
}

// A callback at a private address is refused, at once when the address
// is written out, and when it is dialled when a name leads there: the
// hub never sends to it, since anyone may name any address.
func TestPrivateCallbacksAreRefused(t *testing.T) {
	db := storetest.SQLite(t)
	n := newNewsroom(t, db, false, options{}) // nothing allowed
	f := newFollower(t)
	topic := n.public + "/feed.xml"

	status, body := n.request(t, url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {f.srv.URL + "/cb"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "--allow-private") {
		t.Errorf("a callback on 127.0.0.1: %d %q, want 400 naming --allow-private", status, body)
	}
	for _, cb := range []string{"http://10.0.0.7/cb", "http://169.254.169.254/latest/meta-data", "http://[::1]/cb"} {
		if status, body := n.request(t, url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {cb}}); status != http.StatusBadRequest {
			t.Errorf("callback %s: %d %q, want 400", cb, status, body)
		}
	}

	// A name: refused when the verification dials it.
	u, _ := url.Parse(f.srv.URL)
	byName := "http://localhost:" + u.Port() + "/cb"
	if err := n.hub.Verify(context.Background(), newsdesk.FollowRequest{Mode: "subscribe", Topic: topic, Callback: byName, Lease: time.Hour}); err != nil {
		t.Fatalf("a refused address is no reason to try again: %v", err)
	}
	if f.lastAsked() != nil {
		t.Error("the hub reached a callback on loopback")
	}
	if _, err := db.FindFeedFollower(context.Background(), topic, byName); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("follower at a private address: %v", err)
	}
}

// The hub takes requests only for the feeds the site serves under its
// configured address, whatever Host the request names, and refuses
// malformed requests with a reason.
func TestRequestsTheHubRefuses(t *testing.T) {
	db := storetest.SQLite(t)
	n := newNewsroom(t, db, false, options{allow: "127.0.0.1"})
	cb := "http://127.0.0.1:9/cb"
	form := func(kv ...string) url.Values {
		v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {n.public + "/feed.xml"}, "hub.callback": {cb}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"another site's feed", form("hub.topic", "https://evil.example/feed.xml"), 400, "not one of this site's feeds"},
		{"this site under another name", form("hub.topic", strings.Replace(n.public, "127.0.0.1", "localhost", 1)+"/feed.xml"), 400, "not one of this site's feeds"},
		{"a page, not a feed", form("hub.topic", n.public+"/"), 400, "not one of this site's feeds"},
		{"the sitemap", form("hub.topic", n.public+"/sitemap.xml"), 400, "not one of this site's feeds"},
		{"a tag with no post", form("hub.topic", n.public+"/tag/nothing/feed.xml"), 400, "not one of this site's feeds"},
		{"a feed with a query", form("hub.topic", n.public+"/feed.xml?x=1"), 400, "no query"},
		{"no topic", form("hub.topic", ""), 400, "hub.topic is missing"},
		{"no callback", form("hub.callback", ""), 400, "hub.callback is missing"},
		{"an ftp callback", form("hub.callback", "ftp://reader.example/cb"), 400, "http://"},
		{"a relative callback", form("hub.callback", "/cb"), 400, "http://"},
		{"a callback with a fragment", form("hub.callback", cb+"#x"), 400, "fragment"},
		{"a callback with a password", form("hub.callback", "http://u:p@reader.example/cb"), 400, "password"},
		{"a secret of 200 bytes", form("hub.secret", strings.Repeat("s", 200)), 400, "less than 200"},
		{"a lease that is not a number", form("hub.lease_seconds", "ten days"), 400, "hub.lease_seconds"},
		{"a publish notice", form("hub.mode", "publish"), 400, "no publish notices"},
		{"no mode", form("hub.mode", ""), 400, "hub.mode is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := n.request(t, tt.form)
			if status != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("%d %q, want %d saying %q", status, body, tt.status, tt.says)
			}
		})
	}

	// The Host a request names changes nothing.
	req, _ := http.NewRequest(http.MethodPost, n.public+hub.Path, strings.NewReader(form("hub.topic", "http://evil.example/feed.xml").Encode()))
	req.Host = "evil.example"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("the feed of the Host named: %d, want 400", res.StatusCode)
	}

	// Not a form; too large.
	res, err = http.Post(n.public+hub.Path, "application/json", strings.NewReader(`{"hub.mode":"subscribe"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a JSON body: %d, want 400", res.StatusCode)
	}
	res, err = http.Post(n.public+hub.Path, "application/x-www-form-urlencoded", strings.NewReader("hub.secret="+strings.Repeat("x", 20<<10)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 20 kB body: %d, want 413", res.StatusCode)
	}
}

// A follower whose lease has ended is sent nothing, and the periodic
// sweep removes it.
func TestLeaseExpiry(t *testing.T) {
	db := storetest.SQLite(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	n := newNewsroom(t, db, false, options{allow: "127.0.0.1", now: clock})
	f := newFollower(t)
	topic := n.public + "/feed.xml"
	ctx := context.Background()
	publishDirect(t, n, "Harbour reopens")
	if err := n.hub.Verify(ctx, newsdesk.FollowRequest{Mode: "subscribe", Topic: topic, Callback: f.srv.URL + "/cb", Lease: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if retry, err := n.hub.Distribute(ctx, topic); err != nil || len(retry) != 0 || len(f.delivered()) != 1 {
		t.Fatalf("within the lease: %d deliveries, retry %v, %v", len(f.delivered()), retry, err)
	}

	mu.Lock()
	now = now.Add(time.Hour + time.Second)
	mu.Unlock()
	if _, err := n.hub.Distribute(ctx, topic); err != nil || len(f.delivered()) != 1 {
		t.Fatalf("after the lease: %d deliveries (%v), want none more", len(f.delivered()), err)
	}
	if k, err := n.hub.Expire(ctx); err != nil || k != 1 {
		t.Fatalf("expired %d (%v), want 1", k, err)
	}
	if _, err := db.FindFeedFollower(ctx, topic, f.srv.URL+"/cb"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("after the sweep: %v", err)
	}
}

// A follower that answers 410 Gone is removed; one that fails is tried
// again, and sent the feed once it answers.
func TestGoneAndFailingFollowers(t *testing.T) {
	db := storetest.SQLite(t)
	n := newNewsroom(t, db, false, options{allow: "127.0.0.1"})
	ctx := context.Background()
	topic := n.public + "/feed.xml"
	publishDirect(t, n, "Harbour reopens")
	gone, failing := newFollower(t), newFollower(t)
	gone.set(func() { gone.answer = http.StatusGone })
	failing.set(func() { failing.answer = http.StatusServiceUnavailable })
	for _, f := range []*follower{gone, failing} {
		if err := n.hub.Verify(ctx, newsdesk.FollowRequest{Mode: "subscribe", Topic: topic, Callback: f.srv.URL + "/cb", Lease: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	retry, err := n.hub.Distribute(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindFeedFollower(ctx, topic, gone.srv.URL+"/cb"); newsdesk.ErrorCode(err) != newsdesk.ENOTFOUND {
		t.Errorf("the follower that answered 410: %v, want removed", err)
	}
	fl, err := db.FindFeedFollower(ctx, topic, failing.srv.URL+"/cb")
	if err != nil || len(retry) != 1 || retry[0] != fl.ID {
		t.Fatalf("to retry %v, want the failing follower (%v)", retry, err)
	}
	if err := n.hub.Redeliver(ctx, fl.ID, topic); err == nil {
		t.Error("a redelivery that failed again reports no error, so the queue would not retry it")
	}
	failing.set(func() { failing.answer = 0 })
	if err := n.hub.Redeliver(ctx, fl.ID, topic); err != nil {
		t.Fatal(err)
	}
	if d := failing.delivered(); len(d) != 3 || !strings.Contains(string(d[2].body), "Harbour reopens") {
		t.Errorf("%d deliveries, want 3, the last with the feed", len(d))
	}
}

// publishDirect stores a published post without the hub hearing of it.
func publishDirect(t *testing.T, n *newsroom, headline string, tags ...string) *newsdesk.Post {
	t.Helper()
	tt, err := newsdesk.MakeTags(tags)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p := &newsdesk.Post{Headline: headline, Summary: "What happened.", Status: newsdesk.PostPublished, PublishedAt: &now,
		SourceName: "The Eastmere Courier", OriginalURL: "https://courier.example/x", Tags: tt}
	if err := n.db.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// recordingQueue keeps the topics queued for delivery and for pings.
type recordingQueue struct {
	mu     sync.Mutex
	topics []string
	pings  map[string][]string
}

func (q *recordingQueue) EnqueueFollowRequest(context.Context, newsdesk.FollowRequest) error {
	return nil
}

func (q *recordingQueue) EnqueueDistribution(_ context.Context, topics []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.topics = append(q.topics, topics...)
	return nil
}

func (q *recordingQueue) EnqueuePings(_ context.Context, hub string, topics []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pings == nil {
		q.pings = map[string][]string{}
	}
	q.pings[hub] = append(q.pings[hub], topics...)
	return nil
}

func (q *recordingQueue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.topics
	q.topics = nil
	return out
}

// Every write of a post through the watched service sends the feeds the
// post was in or is now in: a draft sends none, publishing sends the
// site's and its tags', a tag taken off sends that tag's feed too, and
// putting a post back to draft sends the feeds it leaves.
func TestWritesSendTheFeedsTheyTouch(t *testing.T) {
	db := storetest.SQLite(t)
	n := newNewsroom(t, db, false, options{allow: "127.0.0.1"})
	q := &recordingQueue{}
	posts := n.hub.Watch(db, q)
	ctx := context.Background()
	site, harbour, transport := n.public+"/feed.xml", n.public+"/tag/harbour/feed.xml", n.public+"/tag/transport/feed.xml"

	tags, _ := newsdesk.MakeTags([]string{"Harbour", "Transport"})
	p := &newsdesk.Post{Headline: "Ferry", Summary: "The ferry.", Status: newsdesk.PostDraft,
		SourceName: "Courier", OriginalURL: "https://courier.example/f", Tags: tags}
	steps := []struct {
		name  string
		write func() error
		want  []string
	}{
		{"a draft", func() error { return posts.CreatePost(ctx, p) }, nil},
		{"published", func() error { p.Status = newsdesk.PostPublished; return posts.UpdatePost(ctx, p) }, []string{site, harbour, transport}},
		{"a tag taken off", func() error { p.Tags = p.Tags[:1]; return posts.UpdatePost(ctx, p) }, []string{site, harbour, transport}},
		{"edited", func() error { p.Summary = "The ferry runs."; return posts.UpdatePost(ctx, p) }, []string{site, harbour}},
		{"back to draft", func() error { p.Status = newsdesk.PostDraft; return posts.UpdatePost(ctx, p) }, []string{site, harbour}},
		{"a draft edited", func() error { p.Summary = "Draft."; return posts.UpdatePost(ctx, p) }, nil},
	}
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := q.take(); strings.Join(got, " ") != strings.Join(s.want, " ") {
			t.Errorf("%s: sent %q, want %q", s.name, got, s.want)
		}
	}
}
