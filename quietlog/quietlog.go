// Package quietlog keeps a log readable when the same thing goes wrong many
// times a second, as when the database is down and every part of newsdesk
// (and River's producers, about thirteen lines a second) reports each
// failed attempt.
//
// Its Handler lets the first warning or error of each message through at
// once, then counts the repeats of that message instead of writing them,
// and at the end of the interval writes one summary: the last repeat, with
// how many there were ("repeated=37 in_last=1m0s"). A message that keeps
// coming is thus written at most once an interval after its first; one
// that stops is forgotten after an interval without repeats, and the next
// occurrence is written at once again.
package quietlog

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// DefaultInterval is how often a repeated message is summarised.
const DefaultInterval = time.Minute

// Options configure a Handler.
type Options struct {
	// Interval is how often a repeated message is summarised;
	// DefaultInterval if zero.
	Interval time.Duration
	// Level is the least level that is limited; records below it (the
	// info lines that say what was done, each different) pass untouched.
	// The zero value, slog.LevelInfo, is taken to mean slog.LevelWarn.
	Level slog.Level
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// AfterFunc runs f after d, and returns a function that stops it; a
	// wrapper of time.AfterFunc if nil. Tests replace it.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
}

// Handler limits repeated warnings and errors, passing what it lets
// through to the next handler.
type Handler struct {
	next   slog.Handler
	prefix string // the attributes and groups added by With, as a key
	s      *state
}

// state is shared by a Handler and every handler derived from it with
// WithAttrs and WithGroup.
type state struct {
	opts Options

	mu      sync.Mutex
	repeats map[key]*repeat
}

// key tells one message from another: the same words at the same level
// from a logger with the same attributes.
type key struct {
	prefix string
	level  slog.Level
	msg    string
}

// repeat is what is known of a message seen within the current interval.
type repeat struct {
	next  slog.Handler // where its summary goes
	since time.Time    // when the interval began
	count int          // repeats not written
	last  slog.Record  // the latest of them
	stop  func() bool  // stops the interval's timer
}

// New returns a Handler that writes to next.
func New(next slog.Handler, opts Options) *Handler {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Level == slog.LevelInfo {
		opts.Level = slog.LevelWarn
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AfterFunc == nil {
		opts.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	return &Handler{next: next, s: &state{opts: opts, repeats: map[key]*repeat{}}}
}

// Enabled reports whether the next handler handles records of level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle writes r, unless it repeats a message written within the
// interval, in which case it is counted for the summary.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.s.opts.Level {
		return h.next.Handle(ctx, r)
	}
	k := key{h.prefix, r.Level, r.Message}
	s := h.s
	s.mu.Lock()
	if rep := s.repeats[k]; rep != nil {
		rep.count++
		rep.last = r.Clone()
		s.mu.Unlock()
		return nil
	}
	rep := &repeat{next: h.next, since: s.opts.Now()}
	s.repeats[k] = rep
	rep.stop = s.opts.AfterFunc(s.opts.Interval, func() { s.endInterval(k, rep) })
	s.mu.Unlock()
	return h.next.Handle(ctx, r)
}

// endInterval writes the summary of a message repeated in the interval
// that ends, and begins another; or forgets a message that was not.
func (s *state) endInterval(k key, rep *repeat) {
	s.mu.Lock()
	if s.repeats[k] != rep {
		s.mu.Unlock()
		return // flushed meanwhile
	}
	if rep.count == 0 {
		delete(s.repeats, k)
		s.mu.Unlock()
		return
	}
	summary := s.summary(rep)
	rep.since, rep.count, rep.last = s.opts.Now(), 0, slog.Record{}
	rep.stop = s.opts.AfterFunc(s.opts.Interval, func() { s.endInterval(k, rep) })
	s.mu.Unlock()
	rep.next.Handle(context.Background(), summary) // a failed write has no one to tell
}

// summary returns the record that stands for rep's repeats: the latest,
// saying how many there were and over how long. s.mu is held.
func (s *state) summary(rep *repeat) slog.Record {
	now := s.opts.Now()
	r := slog.NewRecord(now, rep.last.Level, rep.last.Message, rep.last.PC)
	r.AddAttrs(slog.Int("repeated", rep.count), slog.Duration("in_last", now.Sub(rep.since).Round(time.Second)))
	rep.last.Attrs(func(a slog.Attr) bool {
		r.AddAttrs(a)
		return true
	})
	return r
}

// Flush writes the summary of every message repeated since it was last
// written, and forgets them all: at shutdown, so that no count is lost.
func (h *Handler) Flush() {
	s := h.s
	s.mu.Lock()
	type pending struct {
		next slog.Handler
		r    slog.Record
	}
	var out []pending
	for k, rep := range s.repeats {
		rep.stop()
		if rep.count > 0 {
			out = append(out, pending{rep.next, s.summary(rep)})
		}
		delete(s.repeats, k)
	}
	s.mu.Unlock()
	for _, p := range out {
		p.next.Handle(context.Background(), p.r)
	}
}

// WithAttrs returns a Handler whose records carry attrs, limited apart
// from those of h.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		b.WriteString(a.String())
		b.WriteByte(' ')
	}
	return &Handler{next: h.next.WithAttrs(attrs), prefix: b.String(), s: h.s}
}

// WithGroup returns a Handler whose records' attributes are in the group
// name, limited apart from those of h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{next: h.next.WithGroup(name), prefix: h.prefix + name + "{", s: h.s}
}
