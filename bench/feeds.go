package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// feedServer serves generated RSS 2.0 feeds on loopback at /feed/{n}.xml,
// n counting from 0. Like most real servers it sends ETag and
// Last-Modified and answers conditional requests with 304 Not Modified.
type feedServer struct {
	url      string // http://127.0.0.1:port
	srv      *http.Server
	feeds    [][]byte
	modified time.Time

	requests    atomic.Int64
	notModified atomic.Int64
}

// feedEpoch is the newest pubDate in generated feeds. A fixed date keeps
// every run's feeds identical.
var feedEpoch = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

// startFeedServer generates feeds of itemsPerFeed items each and serves
// them on a free loopback port until close.
func startFeedServer(feeds, itemsPerFeed int) (*feedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	s := &feedServer{url: "http://" + ln.Addr().String(), modified: feedEpoch}
	for n := range feeds {
		s.feeds = append(s.feeds, rssFeed(n, itemsPerFeed))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed/{file}", s.serveFeed)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *feedServer) feedURL(n int) string { return fmt.Sprintf("%s/feed/%d.xml", s.url, n) }

func (s *feedServer) close() { s.srv.Close() }

func (s *feedServer) serveFeed(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	name, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	n, err := strconv.Atoi(name)
	if !ok || err != nil || n < 0 || n >= len(s.feeds) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", fmt.Sprintf(`"feed-%d"`, n))
	sw := &statusWriter{ResponseWriter: w}
	http.ServeContent(sw, r, "", s.modified, bytes.NewReader(s.feeds[n]))
	if sw.status == http.StatusNotModified {
		s.notModified.Add(1)
	}
}

// statusWriter notes the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// rssFeed returns feed n: items items, newest first, each with a GUID,
// title and link of its own, a pubDate, an author, a category, and a
// description of about 500 bytes of HTML. The same n always gives the
// same bytes.
func rssFeed(n, items int) []byte {
	var b bytes.Buffer
	site := fmt.Sprintf("https://outlet%03d.example", n)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Bench Outlet %03d</title>
<link>%s/</link>
<description>Generated news for newsdesk's benchmarks.</description>
<language>en</language>
<lastBuildDate>%s</lastBuildDate>
`, n, site, feedEpoch.Format(time.RFC1123Z))
	for i := range items {
		rng := newRand(n, i)
		title := sentence(rng, 6+rng.IntN(6))
		link := fmt.Sprintf("%s/%s/story-%d", site, feedEpoch.Format("2006/01/02"), i)
		published := feedEpoch.Add(-time.Duration(n+i*37) * time.Minute)
		b.WriteString("<item>\n<title>")
		xml.EscapeText(&b, []byte(fmt.Sprintf("%s (outlet %d, story %d)", title, n, i)))
		fmt.Fprintf(&b, "</title>\n<link>%s</link>\n", link)
		fmt.Fprintf(&b, "<guid isPermaLink=\"false\">bench-%d-%d</guid>\n", n, i)
		fmt.Fprintf(&b, "<pubDate>%s</pubDate>\n", published.Format(time.RFC1123Z))
		fmt.Fprintf(&b, "<author>desk@outlet%03d.example (%s)</author>\n", n, capitalize(words[rng.IntN(len(words))])+" Reporter")
		fmt.Fprintf(&b, "<category>%s</category>\n", words[rng.IntN(len(words))])
		b.WriteString("<description><![CDATA[")
		b.WriteString(description(rng, link))
		b.WriteString("]]></description>\n</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

// description returns about 500 bytes of the HTML feeds put in item
// descriptions: paragraphs, emphasis, an entity and a link.
func description(rng *rand.Rand, link string) string {
	var b strings.Builder
	b.WriteString("<p><strong>" + sentence(rng, 4) + "</strong> &mdash; " + sentence(rng, 14) + ".</p>")
	for b.Len() < 420 {
		b.WriteString("<p>" + sentence(rng, 10) + ", <em>" + sentence(rng, 3) + "</em> " + sentence(rng, 8) + ".</p>")
	}
	b.WriteString(`<p><a href="` + link + `">Read the full story</a></p>`)
	return b.String()
}

// newRand returns the random source for item i of feed n.
func newRand(n, i int) *rand.Rand { return rand.New(rand.NewPCG(uint64(n), uint64(i))) }

func sentence(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[rng.IntN(len(words))]
	}
	w[0] = capitalize(w[0])
	return strings.Join(w, " ")
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

var words = strings.Fields(`minister council budget report vote election harbour
	storm court ruling talks ceasefire market inflation rates bank union strike
	hospital school river bridge railway airport mayor parliament coalition
	opposition protest agreement summit border trade export energy wind solar
	drought harvest festival museum library archive study scientists survey
	census police inquiry witness verdict appeal league final season coach
	stadium record weather flood heat warning city village region province`)
