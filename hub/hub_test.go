package hub_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/api"
	"github.com/newsdesk/newsdesk/hub"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

const (
	editorEmail    = "editor@harbour.example"
	editorPassword = "correct horse battery staple"
)

// newsroom is a newsdesk over a real database: the public site, the API
// and the hub on one loopback server, the hub's jobs on a real queue.
type newsroom struct {
	db     *store.DB
	hub    *hub.Hub
	queue  *jobs.Queue
	srv    *httptest.Server
	public string // the configured public address, srv's own
	itemID int64
}

type options struct {
	allow  string   // --allow-private
	others []string // other hubs to ping
	now    func() time.Time
}

// newNewsroom starts a newsroom. With a queue, the hub's jobs run: the
// end-to-end tests. Without, a test calls the hub's methods itself.
func newNewsroom(t *testing.T, db *store.DB, withQueue bool, o options) *newsroom {
	t.Helper()
	ctx := context.Background()
	n := &newsroom{db: db}
	var handler http.Handler
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(n.srv.Close)
	n.public = n.srv.URL

	fetcher := ingest.NewFetcher()
	fetcher.Allow = ingest.MustAllow(o.allow)
	hubs := append([]string{n.public + hub.Path}, o.others...)
	feeds := site.New(site.Config{Posts: posts.New(posts.Config{Posts: db, Items: db}), Title: "The Harbour Digest", BaseURL: n.public, Hubs: hubs})
	n.hub = hub.New(hub.Config{Followers: db, Fetcher: fetcher, Feeds: feeds, FeedPaths: site.FeedPaths,
		PublicURL: n.public, Others: o.others, Now: o.now})

	var q hub.Queue = noQueue{t}
	if withQueue {
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		var err error
		n.queue, err = jobs.New(jobs.Config{DB: db, Sources: db, Hub: n.hub, Workers: 2, Tick: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n.queue.Stop(ctx)
		})
		q = n.queue
	}

	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &newsdesk.User{Email: editorEmail, Role: newsdesk.RoleEditor, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	src := &newsdesk.Source{Name: "The Eastmere Courier", FeedURL: "https://courier.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{{GUID: "1", URL: "https://courier.example/ferry", Title: "Ferry"}}); err != nil {
		t.Fatal(err)
	}
	items, err := db.FindItems(ctx, newsdesk.ItemFilter{SourceID: src.ID})
	if err != nil || len(items) != 1 {
		t.Fatalf("items %v %v", items, err)
	}
	n.itemID = items[0].ID

	mux := http.NewServeMux()
	mux.Handle("/", feeds)
	mux.Handle("/api/", api.New(api.Config{Sources: db, Items: db, Posts: posts.New(posts.Config{Posts: n.hub.Watch(db, q), Items: db}), Staff: staff.New(staff.Config{Users: db}), Search: db}))
	mux.Handle(hub.Path, n.hub.Handler(q))
	handler = mux
	return n
}

// noQueue fails a test that queues work it does not run.
type noQueue struct{ t *testing.T }

func (q noQueue) EnqueueFollowRequest(context.Context, newsdesk.FollowRequest) error {
	q.t.Error("a follow request was queued")
	return nil
}

func (q noQueue) EnqueueDistribution(context.Context, []string) error {
	q.t.Error("a distribution was queued")
	return nil
}

func (q noQueue) EnqueuePings(context.Context, string, []string) error {
	q.t.Error("a ping was queued")
	return nil
}

// request POSTs a subscription request to the hub and returns its status
// and body.
func (n *newsroom) request(t *testing.T, form url.Values) (int, string) {
	t.Helper()
	res, err := http.PostForm(n.public+hub.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// publish publishes a post through the API, as an editor would.
func (n *newsroom) publish(t *testing.T, headline string, tags ...string) {
	t.Helper()
	body := `{"item_id": ` + strconv.FormatInt(n.itemID, 10) + `, "headline": "` + headline + `", "summary": "What happened at the harbour.", "status": "published", "tags": [` + quoteAll(tags) + `]}`
	req, err := http.NewRequest(http.MethodPost, n.public+"/api/posts", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(editorEmail, editorPassword)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("publish: %s %s", res.Status, b)
	}
}

func quoteAll(ss []string) string {
	var out []string
	for _, s := range ss {
		out = append(out, `"`+s+`"`)
	}
	return strings.Join(out, ", ")
}

// follower is a WebSub subscriber on loopback: it confirms what it is
// told to (echoing the challenge, or something else), and records what
// it is asked and sent.
type follower struct {
	srv *httptest.Server

	mu         sync.Mutex
	echo       func(challenge string) string // nil: 404, "I did not ask"
	verifyAs   int                           // status for verifications; 0 for 200
	answer     int                           // status for deliveries; 0 for 204
	asked      []url.Values                  // verification queries
	deliveries []delivery
	got        chan struct{} // a signal per delivery
}

type delivery struct {
	path, query string
	header      http.Header
	body        []byte
	at          time.Time
}

func newFollower(t *testing.T) *follower {
	t.Helper()
	f := &follower{got: make(chan struct{}, 100), echo: func(c string) string { return c }}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			f.asked = append(f.asked, q)
			if f.echo == nil {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			if f.verifyAs != 0 {
				w.WriteHeader(f.verifyAs)
			}
			io.WriteString(w, f.echo(q.Get("hub.challenge")))
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			f.deliveries = append(f.deliveries, delivery{path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body, at: time.Now()})
			if f.answer != 0 {
				w.WriteHeader(f.answer)
			} else {
				w.WriteHeader(http.StatusNoContent)
			}
			f.got <- struct{}{}
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *follower) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func (f *follower) lastAsked() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.asked) == 0 {
		return nil
	}
	return f.asked[len(f.asked)-1]
}

func (f *follower) delivered() []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]delivery(nil), f.deliveries...)
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hmacSHA256 is the signature a subscriber computes, written here
// rather than taken from the hub so that the test checks the hub.
func hmacSHA256(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// A subscriber asks the hub for the site's feed and a tag's, confirms,
// and within seconds of an editor publishing a post through the API
// receives each feed with the post in it, signed with its secret; the
// other hub the newsroom names is told of both feeds. Once unsubscribed,
// it is sent nothing more.
func TestSubscriberReceivesSignedPost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var pingMu sync.Mutex
		pinged := map[string]bool{}
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			pingMu.Lock()
			if r.PostForm.Get("hub.mode") == "publish" {
				pinged[r.PostForm.Get("hub.url")] = true
			}
			pingMu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		defer other.Close()

		n := newNewsroom(t, db, true, options{allow: "127.0.0.1", others: []string{other.URL + "/"}})
		f := newFollower(t)
		const secret = "a secret of the subscriber's, not the hub's"
		callback := f.srv.URL + "/callback/7f3a?reader=9" // a query the hub must keep
		site, tag := n.public+"/feed.xml", n.public+"/tag/harbour/feed.xml"

		// A tag's feed exists once the tag has a published post.
		n.publish(t, "Harbour reopens", "Harbour")
		time.Sleep(300 * time.Millisecond) // its distribution finds no follower

		for _, topic := range []string{site, tag} {
			status, body := n.request(t, url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic},
				"hub.callback": {callback}, "hub.secret": {secret}})
			if status != http.StatusAccepted {
				t.Fatalf("subscribe to %s: %d %s", topic, status, body)
			}
			waitFor(t, "the follower of "+topic+" to be stored", func() bool {
				_, err := db.FindFeedFollower(context.Background(), topic, callback)
				return err == nil
			})
		}
		q := f.lastAsked()
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != tag || q.Get("reader") != "9" ||
			q.Get("hub.lease_seconds") != "864000" || len(q.Get("hub.challenge")) < 16 {
			t.Errorf("verification query: %v", q)
		}
		if len(f.delivered()) != 0 {
			t.Fatalf("delivered before anything was published: %d", len(f.delivered()))
		}

		published := time.Now()
		n.publish(t, "Ferry timetable restored", "Harbour", "Transport")
		waitFor(t, "both feeds to be delivered", func() bool { return len(f.delivered()) >= 2 })
		byTopic := map[string]delivery{}
		for _, d := range f.delivered() {
			if d.path != "/callback/7f3a" || d.query != "reader=9" {
				t.Errorf("delivered to %s?%s, not the callback as given", d.path, d.query)
			}
			if got := d.header.Get("X-Hub-Signature"); got != hmacSHA256(secret, d.body) {
				t.Errorf("X-Hub-Signature %q does not sign the body with the secret", got)
			}
			if ct := d.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			_, self := ingest.DiscoverHub(d.body, nil)
			byTopic[self] = d
			wantLink := `<` + n.public + `/hub>; rel="hub", <` + self + `>; rel="self"`
			if got := d.header.Get("Link"); got != wantLink {
				t.Errorf("Link %q, want %q", got, wantLink)
			}
			if !strings.Contains(string(d.body), "Ferry timetable restored") {
				t.Errorf("the feed of %s lacks the new post", self)
			}
		}
		if _, ok := byTopic[site]; !ok {
			t.Errorf("the site's feed was not delivered (got %v)", keys(byTopic))
		}
		if _, ok := byTopic[tag]; !ok {
			t.Errorf("the tag's feed was not delivered (got %v)", keys(byTopic))
		}
		t.Logf("first delivery %s after publishing", f.delivered()[0].at.Sub(published).Round(time.Millisecond))
		waitFor(t, "the other hub to be told of both feeds", func() bool {
			pingMu.Lock()
			defer pingMu.Unlock()
			return pinged[site] && pinged[tag]
		})

		// Unsubscribed from both: the next post is sent nowhere.
		for _, topic := range []string{site, tag} {
			if status, body := n.request(t, url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {callback}}); status != http.StatusAccepted {
				t.Fatalf("unsubscribe: %d %s", status, body)
			}
			waitFor(t, "the follower of "+topic+" to be removed", func() bool {
				_, err := db.FindFeedFollower(context.Background(), topic, callback)
				return newsdesk.ErrorCode(err) == newsdesk.ENOTFOUND
			})
		}
		if q := f.lastAsked(); q.Get("hub.mode") != "unsubscribe" || q.Has("hub.lease_seconds") {
			t.Errorf("unsubscribe verification: %v", q)
		}
		before := len(f.delivered())
		n.publish(t, "Harbour lights", "Harbour")
		pingMu.Lock()
		delete(pinged, site)
		pingMu.Unlock()
		waitFor(t, "the other hub to hear of the third post", func() bool {
			pingMu.Lock()
			defer pingMu.Unlock()
			return pinged[site]
		})
		time.Sleep(500 * time.Millisecond)
		if len(f.delivered()) != before {
			t.Errorf("an unsubscribed callback was sent %d more deliveries", len(f.delivered())-before)
		}
	})
}

func keys(m map[string]delivery) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
