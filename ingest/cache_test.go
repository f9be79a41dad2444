package ingest

import (
	"net/netip"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 3600 ", time.Hour, true},
		{"Sun, 01 Mar 2026 13:30:00 GMT", 90 * time.Minute, true},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, false}, // past
		{"0", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999999999999999", maxHint, true},
		{"31536000", maxHint, true}, // a year: capped
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseMaxAge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"max-age=600", 10 * time.Minute, true},
		{"public, max-age=3600, must-revalidate", time.Hour, true},
		{`MAX-AGE="60"`, time.Minute, true},
		{"no-cache, max-age=600", 0, false},
		{"max-age=600, no-store", 0, false},
		{"max-age=0", 0, false},
		{"max-age=-1", 0, false},
		{"max-age=abc", 0, false},
		{"private", 0, false},
		{"", 0, false},
		{"max-age=99999999999999999999", maxHint, true},
	} {
		got, ok := parseMaxAge(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseMaxAge(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{"60": time.Hour, " 15 ": 15 * time.Minute, "0": 0, "x": 0, "": 0, "999999999999": maxHint} {
		if got, _ := parseTTL(in); got != want {
			t.Errorf("parseTTL(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "Sun, 01 Mar 2026 13:30:00 GMT", "Sunday, 01-Mar-26 13:30:00 GMT", "Sun Mar  1 13:30:00 2026", "-1", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if ok && (d <= 0 || d > maxHint) {
			t.Fatalf("parseRetryAfter(%q) = %s", s, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %s but not ok", s, d)
		}
	})
}

func FuzzParseMaxAge(f *testing.F) {
	for _, s := range []string{"max-age=600", "public, max-age=3600", "no-cache", `max-age="60"`, "max-age=", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseMaxAge(s)
		if ok && (d <= 0 || d > maxHint) {
			t.Fatalf("parseMaxAge(%q) = %s", s, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseMaxAge(%q) = %s but not ok", s, d)
		}
	})
}

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true, "8.8.8.8": true,
		"127.0.0.1": false, "127.255.0.9": false, "::1": false, "10.0.0.1": false, "172.16.5.4": false,
		"172.32.0.1": true, "192.168.1.1": false, "169.254.169.254": false, "fd00:ec2::254": false,
		"fc00::1": false, "fe80::1": false, "100.64.0.1": false, "100.128.0.1": true, "224.0.0.251": false,
		"ff02::1": false, "0.0.0.0": false, "::": false, "255.255.255.255": false, "::ffff:10.0.0.1": false,
		"::ffff:8.8.8.8": true, "64:ff9b::7f00:1": false,
		// Zones hide nothing: netip.Prefix.Contains is false for any
		// zoned address, which once made these pass for public.
		"::1%lo": false, "fe80::1%eth0": false, "fd00:ec2::254%lo": false, "::%lo": false,
		"ff02::1%1": false, "::ffff:127.0.0.1%lo": false, "2606:2800:220:1:248:1893:25c8:1946%eth0": true,
		"::7f00:1": false, "::a00:1": false, "fec0::1": false, "2001::1": false, "2002:7f00:1::": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}
