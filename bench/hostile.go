package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/store"
)

// hostileBenchmark measures what a hostile feed costs newsdesk in memory:
// a child process, newsdesk's store and ingest service and nothing else,
// adds each kind of hostile feed, alone and eight at once (as eight API
// clients would), and reports its peak resident memory above what it held
// when idle. feeds are the kinds measured, hostileFeeds in the harness.
func hostileBenchmark(feeds []hostileFeed) benchmark {
	return benchmark{
		name:    "hostile",
		about:   "peak memory of a newsdesk process adding each kind of hostile 10 MB feed, alone and eight at once",
		timeout: 8 * time.Minute,
		run: func(ctx context.Context, e *env) ([]row, error) {
			return runHostile(ctx, e, feeds)
		},
		children: map[string]childFunc{
			"add": hostileChild,
		},
	}
}

// hostileSize is how large each hostile feed is: just under the
// fetcher's limit of 10 MiB, as an attacker would make it.
const hostileSize = ingest.DefaultMaxBodyBytes - 256<<10

// hostileFeed is one kind of hostile feed.
type hostileFeed struct {
	name, about string
	body        func() []byte
}

// hostileFeeds are the shapes measured: those the issue names (deep
// nesting, 100,000 items, a huge element, many attributes, huge text)
// and those that slip under one limit to press on another.
func hostileFeeds() []hostileFeed {
	return []hostileFeed{
		{"deep", "a million elements nested in one another (7 MB)", func() []byte {
			const n = 1_000_000
			return rssAround(strings.Repeat("<a>", n) + strings.Repeat("</a>", n))
		}},
		{"100k-items", "100,000 small items", func() []byte {
			return fill(rssHead, "</channel></rss>", func(b *strings.Builder, i int) {
				fmt.Fprintf(b, "<item><guid>h%d</guid><title>Item %d</title><pubDate>Mon, 02 Jun 2025 09:30:00 +0000</pubDate></item>", i, i)
			})
		}},
		{"huge-element", "one item whose description is 10 MB of text", func() []byte {
			return rssAround("<item><guid>h</guid><title>Huge</title><description>" +
				strings.Repeat("lorem ipsum dolor sit amet ", hostileSize/27) + "</description></item>")
		}},
		{"channel-text", "10 MB of text straight inside the channel", func() []byte {
			return rssAround(strings.Repeat("lorem ipsum dolor sit amet ", hostileSize/27) + "<item><guid>h</guid><title>After</title></item>")
		}},
		{"many-attributes", "one element with a million attributes", func() []byte {
			var b strings.Builder
			for i := 0; b.Len() < hostileSize; i++ {
				fmt.Fprintf(&b, ` a%d="x"`, i)
			}
			return rssAround("<item><guid>h</guid><category" + b.String() + ">c</category></item>")
		}},
		{"huge-attribute", "an enclosure whose URL is 10 MB long", func() []byte {
			return rssAround(`<item><guid>h</guid><enclosure type="image/jpeg" url="https://hostile.example/` +
				strings.Repeat("a", hostileSize) + `"/></item>`)
		}},
		{"many-extensions", "items of 300 Dublin Core subjects each", func() []byte {
			subjects := strings.Repeat("<dc:subject>s</dc:subject>", 300)
			return fill(rssHead, "</channel></rss>", func(b *strings.Builder, i int) {
				fmt.Fprintf(b, "<item><guid>h%d</guid>%s</item>", i, subjects)
			})
		}},
		{"html-items", "items of 1.9 MB of escaped HTML each", func() []byte {
			html := strings.Repeat("&lt;p&gt;lorem &lt;b&gt;ipsum&lt;/b&gt; &amp; dolor&lt;/p&gt; ", 1900<<10/58)
			return fill(rssHead, "</channel></rss>", func(b *strings.Builder, i int) {
				fmt.Fprintf(b, "<item><guid>h%d</guid><title>t</title><description>%s</description></item>", i, html)
			})
		}},
		{"full-items", "1,000 items of 10 KB of text each: read whole", func() []byte {
			text := strings.Repeat("lorem ipsum dolor sit amet ", (hostileSize/1000-100)/27)
			var b strings.Builder
			b.WriteString(rssHead)
			for i := range 1000 {
				fmt.Fprintf(&b, "<item><guid>h%d</guid><title>t</title><description>%s</description></item>", i, text)
			}
			b.WriteString("</channel></rss>")
			return []byte(b.String())
		}},
		{"bad-utf8", "100,000 items in Latin-1, said to be UTF-8", func() []byte {
			return fill(rssHead, "</channel></rss>", func(b *strings.Builder, i int) {
				fmt.Fprintf(b, "<item><guid>h%d</guid><title>Caf\xe9 cr\xe8me %d</title></item>", i, i)
			})
		}},
		{"json-100k-items", "a JSON Feed of 100,000 items", func() []byte {
			return fill(`{"version":"https://jsonfeed.org/version/1.1","title":"Hostile","items":[{"id":"h"}`, "]}", func(b *strings.Builder, i int) {
				fmt.Fprintf(b, `,{"id":"h%d","title":"Item %d","content_text":"x"}`, i, i)
			})
		}},
		{"json-deep", "a JSON Feed nested 4 million deep", func() []byte {
			const n = 4 << 20
			return []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"h","x":` +
				strings.Repeat("[", n) + strings.Repeat("]", n) + `}]}`)
		}},
	}
}

const rssHead = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
	`<channel><title>Hostile</title><link>https://hostile.example/</link>`

func rssAround(inner string) []byte {
	return []byte(rssHead + inner + "</channel></rss>")
}

// fill writes head, then as many of item as fit in hostileSize, then tail.
func fill(head, tail string, item func(b *strings.Builder, i int)) []byte {
	var b, one strings.Builder
	b.Grow(hostileSize)
	b.WriteString(head)
	for i := 0; ; i++ {
		one.Reset()
		item(&one, i)
		if b.Len()+one.Len()+len(tail) > hostileSize {
			break
		}
		b.WriteString(one.String())
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// hostileServer serves each hostile feed at /{name}/{copy}, in chunks
// with no Content-Length, so that newsdesk cannot size its buffer ahead.
type hostileServer struct {
	url   string
	srv   *http.Server
	feeds map[string][]byte
}

func startHostileServer(feeds []hostileFeed) (*hostileServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &hostileServer{url: "http://" + ln.Addr().String(), feeds: map[string][]byte{}}
	for _, f := range feeds {
		s.feeds[f.name] = f.body()
	}
	s.feeds["good"] = rssAround(`<item><guid>g</guid><title>Good</title><description>An honest item.</description></item>`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{name}/{copy}", func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.feeds[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		for len(body) > 0 {
			n := min(len(body), 64<<10)
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			body = body[n:]
		}
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *hostileServer) close() { s.srv.Close() }

// hostileInput is what the parent sends the child.
type hostileInput struct {
	DSN  string
	Good string   // an honest feed, added first so that idle is warm
	URLs []string // the hostile feeds to add at once
}

// hostileOutput is what the child measured.
type hostileOutput struct {
	IdleRSS int64 // bytes resident once warm, before the hostile feeds
	PeakRSS int64 // the most resident while they were added; 0 if unknown
	Seconds float64
	Outcome string // what came of the first add: its error, or its items and note
}

func runHostile(ctx context.Context, e *env, feeds []hostileFeed) ([]row, error) {
	e.logf("hostile: generating %d feeds of %d MB", len(feeds), hostileSize>>20)
	srv, err := startHostileServer(feeds)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	sqlite := e.databases()[0]

	var rows []row
	for _, f := range feeds {
		for _, at := range []int{1, 8} {
			variant := "alone"
			if at > 1 {
				variant = fmt.Sprintf("%d at once", at)
			}
			var above, wall []float64
			var outcome string
			var idle int64
			for run := range e.count {
				e.logf("hostile: %s, %s: run %d of %d", f.name, variant, run+1, e.count)
				in := hostileInput{Good: srv.url + "/good/0"}
				for i := range at {
					in.URLs = append(in.URLs, fmt.Sprintf("%s/%s/%d", srv.url, f.name, i))
				}
				dsn, drop, err := sqlite.create(ctx)
				if err != nil {
					return rows, err
				}
				in.DSN = dsn
				var out hostileOutput
				_, err = e.runChild(ctx, "hostile", "add", in, &out)
				drop()
				if err != nil {
					return rows, fmt.Errorf("%s, %s: %w", f.name, variant, err)
				}
				if out.PeakRSS == 0 {
					rows = append(rows, row{benchmark: "hostile", variant: f.name, metric: variant, status: "not measured on this OS"})
					break
				}
				above = append(above, float64(out.PeakRSS-out.IdleRSS)/(1<<20))
				wall = append(wall, out.Seconds)
				outcome, idle = out.Outcome, out.IdleRSS
			}
			if len(above) == 0 {
				continue
			}
			notes := fmt.Sprintf("%s; idle %.0f MiB; %s s; %s", f.about, float64(idle)/(1<<20),
				formatValue(slices.Max(wall)), outcome)
			rows = append(rows, medianRow("hostile", f.name, "peak RSS above idle, "+variant, "MiB", above, notes))
		}
	}
	return rows, nil
}

// hostileChild adds an honest feed, lets the process settle and notes
// what it holds, then adds the hostile feeds at once and notes the most
// it held while doing so.
func hostileChild(ctx context.Context, raw json.RawMessage) (any, error) {
	var in hostileInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, in.DSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	f := ingest.NewFetcher()
	f.Allow = ingest.MustAllow("127.0.0.1")
	f.Hosts = ingest.NewHostLimiter(len(in.URLs)+1, 0) // one host standing for many
	svc := ingest.New(ingest.Config{Sources: db, Items: db, Fetcher: f})
	if _, err := svc.AddFeed(ctx, in.Good); err != nil {
		return nil, fmt.Errorf("add the honest feed: %w", err)
	}

	runtime.GC()
	debug.FreeOSMemory()
	var out hostileOutput
	out.IdleRSS = procStatus("VmRSS")
	// Writing 5 to clear_refs resets the peak (VmHWM) to what is
	// resident now, so what follows is measured from idle.
	if os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		return out, nil // no peak to measure from idle
	}

	start := time.Now()
	outcomes := make([]string, len(in.URLs))
	var wg sync.WaitGroup
	for i, u := range in.URLs {
		wg.Go(func() {
			src, err := svc.AddFeed(ctx, u)
			switch {
			case err != nil && newsdesk.ErrorCode(err) == "":
				outcomes[i] = "failed: " + err.Error()
			case err != nil:
				outcomes[i] = "refused: " + newsdesk.ErrorMessage(err)
			default:
				n, _ := db.CountItems(ctx, src.ID)
				outcomes[i] = fmt.Sprintf("%d items stored", n)
				if src.Note != "" {
					outcomes[i] += ", note: " + src.Note
				}
			}
		})
	}
	wg.Wait()
	out.Seconds = time.Since(start).Seconds()
	out.PeakRSS = procStatus("VmHWM")
	out.Outcome = outcomes[0]
	return out, nil
}

// procStatus returns a size from /proc/self/status in bytes, 0 if there
// is none.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
