package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// resolve resolves ref against base and returns it when it is an
// absolute http(s) URL (or, with mail set, a mailto: link), else "".
// javascript:, data:, vbscript: and every other scheme are refused.
func resolve(ref string, base *url.URL, mail bool) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 4096 {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil
		}
		return u
	case "mailto":
		if mail {
			return u
		}
	}
	return nil
}

// trackingParams are query parameters that identify a campaign or a
// click rather than the page.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "yclid": true, "_hsenc": true,
	"_hsmi": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"vero_id": true, "wickedid": true, "twclid": true, "ttclid": true, "srsltid": true,
	"_ga": true, "_gl": true, "ref_src": true, "ref_url": true, "s_cid": true,
	"si": false, "spm": true, "scid": true, "rb_clickid": true, "wt_mc": true,
}

// stripTracking removes utm_* and other tracking parameters from u.
func stripTracking(u *url.URL) {
	if u.RawQuery == "" {
		return
	}
	q := u.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || strings.HasPrefix(lk, "pk_") || trackingParams[lk] {
			q.Del(k)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
}

// cleanLink is an href as written in article HTML: resolved, safe, and
// without tracking parameters; "" when it must go.
func cleanLink(href string, base *url.URL) string {
	u := resolve(href, base, true)
	if u == nil {
		return ""
	}
	if u.Scheme != "mailto" {
		stripTracking(u)
	}
	return u.String()
}

// imageSrc is the URL of an <img>, looking past lazy-loading
// placeholders to data-src and srcset.
func imageSrc(n *html.Node, base *url.URL) string {
	for _, k := range []string{"data-src", "data-lazy-src", "data-original", "data-url", "src"} {
		v := attr(n, k)
		if v == "" || strings.HasPrefix(strings.TrimSpace(v), "data:") {
			continue
		}
		if u := resolve(v, base, false); u != nil {
			return u.String()
		}
	}
	for _, k := range []string{"srcset", "data-srcset"} {
		if v := attr(n, k); v != "" {
			first := strings.TrimSpace(strings.Split(v, ",")[0])
			if f := strings.Fields(first); len(f) > 0 {
				if u := resolve(f[0], base, false); u != nil {
					return u.String()
				}
			}
		}
	}
	return ""
}

// The players the sanitiser embeds, each the origin of its iframes' src.
const (
	youTubePlayer = "https://www.youtube-nocookie.com"
	vimeoPlayer   = "https://player.vimeo.com"
)

// EmbedOrigins are the origins of every iframe the sanitiser emits,
// separated by spaces: a page that shows sanitised HTML names them, and
// nothing else, in its Content-Security-Policy's frame-src.
const EmbedOrigins = youTubePlayer + " " + vimeoPlayer

// EmbedURL returns the privacy-friendly player URL for a YouTube or
// Vimeo page or player URL (youtube-nocookie.com; Vimeo with dnt=1), or
// "" when u is neither. It is the one test of what newsdesk embeds, for
// the Markdown of posts as for articles.
func EmbedURL(u string) string { return embedURL(u) }

// embedURL turns a YouTube or Vimeo player or page URL into the
// privacy-friendly player URL (youtube-nocookie.com; Vimeo with
// dnt=1), or "" when src is neither.
func embedURL(src string) string {
	src = strings.TrimSpace(src)
	if strings.HasPrefix(src, "//") {
		src = "https:" + src
	}
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	host = strings.TrimPrefix(host, "m.")
	var id string
	switch host {
	case "youtube.com", "youtube-nocookie.com":
		switch {
		case strings.HasPrefix(u.Path, "/embed/"):
			id = strings.TrimPrefix(u.Path, "/embed/")
		case strings.HasPrefix(u.Path, "/shorts/"):
			id = strings.TrimPrefix(u.Path, "/shorts/")
		case u.Path == "/watch":
			id = u.Query().Get("v")
		}
	case "youtu.be":
		id = strings.TrimPrefix(u.Path, "/")
	case "player.vimeo.com":
		if v, ok := strings.CutPrefix(u.Path, "/video/"); ok && allDigits(strings.Trim(v, "/")) {
			return vimeoPlayer + "/video/" + strings.Trim(v, "/") + "?dnt=1"
		}
		return ""
	case "vimeo.com":
		v := strings.Trim(u.Path, "/")
		if allDigits(v) {
			return vimeoPlayer + "/video/" + v + "?dnt=1"
		}
		return ""
	default:
		return ""
	}
	if !videoID(id) {
		return ""
	}
	return youTubePlayer + "/embed/" + id
}

func videoID(id string) bool {
	if len(id) < 6 || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// bareVideoLink is the embed for a link whose text is its own YouTube
// or Vimeo URL (a "bare" link as editors paste them), or "".
func bareVideoLink(a *html.Node) string {
	href := strings.TrimSpace(attr(a, "href"))
	e := embedURL(href)
	if e == "" {
		return ""
	}
	t := innerText(a)
	if t == href || strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://") == strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://") {
		return e
	}
	return ""
}

func allDigits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
