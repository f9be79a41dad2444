// Command bench runs newsdesk's benchmarks and prints their results as a
// Markdown table, preceded by the machine they ran on.
//
//	go -C bench run .                  # every benchmark
//	go -C bench run . -run ingest      # those whose name matches
//	go -C bench run . -out results.md  # also write the table to a file
//
// Benchmarks serve on loopback only, are bounded in count and time, and
// stop by themselves. See README.md for what each figure means.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench: "+err.Error())
		}
		os.Exit(1)
	}
}

// run is the whole program; main only connects it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if isChild(args) {
		return childMain(ctx, args[1], stdin, stdout)
	}

	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pattern := fs.String("run", ".", "run only the benchmarks whose name matches this `regexp`")
	postgres := fs.String("postgres", postgresFromEnv(getenv),
		"PostgreSQL server `URL`; each case gets a fresh database, dropped afterwards.\n"+
			"Defaults to $NEWSDESK_BENCH_POSTGRES, else $NEWSDESK_TEST_POSTGRES, else a\n"+
			"local server, whose rows say \"skipped: no server\" if it does not answer.\n"+
			"Empty: skip PostgreSQL.")
	fs.Lookup("postgres").DefValue = redact(*postgres) // -help must not show a password
	out := fs.String("out", "", "also write the table to this `file`")
	concurrency := fs.Int("concurrency", 8, "workers polling feeds at once")
	count := fs.Int("count", 3, "measure each case this many `times` and report the median")
	timeout := fs.Duration("timeout", 10*time.Minute, "stop everything after this long")
	list := fs.Bool("list", false, "list the benchmarks and exit")
	n := fs.Int("n", 0, "size for the benchmarks that take one (search: articles indexed); 0 for each one's own")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: go -C bench run . [flags]\n\nRuns newsdesk's benchmarks and prints a Markdown table of results.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	re, err := regexp.Compile(*pattern)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	if *list {
		for _, b := range benchmarks() {
			fmt.Fprintf(stdout, "%-12s %s\n", b.name, b.about)
		}
		return nil
	}

	var chosen []benchmark
	for _, b := range benchmarks() {
		if re.MatchString(b.name) {
			chosen = append(chosen, b)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("no benchmark matches -run %q (see -list)", *pattern)
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	started := time.Now()
	e, err := newEnv(ctx, options{
		postgres:         *postgres,
		postgresExplicit: flagSet(fs, "postgres") || postgresFromEnv(getenv) != defaultPostgres,
		concurrency:      *concurrency,
		count:            *count,
		n:                *n,
		log:              stderr,
	})
	if err != nil {
		return err
	}
	defer e.close()
	m := describeMachine(ctx, e, started)

	var rows []row
	var failed []string
	for _, b := range chosen {
		e.logf("%s: %s", b.name, b.about)
		t0 := time.Now()
		bctx, cancel := context.WithCancel(ctx)
		if b.timeout > 0 {
			bctx, cancel = context.WithTimeout(ctx, b.timeout)
		}
		got, err := b.run(bctx, e)
		cancel()
		rows = append(rows, got...)
		if err != nil {
			e.logf("%s: FAILED: %v", b.name, err)
			failed = append(failed, b.name)
			rows = append(rows, row{benchmark: b.name, status: "FAILED: " + firstLine(err.Error())})
			continue
		}
		e.logf("%s: done in %s", b.name, time.Since(t0).Round(time.Millisecond))
	}

	var report bytes.Buffer
	if err := writeReport(&report, m, rows); err != nil {
		return err
	}
	if _, err := stdout.Write(report.Bytes()); err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, report.Bytes(), 0o644); err != nil {
			return fmt.Errorf("-out: %w", err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("failed: %s (details above)", strings.Join(failed, ", "))
	}
	return nil
}

// postgresFromEnv is the server -postgres defaults to.
func postgresFromEnv(getenv func(string) string) string {
	for _, name := range []string{"NEWSDESK_BENCH_POSTGRES", "NEWSDESK_TEST_POSTGRES"} {
		if v := getenv(name); v != "" {
			return v
		}
	}
	return defaultPostgres
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
