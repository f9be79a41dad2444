// Command newsdesk is a self-hosted news curation and publishing platform:
// it follows outlets' feeds, lets editors publish short posts that credit
// the original, and serves the public site, the editor's desk and a JSON
// API from one binary on SQLite or PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsdesk/newsdesk"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	code := exitCode(err)
	if code == 1 {
		fmt.Fprintln(os.Stderr, "newsdesk: "+userMessage(err))
	}
	os.Exit(code)
}

// errHelp is what a command returns when it was asked for its help
// (--help, -h, help) and printed it: the program did what was asked.
var errHelp = errors.New("help shown")

// exitCode is the process's exit status for what run returned: 0 when it
// did what was asked (help included), 2 for a command line it could not
// read (its usage is printed), 1 for a failure.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	default:
		return 1
	}
}

// groupHelp answers for a command made of subcommands (sources, users)
// when it is given none or asked for its help: asked, it prints usage to
// standard output and returns errHelp; given nothing, it prints usage to
// standard error and returns flag.ErrHelp, a usage error. Otherwise it
// returns nil and the command goes on.
func (e *env) groupHelp(usage string, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return errHelp
	}
	return nil
}

// userMessage says what went wrong in words for the person at the
// terminal: the coded message when there is one, else the whole chain.
func userMessage(err error) string {
	if code := newsdesk.ErrorCode(err); code != newsdesk.EINTERNAL {
		return newsdesk.ErrorMessage(err)
	}
	return err.Error()
}

const usage = `newsdesk follows news outlets, groups their stories, and publishes
curated posts with a public site, an editor's desk and a JSON API.

Usage:
  newsdesk <command> [flags]

Commands:
  serve     run the site, the desk, the API and the background workers
  migrate   create or update the database's tables, then exit
  sources   add, list, poll and remove the outlets newsdesk follows
  users     add and list the staff who sign in to the desk
  extract   print the article newsdesk finds in saved HTML pages, as JSON
  cluster   group a stream of articles (JSON Lines) into stories
  related   list each document's most related others (JSON Lines)

Run "newsdesk <command> --help" for a command's flags. Every flag can also
be set by an environment variable NEWSDESK_<FLAG>, for example
NEWSDESK_DATABASE_URL=postgres://user@host/db for --database.
`

// run is the whole program; main only connects it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, env, args[1:])
	case "migrate":
		return cmdMigrate(ctx, env, args[1:])
	case "sources":
		return cmdSources(ctx, env, args[1:])
	case "users":
		return cmdUsers(ctx, env, args[1:])
	case "extract":
		return cmdExtract(ctx, env, args[1:])
	case "cluster":
		return cmdCluster(ctx, env, args[1:])
	case "related":
		return cmdRelated(ctx, env, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// env is the process's surroundings, passed rather than read globally so
// tests can run many programs in one process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}
