package ingest_test

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

// FuzzWebSubCallback throws arbitrary requests at the callback, as anyone
// on the internet may: the challenge is echoed only for the awaited
// verification, nothing is stored without a valid signature, and no
// request makes the callback fail.
func FuzzWebSubCallback(f *testing.F) {
	const (
		token  = "TOKEN234567"
		secret = "s3cret-s3cret-s3cret"
		topic  = "https://paper.example/feed.atom"
	)
	sign := func(body string) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(body))
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	feed := atomFeed("", topic, "f1")
	f.Add(false, token, "hub.mode=subscribe&hub.topic="+url.QueryEscape(topic)+"&hub.challenge=abc&hub.lease_seconds=86400", "", "")
	f.Add(false, token, "hub.mode=unsubscribe&hub.topic="+url.QueryEscape(topic)+"&hub.challenge=abc", "", "")
	f.Add(false, token, "hub.mode=denied&hub.topic="+url.QueryEscape(topic)+"&hub.reason=%00%ff", "", "")
	f.Add(false, "nope", "hub.mode=subscribe&hub.topic=x&hub.challenge=abc&hub.lease_seconds=99999999999999999999", "", "")
	f.Add(true, token, "", sign(feed), feed)
	f.Add(true, token, "", "sha256="+strings.Repeat("0", 64), feed)
	f.Add(true, token, "", "SHA256=", feed)
	f.Add(true, token, "", "sha1", "")
	f.Add(true, token, "", "=", "<feed")

	db := storetest.SQLite(f)
	ctx := context.Background()
	src := &newsdesk.Source{Name: "Paper", FeedURL: topic}
	if err := db.CreateSource(ctx, src); err != nil {
		f.Fatal(err)
	}
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: loopbackFetcher()})
	public, _ := url.Parse("https://desk.example/")
	ws := ingest.NewWebSub(svc, ingest.WebSubConfig{Leases: db, PublicURL: public})
	handler := hubcallback.New(hubcallback.Config{WebSub: ws})
	prefix := "/websub/" + strconv.FormatInt(src.ID, 10) + "/"

	f.Fuzz(func(t *testing.T, post bool, tok, rawQuery, signature, body string) {
		// Each input meets a subscription waiting for its verification.
		now := time.Now()
		if err := db.SaveLease(ctx, &newsdesk.WebSubLease{SourceID: src.ID, Hub: "https://hub.example/",
			Topic: topic, Token: token, Secret: secret, State: newsdesk.LeasePending, RequestedAt: &now}, time.Time{}); err != nil {
			t.Fatal(err)
		}
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		req, err := http.NewRequest(method, "http://desk.example"+prefix+url.PathEscape(tok)+"?"+rawQuery, strings.NewReader(body))
		if err != nil {
			return
		}
		if signature != "" {
			req.Header.Set("X-Hub-Signature", signature)
		}
		before, _ := db.CountItems(ctx, src.ID)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		resp := rec.Result()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d: %s", resp.StatusCode, got)
		}
		after, _ := db.CountItems(ctx, src.ID)
		q, _ := url.ParseQuery(rawQuery)
		if !post {
			in, perr := ingest.ParseIntent(q)
			if resp.StatusCode == http.StatusOK && len(got) > 0 &&
				(perr != nil || tok != token || in.Topic != topic || in.Mode != "subscribe" || string(got) != in.Challenge) {
				t.Fatalf("echoed %q to %s %q", got, tok, rawQuery)
			}
			return
		}
		if after != before && (tok != token || ingest.CheckSignature(secret, signature, []byte(body)) != nil) {
			t.Fatalf("stored %d items from an unsigned or forged push", after-before)
		}
	})
}
