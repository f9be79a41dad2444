package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The rules of RFC 9309 and Google's documented examples: groups chosen
// by product token, longest match wins, Allow wins a tie, '*' and '$'.
func TestRobotsRules(t *testing.T) {
	const robots = `# comments and odd spacing are fine
User-agent: *
Disallow: /private/
Disallow: /*.pdf$
Allow: /private/press/
Disallow: /search
Sitemap: https://example.com/sitemap.xml

User-agent: OtherBot
Disallow: /
`
	const mine = `User-agent: googlebot
User-Agent: NewsDesk/2.0
Disallow: /drafts
Allow: /drafts/public$
Disallow: /p
Allow: /page

user-agent: *
Disallow: /
`
	tests := []struct {
		name, robots, path string
		want               bool
	}{
		{"no rule matches", robots, "/news/today", true},
		{"disallowed directory", robots, "/private/memo", false},
		{"longer allow wins", robots, "/private/press/release", true},
		{"anchored wildcard", robots, "/files/report.pdf", false},
		{"anchor: not at the end", robots, "/files/report.pdf?download=1", true},
		{"prefix matches queries", robots, "/search?q=harbour", false},
		{"prefix is a plain prefix", robots, "/searchlight", false},
		{"other bot's group ignored", robots, "/anything", true},
		{"our own group, case-insensitive, with version", mine, "/drafts/x", false},
		{"our group replaces *", mine, "/elsewhere", true},
		{"anchored allow", mine, "/drafts/public", true},
		{"anchored allow, longer path", mine, "/drafts/public/2", false},
		{"longest match: allow /page over disallow /p", mine, "/page", true},
		{"longest match: disallow /p", mine, "/pets", false},
		{"empty file", "", "/x", true},
		{"empty disallow allows", "User-agent: *\nDisallow:\n", "/x", true},
		{"tie goes to allow", "User-agent: *\nDisallow: /a\nAllow: /a\n", "/a", true},
		{"star in the middle", "User-agent: *\nDisallow: /*/comments/\n", "/2026/03/comments/9", false},
		{"star in the middle, no match", "User-agent: *\nDisallow: /*/comments/\n", "/2026/03/story", true},
		{"groups of one agent merge", "User-agent: newsdesk\nDisallow: /a\n\nUser-agent: newsdesk\nDisallow: /b\n", "/b", false},
		{"consecutive agents share a group", "User-agent: a\nUser-agent: newsdesk\nDisallow: /x\n", "/x", false},
		{"a rule before any agent is ignored", "Disallow: /x\nUser-agent: *\nAllow: /\n", "/x", true},
		{"CR line ends", "User-agent: *\rDisallow: /x\r", "/x", false},
		{"escapes compared in upper case", "User-agent: *\nDisallow: /caf%c3%a9\n", "/caf%C3%A9", false},
		{"non-ASCII pattern matches its escapes", "User-agent: *\nDisallow: /café\n", "/caf%C3%A9/menu", false},
		{"byte-order mark", "\ufeffUser-agent: *\nDisallow: /x\n", "/x", false},
		{"unknown lines skipped", "User-agent: *\nnonsense\nCrawl-delay: 10\nDisallow: /x\n", "/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseRobots([]byte(tt.robots), RobotsAgent).allowed(tt.path)
			if got != tt.want {
				t.Fatalf("allowed(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// robotsServer serves a robots.txt the test sets (a status and a body)
// and counts how often it was asked.
type robotsServer struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	body     string
	requests atomic.Int32
	agent    atomic.Value // string: the last User-Agent
}

func newRobotsServer(t *testing.T, status int, body string) *robotsServer {
	s := &robotsServer{status: status, body: body}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		s.requests.Add(1)
		s.agent.Store(r.UserAgent())
		s.mu.Lock()
		status, body := s.status, s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *robotsServer) set(status int, body string) {
	s.mu.Lock()
	s.status, s.body = status, body
	s.mu.Unlock()
}

func testRobots(now *time.Time) *Robots {
	f := NewFetcher()
	f.Allow = MustAllow("127.0.0.1")
	f.Hosts = NewHostLimiter(DefaultPerHost, 0)
	r := NewRobots(f)
	r.Now = func() time.Time { return *now }
	return r
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A host's robots.txt is fetched once, naming newsdesk, and kept until it
// expires; a missing one allows everything, an unreadable one nothing.
func TestRobotsFetching(t *testing.T) {
	ctx := context.Background()
	srv := newRobotsServer(t, http.StatusOK, "User-agent: *\nDisallow: /private/\n")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := testRobots(&now)
	check := func(path string, want bool) {
		t.Helper()
		got, err := r.Allowed(ctx, mustParse(t, srv.URL+path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got != want {
			t.Fatalf("allowed(%s) = %v, want %v", path, got, want)
		}
	}

	// Many checks at once ask the host once.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, err := r.Allowed(ctx, mustParse(t, fmt.Sprintf("%s/news/%d", srv.URL, i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	check("/private/memo", false)
	if n := srv.requests.Load(); n != 1 {
		t.Fatalf("robots.txt fetched %d times, want 1", n)
	}
	if agent := srv.agent.Load().(string); !strings.Contains(agent, "newsdesk") {
		t.Fatalf("User-Agent %q does not name newsdesk", agent)
	}

	// A day later it is fetched again, and the new rules hold.
	srv.set(http.StatusOK, "User-agent: newsdesk\nDisallow: /\n")
	now = now.Add(DefaultRobotsTTL + time.Second)
	check("/news/1", false)
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("robots.txt fetched %d times after it expired, want 2", n)
	}

	// 404: no rules.
	srv.set(http.StatusNotFound, "not here")
	now = now.Add(DefaultRobotsTTL + time.Second)
	check("/private/memo", true)

	// 503: nothing may be fetched for now, and the host is not asked
	// again until the shorter error TTL has passed.
	srv.set(http.StatusServiceUnavailable, "down")
	now = now.Add(DefaultRobotsTTL + time.Second)
	_, err := r.Allowed(ctx, mustParse(t, srv.URL+"/news/1"))
	if err == nil || !strings.Contains(err.Error(), "robots.txt") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("robots.txt answering 503: got %v, want an error naming robots.txt and 503", err)
	}
	asked := srv.requests.Load()
	r.Allowed(ctx, mustParse(t, srv.URL+"/news/2"))
	if srv.requests.Load() != asked {
		t.Fatal("an unreadable robots.txt was asked for again at once")
	}
	srv.set(http.StatusOK, "")
	now = now.Add(DefaultRobotsErrorTTL + time.Second)
	check("/news/1", true)

	// /robots.txt itself is always allowed.
	srv.set(http.StatusOK, "User-agent: *\nDisallow: /\n")
	now = now.Add(DefaultRobotsTTL + time.Second)
	check("/robots.txt", true)
}

// An unreachable host's robots.txt disallows its pages for now.
func TestRobotsUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	now := time.Now()
	r := testRobots(&now)
	_, err := r.Allowed(context.Background(), mustParse(t, addr+"/news/1"))
	if err == nil || !strings.Contains(err.Error(), "robots.txt") {
		t.Fatalf("unreachable host: got %v, want an error about its robots.txt", err)
	}
}

// The cache forgets hosts to stay within its memory budget.
func TestRobotsCacheIsBounded(t *testing.T) {
	var servers []*robotsServer
	for range 5 {
		servers = append(servers, newRobotsServer(t, http.StatusOK, "User-agent: *\nDisallow: /"+strings.Repeat("x", 1000)+"\n"))
	}
	now := time.Now()
	r := testRobots(&now)
	r.MaxBytes = 3000
	for _, s := range servers {
		now = now.Add(time.Second)
		if _, err := r.Allowed(context.Background(), mustParse(t, s.URL+"/a")); err != nil {
			t.Fatal(err)
		}
	}
	r.mu.Lock()
	hosts, size := len(r.hosts), r.size
	r.mu.Unlock()
	if size > r.MaxBytes || hosts >= len(servers) {
		t.Fatalf("cache holds %d hosts in %d bytes; want under %d bytes", hosts, size, r.MaxBytes)
	}
	// The most recent host is kept.
	if _, err := r.Allowed(context.Background(), mustParse(t, servers[4].URL+"/b")); err != nil || servers[4].requests.Load() != 1 {
		t.Fatalf("the newest host was forgotten (%d fetches, %v)", servers[4].requests.Load(), err)
	}
}

// Hostile robots.txt files cannot crash the parser or make matching slow,
// and /robots.txt is always allowed.
func FuzzRobots(f *testing.F) {
	f.Add("User-agent: *\nDisallow: /private/\nAllow: /private/press/\n", "/private/press/x")
	f.Add("User-agent: newsdesk\nDisallow: /*.pdf$\n", "/a.pdf")
	f.Add("User-agent: *\nDisallow: /****a****b$$$\n", "/xaxb")
	f.Add("\ufeffuser-agent:*\r\ndisallow:/%e9\r", "/%E9")
	f.Fuzz(func(t *testing.T, robots, path string) {
		rules := parseRobots([]byte(robots), RobotsAgent)
		rules.allowed(path)
		rules.allowed("/" + path)
		u := &url.URL{Scheme: "http", Host: "example.com", Path: "/robots.txt"}
		r := &Robots{}
		if ok, err := r.Allowed(context.Background(), u); !ok || err != nil {
			t.Fatalf("/robots.txt not allowed: %v %v", ok, err)
		}
	})
}
