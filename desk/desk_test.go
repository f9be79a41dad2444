package desk_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/posts"
	"github.com/newsdesk/newsdesk/site"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// testNow is the desk's clock in tests.
var testNow = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

const (
	editorEmail    = "editor@example.org"
	editorPassword = "correct horse battery"
)

// env is a desk and the public site on one real server, as newsdesk
// serves them, over a fresh SQLite database, with one editor.
type env struct {
	db     *store.DB
	feeds  *fakeFeeds
	srv    *httptest.Server
	editor *newsdesk.User
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, false)
}

func newEnvWith(t *testing.T, secureCookies bool) *env {
	t.Helper()
	db := storetest.SQLite(t)
	feeds := newFakeFeeds(db)
	mux := http.NewServeMux()
	mux.Handle("/", site.New(site.Config{Posts: testPosts(db), Title: "The Harbour Digest"}))
	mux.Handle("/desk/", desk.New(desk.Config{
		Sources: db, Items: db, Posts: testPosts(db), Staff: testStaff(db), Feeds: feeds,
		Now: func() time.Time { return testNow }, SecureCookies: secureCookies,
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	hash, err := staff.HashPassword(editorPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, feeds: feeds, srv: srv, editor: u}
}

// testStaff returns a staff service over db on the desk's clock in tests.
func testStaff(db *store.DB) *staff.Service {
	return staff.New(staff.Config{Users: db, Now: func() time.Time { return testNow }})
}

// testPosts returns a posts service over db.
func testPosts(db *store.DB) *posts.Service {
	return posts.New(posts.Config{Posts: db, Items: db})
}

// browser returns a client with a cookie jar that does not follow
// redirects, so tests see where each answer sends the browser.
func (e *env) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

// signedIn returns a browser signed in as the editor.
func (e *env) signedIn(t *testing.T) *http.Client {
	t.Helper()
	c := e.browser(t)
	res, _ := e.post(t, c, "/desk/signin", url.Values{"email": {editorEmail}, "password": {editorPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: status %d, want 303", res.StatusCode)
	}
	return c
}

// answer is what a test reads of a response.
type answer struct {
	StatusCode int
	Header     http.Header
}

func (e *env) get(t *testing.T, c *http.Client, path string) (answer, string) {
	t.Helper()
	return e.do(t, c, http.MethodGet, path, nil, nil)
}

func (e *env) post(t *testing.T, c *http.Client, path string, form url.Values) (answer, string) {
	t.Helper()
	return e.do(t, c, http.MethodPost, path, form, nil)
}

func (e *env) do(t *testing.T, c *http.Client, method, path string, form url.Values, header http.Header) (answer, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{StatusCode: res.StatusCode, Header: res.Header}, string(b)
}

// follow fetches where a redirect points, as a browser would.
func (e *env) follow(t *testing.T, c *http.Client, a answer) (answer, string) {
	t.Helper()
	if a.StatusCode != http.StatusSeeOther && a.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want a redirect", a.StatusCode)
	}
	return e.get(t, c, a.Header.Get("Location"))
}

// element returns the HTML of the first element with the given id.
func element(t *testing.T, body, tag, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<` + tag + ` id="` + regexp.QuoteMeta(id) + `"[^>]*>.*?</` + tag + `>`).FindString(body)
	if m == "" {
		t.Fatalf("no <%s id=%q> in the page:\n%s", tag, id, body)
	}
	return m
}

// fakeFeeds stands in for package ingest: it follows made-up feeds from
// a table, or fails with the coded error a test gives it, storing through
// the real store as the real service does.
type fakeFeeds struct {
	db *store.DB

	mu      sync.Mutex
	feeds   map[string]fakeFeed // by URL
	addErr  map[string]error    // by URL
	pollErr map[int64]error     // by source ID
	calls   int
	polled  int
}

type fakeFeed struct {
	name  string
	items int
}

var _ newsdesk.FeedService = (*fakeFeeds)(nil)

func newFakeFeeds(db *store.DB) *fakeFeeds {
	return &fakeFeeds{db: db, feeds: map[string]fakeFeed{}, addErr: map[string]error{}, pollErr: map[int64]error{}}
}

func (f *fakeFeeds) AddFeed(ctx context.Context, rawURL string) (*newsdesk.Source, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := f.addErr[rawURL]; err != nil {
		return nil, err
	}
	feed, ok := f.feeds[rawURL]
	if !ok {
		return nil, newsdesk.Errorf(newsdesk.EUNAVAILABLE, "No such feed in the test.")
	}
	src := &newsdesk.Source{Name: feed.name, FeedURL: rawURL, Status: newsdesk.SourceOK, LastPolledAt: &testNow, NextPollAt: testNow.Add(30 * time.Minute)}
	if err := f.db.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	var items []*newsdesk.Item
	for i := range feed.items {
		items = append(items, testItem(rawURL, i))
	}
	if _, err := f.db.SaveItems(ctx, src.ID, items); err != nil {
		return nil, err
	}
	return src, nil
}

func (f *fakeFeeds) PollSource(ctx context.Context, id int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polled++
	src, err := f.db.FindSourceByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if err := f.pollErr[id]; err != nil {
		if rerr := f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: testNow, Err: err, NextAt: testNow.Add(time.Hour)}); rerr != nil {
			return 0, rerr
		}
		return 0, err
	}
	n, err := f.db.SaveItems(ctx, id, []*newsdesk.Item{
		testItem(src.FeedURL, 1000+f.polled), testItem(src.FeedURL, 2000+f.polled), testItem(src.FeedURL, 3000+f.polled),
	})
	if err != nil {
		return 0, err
	}
	return n, f.db.RecordPoll(ctx, id, newsdesk.PollResult{At: testNow, NextAt: testNow.Add(30 * time.Minute)})
}

func (f *fakeFeeds) addCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// testItem makes the nth item of a feed.
func testItem(feedURL string, n int) *newsdesk.Item {
	published := testNow.Add(-time.Duration(n+1) * time.Hour)
	return &newsdesk.Item{
		GUID:        fmt.Sprintf("%s#%d", feedURL, n),
		URL:         fmt.Sprintf("https://news.example/stories/%d", n),
		Title:       fmt.Sprintf("Story %d from the wire", n),
		Summary:     fmt.Sprintf("Summary of story %d. It has two sentences.", n),
		PublishedAt: &published,
	}
}

// follow makes a source with items directly in the store.
func (e *env) source(t *testing.T, name string, items ...*newsdesk.Item) *newsdesk.Source {
	t.Helper()
	ctx := context.Background()
	src := &newsdesk.Source{Name: name, FeedURL: "https://" + newsdesk.Slugify(name) + ".example/feed.xml", NextPollAt: testNow.Add(20 * time.Minute)}
	if err := e.db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SaveItems(ctx, src.ID, items); err != nil {
		t.Fatal(err)
	}
	return src
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
