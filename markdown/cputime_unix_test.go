//go:build unix

package markdown

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the processor time the test process has used so far:
// a measure of work that other programs on a busy machine do not skew.
func cpuTime(t testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		t.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
