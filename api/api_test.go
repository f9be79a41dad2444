package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/api"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

var testNow = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

const (
	editorEmail    = "editor@example.org"
	editorPassword = "correct horse battery"
)

// env is the API and the desk on one real server, as newsdesk serves
// them, sharing one limit on failed sign-ins, over a fresh database
// (SQLite unless a test says otherwise) with one editor.
type env struct {
	db     *store.DB
	feeds  *fakeFeeds
	srv    *httptest.Server
	editor *newsdesk.User
	// signInClock is the clock of staff's sign-ins and sessions, which a
	// test moves on to end a wait for the limit on failed sign-ins. The
	// desk's pages keep testNow.
	signInClock *testClock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, storetest.SQLite(t))
}

// newEnvOn is newEnv over the database given, for the tests that run on
// both databases.
func newEnvOn(t *testing.T, db *store.DB) *env {
	t.Helper()
	feeds := &fakeFeeds{db: db, errs: map[string]error{}}
	now := func() time.Time { return testNow }
	clock := &testClock{t: testNow}
	staffService := staff.New(staff.Config{Users: db, Now: clock.now})
	mux := http.NewServeMux()
	postService := posts.New(posts.Config{Posts: db, Items: db})
	mux.Handle("/api/", api.New(api.Config{Sources: db, Items: db, Posts: postService, Staff: staffService, Feeds: feeds}))
	mux.Handle("/desk/", desk.New(desk.Config{Sources: db, Items: db, Posts: postService, Staff: staffService, Feeds: feeds, Now: now}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, feeds: feeds, srv: srv, editor: u, signInClock: clock}
}

// testClock is a clock a test moves while the server reads it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// call is one request to the API.
type call struct {
	method, path string
	body         string
	auth         bool        // send the editor's Basic credentials
	header       http.Header // more headers
	client       *http.Client
}

// result is what came back.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, c call) result {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, e.srv.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth {
		req.SetBasicAuth(editorEmail, editorPassword)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	client := c.client
	if client == nil {
		client = e.srv.Client()
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", c.method, c.path, ct)
	}
	return result{status: res.StatusCode, header: res.Header, body: b}
}

// decode reads the JSON answer into v.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, r.body)
	}
}

// apiError is the error answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantError checks that r is the error answer with status, code and
// message (when message is not empty).
func (r result) wantError(t *testing.T, status int, code, message string) {
	t.Helper()
	var e apiError
	r.decode(t, &e)
	if r.status != status || e.Error.Code != code || (message != "" && e.Error.Message != message) {
		t.Errorf("got %d %q %q, want %d %q %q", r.status, e.Error.Code, e.Error.Message, status, code, message)
	}
}

// fakeFeeds stands in for package ingest, storing through the real
// store, or failing with the coded error a test gives it.
type fakeFeeds struct {
	db *store.DB

	mu    sync.Mutex
	errs  map[string]error // by feed URL
	calls int
}

var _ newsdesk.FeedService = (*fakeFeeds)(nil)

func (f *fakeFeeds) AddFeed(ctx context.Context, rawURL string) (*newsdesk.Source, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := f.errs[rawURL]; err != nil {
		return nil, err
	}
	src := &newsdesk.Source{Name: "Harbor City Ledger", FeedURL: rawURL, Status: newsdesk.SourceOK, LastPolledAt: &testNow, NextPollAt: testNow.Add(time.Hour)}
	if err := f.db.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	_, err := f.db.SaveItems(ctx, src.ID, []*newsdesk.Item{testItem(rawURL, 1), testItem(rawURL, 2)})
	return src, err
}

func (f *fakeFeeds) PollSource(ctx context.Context, id int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	src, err := f.db.FindSourceByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if err := f.errs[src.FeedURL]; err != nil {
		return 0, firstErr(f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: testNow, Err: err, NextAt: testNow.Add(time.Hour)}), err)
	}
	n, err := f.db.SaveItems(ctx, id, []*newsdesk.Item{testItem(src.FeedURL, 10), testItem(src.FeedURL, 11), testItem(src.FeedURL, 12)})
	if err != nil {
		return 0, err
	}
	return n, f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: testNow, NextAt: testNow.Add(time.Hour)})
}

// firstErr returns recordErr if recording the poll failed, else err.
func firstErr(recordErr, err error) error {
	if recordErr != nil {
		return recordErr
	}
	return err
}

func (f *fakeFeeds) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func testItem(feedURL string, n int) *newsdesk.Item {
	published := testNow.Add(-time.Duration(n) * time.Hour)
	return &newsdesk.Item{
		GUID: fmt.Sprintf("%s#%d", feedURL, n), URL: fmt.Sprintf("https://news.example/%d", n),
		Title: fmt.Sprintf("Story %d", n), Summary: fmt.Sprintf("Summary %d.", n), PublishedAt: &published,
	}
}

// source stores a source with items.
func (e *env) source(t *testing.T, name string, items ...*newsdesk.Item) *newsdesk.Source {
	t.Helper()
	src := &newsdesk.Source{Name: name, FeedURL: "https://" + newsdesk.Slugify(name) + ".example/feed"}
	if err := e.db.CreateSource(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveItems(context.Background(), src.ID, items); err != nil {
		t.Fatal(err)
	}
	return src
}

// post stores a post.
func (e *env) post(t *testing.T, headline string, status newsdesk.PostStatus, at time.Time) *newsdesk.Post {
	t.Helper()
	p := &newsdesk.Post{Headline: headline, Summary: "About " + headline + ".", Status: status,
		SourceName: "Civic Gazette", OriginalURL: "https://civic.example/" + newsdesk.Slugify(headline)}
	if status == newsdesk.PostPublished {
		p.PublishedAt = &at
	}
	if err := e.db.CreatePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// deskSession signs in through the desk and returns a client holding its
// session cookie.
func (e *env) deskSession(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(e.srv.URL+"/desk/signin", url.Values{"email": {editorEmail}, "password": {editorPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("desk sign-in: status %d", res.StatusCode)
	}
	return c
}

func TestUnknownEndpoint(t *testing.T) {
	e := newEnv(t)
	e.do(t, call{method: "GET", path: "/api/nothing"}).wantError(t, 404, newsdesk.ENOTFOUND, "No such endpoint: GET /api/nothing.")
	r := e.do(t, call{method: "DELETE", path: "/api/posts"})
	r.wantError(t, 405, "method_not_allowed", "")
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow %q", allow)
	}
}

// jsonBody marshals v for a request.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
