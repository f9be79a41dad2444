package quietlog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock whose timers fire when the test moves it on.
type clock struct {
	now    time.Time
	timers []*timer
}

type timer struct {
	at      time.Time
	f       func()
	stopped bool
}

func (c *clock) Now() time.Time { return c.now }

func (c *clock) AfterFunc(d time.Duration, f func()) func() bool {
	t := &timer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool { was := !t.stopped; t.stopped = true; return was }
}

// advance moves the clock on by d, firing the timers due on the way.
func (c *clock) advance(d time.Duration) {
	end := c.now.Add(d)
	for {
		var next *timer
		for _, t := range c.timers {
			if !t.stopped && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		next.stopped = true
		c.now = next.at
		next.f()
	}
	c.now = end
}

// setup returns a logger through a Handler over a text log, its clock,
// and a function that returns the lines written since it was last called.
func setup() (*slog.Logger, *Handler, *clock, func() []string) {
	var buf bytes.Buffer
	text := slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}})
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	h := New(text, Options{Now: c.Now, AfterFunc: c.AfterFunc})
	lines := func() []string {
		s := strings.TrimSpace(buf.String())
		buf.Reset()
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	return slog.New(h), h, c, lines
}

func TestRepeatedErrorsAreSummarised(t *testing.T) {
	log, _, c, lines := setup()

	// The first is written at once; the next 779 (13 a second for a
	// minute) are not, until the minute is over.
	log.Error("producer: Error fetching jobs", "err", "connection refused 1")
	for i := 2; i <= 780; i++ {
		c.advance(time.Minute / 780)
		log.Error("producer: Error fetching jobs", "err", "connection refused "+itoa(i))
	}
	got := lines()
	want := []string{`level=ERROR msg="producer: Error fetching jobs" err="connection refused 1"`}
	if !equal(got, want) {
		t.Fatalf("during the minute:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c.advance(time.Second)
	got = lines()
	want = []string{`level=ERROR msg="producer: Error fetching jobs" repeated=779 in_last=1m0s err="connection refused 780"`}
	if !equal(got, want) {
		t.Fatalf("at the end of the minute:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// It keeps coming, once a second: one summary a minute (the second
	// at which the minute ends falls in the next).
	for range 120 {
		c.advance(time.Second)
		log.Error("producer: Error fetching jobs", "err", "connection refused")
	}
	if got := lines(); len(got) != 2 || !strings.Contains(got[0], "repeated=59 in_last=1m0s") || !strings.Contains(got[1], "repeated=60 in_last=1m0s") {
		t.Fatalf("two more minutes: %q, want summaries of 59 and 60", got)
	}

	// It stops: the last repeats are summarised, a quiet minute later the
	// message is forgotten, and the next one is written at once.
	c.advance(3 * time.Minute)
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], "repeated=1 in_last=1m0s") {
		t.Fatalf("after it stopped: %q, want the summary of the last one only", got)
	}
	log.Error("producer: Error fetching jobs", "err", "connection refused again")
	if got := lines(); !equal(got, []string{`level=ERROR msg="producer: Error fetching jobs" err="connection refused again"`}) {
		t.Fatalf("the next outage: %q", got)
	}
}

func TestWhatIsLimitedApart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		log   func(l *slog.Logger)
		lines int // written before the interval ends
	}{
		{"info is never limited", func(l *slog.Logger) {
			for range 5 {
				l.Info("polled", "source", 1)
			}
		}, 5},
		{"each message apart", func(l *slog.Logger) {
			for range 5 {
				l.Error("producer: Error fetching jobs")
				l.Error("producer: Error fetching queue settings")
			}
		}, 2},
		{"each level apart", func(l *slog.Logger) {
			for range 5 {
				l.Warn("slow")
				l.Error("slow")
			}
		}, 2},
		{"each logger's attributes apart", func(l *slog.Logger) {
			jobs, related := l.With("part", "jobs"), l.With("part", "related")
			for range 5 {
				jobs.Error("read failed")
				related.Error("read failed")
			}
		}, 2},
		{"the same logger's attributes together", func(l *slog.Logger) {
			for range 5 {
				l.With("part", "jobs").Error("read failed")
			}
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, _, _, lines := setup()
			tc.log(log)
			if got := lines(); len(got) != tc.lines {
				t.Fatalf("%d lines, want %d:\n%s", len(got), tc.lines, strings.Join(got, "\n"))
			}
		})
	}
}

func TestFlushWritesWhatIsPending(t *testing.T) {
	log, h, c, lines := setup()
	for range 4 {
		log.Warn("hub did not answer", "hub", "hub.example")
		c.advance(time.Second)
	}
	log.Error("once")
	lines()
	h.Flush()
	got := lines()
	want := []string{`level=WARN msg="hub did not answer" repeated=3 in_last=4s hub=hub.example`}
	if !equal(got, want) {
		t.Fatalf("flush:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c.advance(2 * time.Minute)
	if got := lines(); len(got) != 0 {
		t.Fatalf("after the flush the timers wrote %q", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(i int) string { return slog.IntValue(i).String() }
