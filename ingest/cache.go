package ingest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxHint caps what a server's Retry-After, max-age or ttl can ask for:
// a server may slow newsdesk down, but not make it stop following a
// source for longer than this.
const maxHint = 7 * 24 * time.Hour

// parseRetryAfter reads a Retry-After header (RFC 9110 section 10.2.3):
// delay-seconds or an HTTP date, relative to now. It returns false for an
// absent, malformed or past value.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil { // too many digits: far beyond the cap anyway
			return maxHint, true
		}
		if n <= 0 {
			return 0, false
		}
		return min(time.Duration(min(n, int64(maxHint/time.Second)))*time.Second, maxHint), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0, false
	}
	return min(d, maxHint), true
}

// parseMaxAge reads the max-age directive of a Cache-Control header (RFC
// 9111 section 5.2.2.1). It returns false when there is none, or when
// no-cache or no-store say the response must not be reused.
func parseMaxAge(v string) (time.Duration, bool) {
	var age time.Duration
	found := false
	for _, directive := range strings.Split(v, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-cache", "no-store":
			return 0, false
		case "max-age":
			value = strings.Trim(strings.TrimSpace(value), `"`)
			if !isDigits(value) {
				continue
			}
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n > int64(maxHint/time.Second) {
				n = int64(maxHint / time.Second)
			}
			if n > 0 {
				age, found = time.Duration(n)*time.Second, true
			}
		}
	}
	return age, found
}

// parseTTL reads an RSS <ttl>: minutes to cache the channel.
func parseTTL(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if !isDigits(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > int64(maxHint/time.Minute) {
		return maxHint, true
	}
	if n <= 0 {
		return 0, false
	}
	return time.Duration(n) * time.Minute, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
