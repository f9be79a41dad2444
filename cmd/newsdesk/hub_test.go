package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
)

// With --public-url, serve is a WebSub hub for its own feeds: the feeds
// name it, a subscriber on loopback (allowed with --allow-private)
// subscribes at /hub and confirms, and a post published through the API
// reaches it within seconds, signed with its secret; the hub named by
// --websub-hub is told of the change.
func TestServeHub(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "newsdesk.db")
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := staff.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &newsdesk.User{Email: "ed@example.org", Role: newsdesk.RoleEditor, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	src := &newsdesk.Source{Name: "Pier Gazette", FeedURL: "https://pier.example/feed", NextPollAt: time.Now().Add(time.Hour)}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveItems(ctx, src.ID, []*newsdesk.Item{{GUID: "1", URL: "https://pier.example/1", Title: "Ferry"}}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var pinged []string
	var deliveries []*http.Request
	var bodies [][]byte
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		pinged = append(pinged, r.PostForm.Get("hub.mode")+" "+r.PostForm.Get("hub.url"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer other.Close()
	subscriber := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		deliveries, bodies = append(deliveries, r), append(bodies, body)
		mu.Unlock()
	}))
	defer subscriber.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	public := "http://" + addr
	serveForTest(t, "--database", dsn, "--addr", addr, "--public-url", public,
		"--allow-private", "127.0.0.1", "--websub-hub", other.URL+"/", "--extract=false")

	_, feed := get(t, http.DefaultClient, public+"/feed.xml")
	if !strings.Contains(feed, `<link rel="hub" href="`+public+`/hub">`) ||
		!strings.Contains(feed, `<link rel="hub" href="`+other.URL+`/">`) {
		t.Fatalf("the feed does not name the hubs:\n%s", feed)
	}

	const secret = "the subscriber's secret"
	res, err := http.PostForm(public+"/hub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {public + "/feed.xml"},
		"hub.callback": {subscriber.URL + "/cb"}, "hub.secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %s", res.Status)
	}
	waitUntil(t, "the subscription to be confirmed", func() bool {
		_, err := db.FindFeedFollower(ctx, public+"/feed.xml", subscriber.URL+"/cb")
		return err == nil
	})

	req, _ := http.NewRequest(http.MethodPost, public+"/api/posts",
		strings.NewReader(`{"item_id": 1, "headline": "Ferry timetable restored", "summary": "The ferry runs again.", "status": "published"}`))
	req.SetBasicAuth("ed@example.org", "correct horse battery")
	req.Header.Set("Content-Type", "application/json")
	published := time.Now()
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("publish: %s", res.Status)
	}
	waitUntil(t, "the feed to reach the subscriber", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(deliveries) > 0
	})
	took := time.Since(published)
	mu.Lock()
	body := bodies[0]
	sig := deliveries[0].Header.Get("X-Hub-Signature")
	mu.Unlock()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); sig != want {
		t.Errorf("X-Hub-Signature %q, want %q", sig, want)
	}
	if !strings.Contains(string(body), "Ferry timetable restored") {
		t.Errorf("the delivered feed lacks the post:\n%s", body)
	}
	if took > 5*time.Second {
		t.Errorf("the subscriber heard of the post %s after it was published", took)
	}
	t.Logf("delivered %s after publishing", took.Round(time.Millisecond))
	waitUntil(t, "the other hub to be told", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(pinged) > 0 && pinged[0] == "publish "+public+"/feed.xml"
	})
}

// waitUntil polls cond for up to 15 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// --websub-hub needs an address followers and other hubs can reach.
func TestServeHubFlags(t *testing.T) {
	for _, tt := range []struct{ args []string }{
		{[]string{"--websub-hub", "https://pubsubhubbub.example/"}},
		{[]string{"--public-url", "https://news.example.org", "--websub-hub", "ftp://hub.example/"}},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--database", filepath.Join(t.TempDir(), "n.db")}, tt.args...)
		_, _, msg := cli(t, "", args...)
		if !strings.Contains(msg, "--websub-hub") {
			t.Errorf("%v: %q, want a message about --websub-hub", tt.args, msg)
		}
	}
}
