package hubcallback_test

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
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/hubcallback"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// What a hub sends is answered with the status the recommendation asks
// for: the awaited verification's challenge, 204 for any push to a real
// subscription (stored only when signed), 404 for callbacks newsdesk
// does not want, 413 for a push over the limit; and with WebSub off,
// 404 for everything.
func TestCallback(t *testing.T) {
	const (
		token  = "TOKEN234567"
		secret = "s3cret-s3cret-s3cret"
		topic  = "https://paper.example/feed.atom"
	)
	ctx := context.Background()
	db := storetest.SQLite(t)
	src := &newsdesk.Source{Name: "Paper", FeedURL: topic}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	f := ingest.NewFetcher()
	f.MaxBodyBytes = 4096
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})
	public, _ := url.Parse("https://desk.example/")
	ws := ingest.NewWebSub(svc, ingest.WebSubConfig{Leases: db, PublicURL: public})
	on := httptest.NewServer(hubcallback.New(hubcallback.Config{WebSub: ws}))
	defer on.Close()
	off := httptest.NewServer(hubcallback.New(hubcallback.Config{}))
	defer off.Close()
	now := time.Now()
	if err := db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: src.ID, Hub: "https://hub.example/",
		Topic: topic, Token: token, Secret: secret, State: newsdesk.LeasePending, RequestedAt: &now}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	sign := func(body string) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(body))
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	feed := `<feed xmlns="http://www.w3.org/2005/Atom"><title>Paper</title><entry><id>e1</id><title>Ferry</title><link href="https://paper.example/e1"/></entry></feed>`
	callback := "/websub/" + strconv.FormatInt(src.ID, 10) + "/" + token
	verify := "?" + url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.challenge": {"c-42"}}.Encode()
	for _, tc := range []struct {
		name         string
		srv          *httptest.Server
		method, path string
		signature    string
		body         string
		status       int
		answer       string
		items        int // after the request
	}{
		{"unsigned push", on, "POST", callback, "", feed, 204, "", 0},
		{"signed push", on, "POST", callback, sign(feed), feed, 204, "", 1},
		{"push over the limit", on, "POST", callback, sign(strings.Repeat("x", 5000)), strings.Repeat("x", 5000), 413, "", 1},
		{"push to a wrong token", on, "POST", "/websub/" + strconv.FormatInt(src.ID, 10) + "/guess", sign(feed), feed, 404, "", 1},
		{"push to no source", on, "POST", "/websub/x/" + token, sign(feed), feed, 404, "", 1},
		{"other method", on, "PUT", callback, "", "", 405, "", 1},
		{"verification with a wrong token", on, "GET", "/websub/" + strconv.FormatInt(src.ID, 10) + "/guess" + verify, "", "", 404, "", 1},
		{"the awaited verification", on, "GET", callback + verify, "", "", 200, "c-42", 1},
		{"the same again, not awaited", on, "GET", callback + verify, "", "", 404, "", 1},
		{"WebSub off: verification", off, "GET", callback + verify, "", "", 404, "", 1},
		{"WebSub off: push", off, "POST", callback, sign(feed), feed, 404, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, tc.srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.signature != "" {
				req.Header.Set("X-Hub-Signature", tc.signature)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || tc.answer != "" && string(answer) != tc.answer {
				t.Errorf("%d %q, want %d %q", res.StatusCode, answer, tc.status, tc.answer)
			}
			if strings.Contains(string(answer), "c-42") && tc.answer == "" {
				t.Errorf("echoed the challenge: %q", answer)
			}
			if n, _ := db.CountItems(ctx, src.ID); n != tc.items {
				t.Errorf("%d items, want %d", n, tc.items)
			}
		})
	}
}
