package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/desk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/staff"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
)

// The outlets of TestImportManyFeeds, by kind: how many of each, and what
// their feed addresses answer.
const (
	fastFeeds    = 150 // a feed at once
	slowFeeds    = 10  // a feed after slowDelay
	homePages    = 10  // a home page that names its feed
	stalledFeeds = 5   // nothing until the fetch times out
	missingFeeds = 10  // 404
	brokenFeeds  = 5   // 500
	plainPages   = 5   // a web page that names no feed
	junkFeeds    = 5   // not a feed
	slowDelay    = 3 * time.Second
	fetchTimeout = 5 * time.Second
)

// outlets serves many outlets' feeds on 127.0.0.1, some slow, some
// failing, and counts the requests.
func outlets(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		kind, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		rss := func() {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%[1]s</title><link>http://%[2]s/</link>
<item><guid>%[1]s-1</guid><title>First from %[1]s</title><link>http://%[2]s/%[1]s/1</link></item>
<item><guid>%[1]s-2</guid><title>Second from %[1]s</title><link>http://%[2]s/%[1]s/2</link></item></channel></rss>`, name, r.Host)
		}
		switch kind {
		case "fast":
			rss()
		case "slow":
			select {
			case <-time.After(slowDelay):
				rss()
			case <-r.Context().Done():
			}
		case "stalled":
			select {
			case <-time.After(time.Minute):
			case <-r.Context().Done():
			}
		case "home":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/fast/%s-feed"></head><body>Home</body></html>`, name)
		case "page":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><html><body>No feed here</body></html>`)
		case "broken":
			http.Error(w, "oops", http.StatusInternalServerError)
		case "junk":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "this is not a feed")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// An editor imports the subscriptions of a newsroom that follows two
// hundred outlets, some slow, some broken, through the desk's real HTTP
// server, with the workers running as `newsdesk serve` runs them. The
// upload is answered before a single slow outlet could have been read,
// and the import's page then shows the checks as the workers make them,
// until every feed is read or says why it could not be.
func TestImportManyFeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		site, requests := outlets(t)
		f := ingest.NewFetcher()
		f.Allow = ingest.MustAllow("127.0.0.1")
		// One host stands for two hundred: politeness is not what this
		// test is about.
		f.Hosts = ingest.NewHostLimiter(64, 0)
		f.Timeout, f.IdleTimeout = fetchTimeout, fetchTimeout
		feeds := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(jobs.Config{DB: db, Sources: db, Feeds: feeds, Workers: 8, Tick: 250 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(ctx)
		})
		srv := httptest.NewServer(desk.New(desk.Config{Sources: db, Items: db, Posts: testPosts(db), Feeds: feeds,
			Staff: staff.New(staff.Config{Users: db})}))
		t.Cleanup(srv.Close)
		hash, err := staff.HashPassword(editorPassword)
		if err != nil {
			t.Fatal(err)
		}
		u := &newsdesk.User{Email: editorEmail, Name: "Edna Editor", Role: newsdesk.RoleEditor, PasswordHash: hash}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		e := &env{db: db, srv: srv, editor: u}
		c := e.signedIn(t)

		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>Newsroom</title></head><body>` + "\n")
		total := 0
		for _, k := range []struct {
			kind string
			n    int
		}{
			{"fast", fastFeeds}, {"slow", slowFeeds}, {"home", homePages}, {"stalled", stalledFeeds},
			{"missing", missingFeeds}, {"broken", brokenFeeds}, {"page", plainPages}, {"junk", junkFeeds},
		} {
			fmt.Fprintf(&b, `<outline text="%s">`+"\n", k.kind)
			for i := range k.n {
				fmt.Fprintf(&b, `<outline text="%[2]s outlet %[3]d" xmlUrl="%[1]s/%[2]s/%[3]d"/>`+"\n", site.URL, k.kind, i)
				total++
			}
			b.WriteString("</outline>\n")
		}
		// Listed twice: skipped.
		fmt.Fprintf(&b, `<outline text="fast outlet 0 again" xmlUrl="%s/fast/0"/>`+"\n</body></opml>", site.URL)

		start := time.Now()
		res, body := e.upload(t, c, []byte(b.String()))
		took := time.Since(start)
		t.Logf("the upload of %d feeds was answered in %v, after %d requests to the outlets", total+1, took.Round(time.Millisecond), requests.Load())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: status %d, want 303 to the import's page:\n%s", res.StatusCode, body)
		}
		if took >= slowDelay {
			t.Errorf("the upload took %v: it waited for the outlets, which take %v each for the slow ones", took, slowDelay)
		}
		status := res.Header.Get("Location")

		// The import's page, reloaded as the browser does, until every feed
		// has been checked.
		var progress []string
		deadline := time.Now().Add(90 * time.Second)
		for {
			_, body = e.get(t, c, status)
			p := elementText(t, body, "import-checked")
			if len(progress) == 0 || progress[len(progress)-1] != p {
				progress = append(progress, p)
			}
			if !strings.Contains(body, "waiting") {
				break
			}
			if !strings.Contains(body, `<meta http-equiv="refresh" content="3">`) {
				t.Fatalf("the page does not reload itself while feeds wait:\n%s", body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 90s the import's page still reads %q", p)
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Logf("every feed checked %v after the upload; the page read, in turn: %q", time.Since(start).Round(100*time.Millisecond), progress)
		if got := elementText(t, body, "import-summary"); got != fmt.Sprintf("Added %d of %d feeds; 1 skipped.", total, total+1) {
			t.Errorf("summary %q", got)
		}
		read := fastFeeds + slowFeeds + homePages
		failed := total - read
		if want := fmt.Sprintf("Every new feed has been checked: %d read, %d failed.", read, failed); progress[len(progress)-1] != want {
			t.Errorf("the page ends on %q, want %q", progress[len(progress)-1], want)
		}
		if len(progress) < 3 {
			t.Errorf("the page read only %q: want it to show the checks as they went", progress)
		}
		if strings.Contains(body, `http-equiv="refresh"`) {
			t.Error("the page still reloads itself after every feed was checked")
		}

		// Each failed feed says why; a home page led to its feed.
		why := map[string]string{
			"stalled": "127.0.0.1 ", // did not answer in time, or stopped sending data
			"missing": "answered 404 Not Found.",
			"broken":  "answered 500 Internal Server Error.",
			"page":    "The address is a web page, not a feed.",
			"junk":    "",
		}
		rows := regexp.MustCompile(`<tr id="source-\d+"><td>(\w+) outlet \d+</td><td class="url">[^<]*</td><td class="last-error">([^<]*)</td>`).FindAllStringSubmatch(body, -1)
		if len(rows) != failed {
			t.Errorf("%d failed feeds listed, want %d", len(rows), failed)
		}
		for _, row := range rows {
			want, ok := why[row[1]]
			if !ok || row[2] == "" || !strings.Contains(row[2], want) {
				t.Errorf("%s outlet failed with %q, want %q", row[1], row[2], want)
			}
		}
		for i := range homePages {
			want := fmt.Sprintf(`<td class="url">%s/fast/%d-feed</td>`, site.URL, i)
			if !strings.Contains(body, want) {
				t.Errorf("home page %d: the page lacks %s", i, want)
			}
		}

		// The sources page shows every new source's status too.
		_, body = e.get(t, c, "/desk/sources")
		if n, m := strings.Count(body, `<span class="badge badge-ok">ok</span>`), strings.Count(body, `<span class="badge badge-error">error</span>`); n != read || m != failed {
			t.Errorf("the sources page shows %d sources ok and %d in error, want %d and %d", n, m, read, failed)
		}
	})
}
