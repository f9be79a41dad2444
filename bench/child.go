package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Part of a benchmark runs in a child process so that its peak memory is
// its own: the parent re-runs this program as "bench -child NAME/PART",
// sends it a childRequest as JSON on stdin, and reads the part's result as
// JSON from its stdout. The flag is not listed by -help.

// childFunc is one part of a benchmark run in a child process. It decodes
// its input and returns what the parent gets back, encoded as JSON.
type childFunc func(ctx context.Context, input json.RawMessage) (any, error)

// childRequest is what the parent writes to a child's stdin.
type childRequest struct {
	// Deadline, when set, is when the child gives up by itself, so that it
	// stops even if the parent is gone.
	Deadline time.Time       `json:"deadline,omitzero"`
	Input    json.RawMessage `json:"input"`
}

// childUsage is what the kernel measured of a child process.
type childUsage struct {
	PeakRSS int64         // bytes, the child's own VmHWM; zero where the OS does not say
	CPU     time.Duration // user + system
}

// isChild reports whether args ask this process to be a child.
func isChild(args []string) bool { return len(args) == 2 && args[0] == "-child" }

// runChild runs part (such as "poll") of benchmark bench in a child
// process with input, decodes its result into out, and returns what the
// child used. The child is stopped with the context: interrupted first,
// killed if it has not exited 5 seconds later.
func (e *env) runChild(ctx context.Context, bench, part string, input, out any) (childUsage, error) {
	in, err := json.Marshal(input)
	if err != nil {
		return childUsage{}, err
	}
	req := childRequest{Input: in}
	if dl, ok := ctx.Deadline(); ok {
		req.Deadline = dl
	}
	stdin, err := json.Marshal(req)
	if err != nil {
		return childUsage{}, err
	}
	cmd := exec.CommandContext(ctx, e.exe, "-child", bench+"/"+part)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout bytes.Buffer
	stderr := &tail{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	setChildAttrs(cmd)

	// On Linux the child is killed if the thread that started it exits
	// (see setChildAttrs); keep that thread until the child is done.
	runtime.LockOSThread()
	err = cmd.Run()
	runtime.UnlockOSThread()

	var usage childUsage
	if ps := cmd.ProcessState; ps != nil {
		usage = childUsage{PeakRSS: peakRSS(ps), CPU: ps.UserTime() + ps.SystemTime()}
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = "(no output)"
		}
		return usage, fmt.Errorf("child %s/%s: %w: %s", bench, part, err, msg)
	}
	var reply childReply
	if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil {
		return usage, fmt.Errorf("child %s/%s: read its result: %w", bench, part, err)
	}
	if err := json.Unmarshal(reply.Result, out); err != nil {
		return usage, fmt.Errorf("child %s/%s: read its result: %w", bench, part, err)
	}
	if reply.PeakRSS > 0 {
		usage.PeakRSS = reply.PeakRSS
	}
	return usage, nil
}

// childMain is the whole of a child process: it runs the part that which
// ("ingest/poll") names and writes the result to stdout.
func childMain(ctx context.Context, which string, stdin io.Reader, stdout io.Writer) error {
	name, part, _ := strings.Cut(which, "/")
	var fn childFunc
	for _, b := range benchmarks() {
		if b.name == name {
			fn = b.children[part]
		}
	}
	if fn == nil {
		return fmt.Errorf("no child part %q", which)
	}
	var req childRequest
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if !req.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, req.Deadline)
		defer cancel()
	}
	out, err := fn(ctx, req.Input)
	if err != nil {
		return err
	}
	result, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(childReply{Result: result, PeakRSS: ownPeakRSS()})
}

// childReply is what a child writes to its stdout. The child measures its
// own peak memory: the kernel's ru_maxrss of a child Go starts begins at
// the parent's peak (the child is cloned from it before exec), so for a
// small child under a big harness it reports the harness.
type childReply struct {
	Result  json.RawMessage `json:"result"`
	PeakRSS int64           `json:"peak_rss,omitzero"`
}

// ownPeakRSS returns this process's peak resident memory in bytes, from
// VmHWM in /proc/self/status, or zero where there is none.
func ownPeakRSS() int64 { return procStatus("VmHWM") }

// tail keeps the last max bytes written to it.
type tail struct {
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }
