package main

import (
	"os"
	"os/exec"
	"syscall"
)

// setChildAttrs has the kernel kill the child if the parent dies, so that
// a benchmark stops by itself even when the harness is killed outright.
func setChildAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// peakRSS returns the child's peak resident set size in bytes. Linux
// reports ru_maxrss in KiB.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
