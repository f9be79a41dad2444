package mail

import (
	"context"
	"sync"
	"time"
)

// limiter spaces sends to at most a rate, letting a burst go at once. It
// is the generic cell rate algorithm: each send reserves the next slot
// on a schedule one interval apart and waits for it, so waiters never
// race for a token and the rate holds however many goroutines send.
type limiter struct {
	interval  time.Duration // between two sends
	tolerance time.Duration // how far ahead of the schedule a burst may run
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error

	mu  sync.Mutex
	tat time.Time // the theoretical arrival time of the next send
}

// newLimiter returns a limiter to perSecond sends a second with bursts of
// burst, or nil (no limit) for a rate of zero or less.
func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	if perSecond <= 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / perSecond)
	if interval <= 0 {
		interval = 1
	}
	return &limiter{
		interval:  interval,
		tolerance: time.Duration(max(burst, 1)-1) * interval,
		now:       now,
		sleep:     sleepContext,
	}
}

// wait blocks until the caller may send, or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	at := tat.Add(-l.tolerance)
	l.tat = tat.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
