package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/store"
)

// machine describes where the benchmarks ran, printed above the table so
// that every figure carries its context.
type machine struct {
	cpu      string
	cores    int
	memory   string
	system   string // OS/arch and kernel
	goVer    string
	sqlite   string
	postgres string
	load     string // load average when the run started: the machine may be shared
	date     time.Time
}

func describeMachine(ctx context.Context, e *env, now time.Time) machine {
	m := machine{
		cpu:    cpuModel(),
		cores:  runtime.NumCPU(),
		memory: memTotal(),
		system: runtime.GOOS + "/" + runtime.GOARCH,
		goVer:  runtime.Version(),
		sqlite: "unknown",
		load:   "unknown",
		date:   now.UTC(),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.system += ", kernel " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.load = strings.Join(f[:3], " ") + " (1, 5, 15 min)"
		}
	}
	if v, err := sqliteVersion(ctx); err == nil {
		m.sqlite = v
	}
	if e.postgres != "" {
		m.postgres = "PostgreSQL " + e.postgresVersion
	} else {
		m.postgres = "PostgreSQL " + e.postgresSkip
	}
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		// x86 says "model name"; some ARM kernels only "Hardware" or "Model".
		key, val, ok := strings.Cut(s.Text(), ":")
		switch strings.TrimSpace(key) {
		case "model name", "Hardware", "Model":
			if ok && strings.TrimSpace(val) != "" {
				return strings.TrimSpace(val)
			}
		}
	}
	return "unknown"
}

func memTotal() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				break
			}
			return fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
		}
	}
	return "unknown"
}

func sqliteVersion(ctx context.Context) (string, error) {
	db, err := store.Open(ctx, ":memory:")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.SQL().QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v)
	return "SQLite " + v + " (modernc.org/sqlite, pure Go)", err
}
