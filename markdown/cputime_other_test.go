//go:build !unix

package markdown

import (
	"testing"
	"time"
)

// cpuTime returns the time on the clock where processor time is not at
// hand.
func cpuTime(testing.TB) time.Duration {
	return time.Duration(time.Now().UnixNano())
}
