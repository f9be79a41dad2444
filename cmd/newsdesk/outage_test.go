package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// While PostgreSQL cannot be reached, the site, the desk and the API say
// so truthfully: 503 Service Unavailable with a Retry-After, the API's
// error coded service_unavailable; when it is back, they answer as before
// without a restart of newsdesk.
func TestServeAnswers503WhileTheDatabaseIsDown(t *testing.T) {
	dsn, sw := storetest.PostgresSwitch(t)
	const email, password = "editor@example.org", "a long enough password"
	if _, _, msg := cli(t, password+"\n", "users", "add", "--database", dsn, "--role", "editor", email); msg != "" {
		t.Fatalf("users add: %s", msg)
	}
	base := serveForTest(t, "--database", dsn, "--extract=false")
	defer sw.Up() // so that serve stops cleanly when the test ends

	// An editor signed in before the outage.
	jar, _ := cookiejar.New(nil)
	editor := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := editor.PostForm(base+"/desk/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if status, _ := get(t, editor, base+"/"); status != 200 {
		t.Fatalf("home before the outage: %d", status)
	}

	sw.Down()
	for _, tc := range []struct {
		name string
		req  func() *http.Request
		api  bool
	}{
		{"site home", func() *http.Request { return newRequest(t, "GET", base+"/", nil) }, false},
		{"site post", func() *http.Request { return newRequest(t, "GET", base+"/posts/tram-line-consultation", nil) }, false},
		{"site tag", func() *http.Request { return newRequest(t, "GET", base+"/tag/transport", nil) }, false},
		{"site search", func() *http.Request { return newRequest(t, "GET", base+"/search?q=tram", nil) }, false},
		{"site feed", func() *http.Request { return newRequest(t, "GET", base+"/feed.xml", nil) }, false},
		{"sitemap", func() *http.Request { return newRequest(t, "GET", base+"/sitemap.xml", nil) }, false},
		{"desk page", func() *http.Request { return newRequest(t, "GET", base+"/desk/sources", nil) }, false},
		{"desk sign-in", func() *http.Request {
			r := newRequest(t, "POST", base+"/desk/signin", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, false},
		{"API public", func() *http.Request { return newRequest(t, "GET", base+"/api/posts", nil) }, true},
		{"API signed in", func() *http.Request {
			r := newRequest(t, "GET", base+"/api/sources", nil)
			r.SetBasicAuth(email, password)
			return r
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := editor.Do(tc.req())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503\n%s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Retry-After"); got != "10" {
				t.Fatalf("Retry-After %q, want 10", got)
			}
			if tc.api {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != newsdesk.ESERVICEUNAVAILABLE {
					t.Fatalf("API error body %s, want code %q", body, newsdesk.ESERVICEUNAVAILABLE)
				}
			} else if !strings.Contains(string(body), "Back in a moment") || !strings.Contains(string(body), "Try again in a moment") {
				t.Fatalf("the page does not say to try again:\n%s", body)
			}
		})
	}

	// The health check says so too, with the same Retry-After, so that a
	// load balancer waits as long as readers are asked to.
	t.Run("health check", func(t *testing.T) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "10" ||
			string(body) != "database unavailable\n" {
			t.Errorf("/healthz: %d, Retry-After %q, %q; want 503 after 10 s, database unavailable",
				resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	})

	sw.Up()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, _ := get(t, editor, base+"/desk/sources")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("desk after the database came back: %d", status)
		}
	}
}

func newRequest(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// While PostgreSQL is down, the log says so without repeating itself:
// each failure is written once, and how often it recurred is summarised
// once a minute, and at shutdown.
func TestServeLogStaysReadableWhileTheDatabaseIsDown(t *testing.T) {
	dsn, sw := storetest.PostgresSwitch(t)
	var log lockedBuffer
	var during string
	t.Run("serve", func(t *testing.T) {
		base := serveLogging(t, &log, "--database", dsn, "--extract=false", "--log-level", "info")
		defer sw.Up() // so that serve stops cleanly
		time.Sleep(time.Second)
		start := log.Len()
		sw.Down()
		// Five seconds of outage, with readers asking for pages.
		for range 25 {
			get(t, http.DefaultClient, base+"/")
			time.Sleep(200 * time.Millisecond)
		}
		during = log.String()[start:]
	})

	seen := map[string]int{}
	for _, m := range logLine.FindAllStringSubmatch(during, -1) {
		seen[m[1]+" "+m[2]]++
	}
	if len(seen) == 0 {
		t.Fatalf("nothing logged during the outage")
	}
	for msg, n := range seen {
		if n > 1 {
			t.Errorf("written %d times in 5 seconds: %s", n, msg)
		}
	}
	if !strings.Contains(during, `msg="request failed"`) || !strings.Contains(during, `msg="producer: Error fetching jobs"`) {
		t.Errorf("the outage's failures are not in the log:\n%s", during)
	}
	// At shutdown, the repeats are counted.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`level=ERROR msg="request failed" repeated=2[0-9] in_last=\S+ `),
		regexp.MustCompile(`level=ERROR msg="producer: Error fetching jobs" part=jobs repeated=\d+ in_last=\S+ `),
	} {
		if !want.MatchString(log.String()) {
			t.Errorf("no summary matching %s in the log:\n%s", want, log.String())
		}
	}
}

// logLine matches a line of the text log, capturing its level and message.
var logLine = regexp.MustCompile(`(?m)^time=\S+ level=(\w+) msg=("(?:[^"\\]|\\.)*"|\S+)`)

// lockedBuffer is a bytes.Buffer that a server may write while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}
