package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

	"github.com/newsdesk/newsdesk/store"
)

// With --public-url, serve subscribes a source at the hub its feed
// names, answers the hub's verification at /websub/, stores what the hub
// pushes, and says so in `sources list`.
func TestServeWebSub(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "newsdesk.db")

	// A hub on loopback: it accepts a subscription, verifies it, and keeps
	// the callback and secret to publish with.
	var mu sync.Mutex
	var callback, secret, verified string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.WriteHeader(http.StatusAccepted)
		form := r.PostForm
		go func() {
			q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {form.Get("hub.topic")},
				"hub.challenge": {"chal-42"}, "hub.lease_seconds": {"3600"}}
			resp, err := http.Get(form.Get("hub.callback") + "?" + q.Encode())
			if err != nil {
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			callback, secret, verified = form.Get("hub.callback"), form.Get("hub.secret"), string(body)
		}()
	}))
	defer hub.Close()
	var feedURL string
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pier Gazette</title>
<link rel="hub" href="%s/"/><link rel="self" href="%s"/>
<entry><id>p1</id><title>Ferry timetable</title><link href="https://pier.example/1"/></entry></feed>`, hub.URL, feedURL)
	}))
	defer feedSrv.Close()
	feedURL = feedSrv.URL + "/feed.atom"

	if _, _, msg := cli(t, "", "sources", "add", "--no-check", "--database", dsn, feedURL); msg != "" {
		t.Fatal(msg)
	}
	// The public URL is the server's own address: pick a free port first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serveForTest(t, "--database", dsn, "--addr", addr, "--public-url", "http://"+addr,
		"--allow-private", "127.0.0.1", "--tick", "200ms", "--extract=false")

	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		v := verified
		mu.Unlock()
		if v == "chal-42" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub's verification was not answered (got %q)", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.HasPrefix(callback, "http://"+addr+"/websub/1/") {
		t.Fatalf("callback %q", callback)
	}

	body := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pier Gazette</title>
<entry><id>p2</id><title>Harbour lights restored</title><link href="https://pier.example/2"/></entry></feed>`
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	req, _ := http.NewRequest(http.MethodPost, callback, strings.NewReader(body))
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("push: %s", resp.Status)
	}

	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountItems(context.Background(), 1); err != nil || n != 2 {
		t.Fatalf("%d items after the push (err %v), want 2", n, err)
	}
	out, _, msg := cli(t, "", "sources", "list", "--database", dsn)
	if msg != "" || !strings.Contains(out, "WebSub: subscribed via "+strings.TrimPrefix(hub.URL, "http://")+", lease until") {
		t.Fatalf("sources list: %s %s", out, msg)
	}
}
