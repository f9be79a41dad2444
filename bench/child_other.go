//go:build !linux

package main

import (
	"os"
	"os/exec"
)

// setChildAttrs does nothing here: only Linux can tie a child's life to
// its parent's. The child still stops at its own deadline.
func setChildAttrs(cmd *exec.Cmd) {}

// peakRSS returns zero: ru_maxrss means different units on other systems
// and the harness is measured on Linux.
func peakRSS(ps *os.ProcessState) int64 { return 0 }
