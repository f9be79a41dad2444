package ingest

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Default politeness towards one host.
const (
	DefaultPerHost   = 2
	DefaultHostDelay = 500 * time.Millisecond
)

// HostLimiter keeps newsdesk polite to each host: at most PerHost requests
// at once, and requests started at least Delay apart. One HostLimiter is
// shared by every fetch of a process, so a newsroom following thirty feeds
// of one outlet does not open thirty connections to it at once.
type HostLimiter struct {
	perHost int
	delay   time.Duration

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem      chan struct{}
	next     time.Time // when the next request may start
	lastUsed time.Time
}

// NewHostLimiter returns a limiter allowing perHost requests at once to a
// host (at least 1) and starting them at least delay apart.
func NewHostLimiter(perHost int, delay time.Duration) *HostLimiter {
	return &HostLimiter{perHost: max(perHost, 1), delay: max(delay, 0), hosts: map[string]*hostSlot{}}
}

// Acquire waits for a turn at host and returns the function that ends it.
// It returns ctx's error if ctx ends first.
func (l *HostLimiter) Acquire(ctx context.Context, host string) (release func(), err error) {
	host = strings.ToLower(host)
	l.mu.Lock()
	s := l.hosts[host]
	if s == nil {
		l.prune()
		s = &hostSlot{sem: make(chan struct{}, l.perHost)}
		l.hosts[host] = s
	}
	s.lastUsed = time.Now()
	l.mu.Unlock()

	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	start := now
	if s.next.After(now) {
		start = s.next
	}
	s.next = start.Add(l.delay)
	l.mu.Unlock()
	release = sync.OnceFunc(func() { <-s.sem })
	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// prune forgets hosts idle for a while, so the map stays the size of the
// hosts in use. The caller holds l.mu.
func (l *HostLimiter) prune() {
	if len(l.hosts) < 1024 {
		return
	}
	cutoff := time.Now().Add(-time.Minute - l.delay)
	for h, s := range l.hosts {
		if len(s.sem) == 0 && s.lastUsed.Before(cutoff) {
			delete(l.hosts, h)
		}
	}
}
