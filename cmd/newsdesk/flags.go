package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/jobs"
	"github.com/newsdesk/newsdesk/store"
)

// flagSet returns a FlagSet whose help names the command and, for each
// flag, its NEWSDESK_ environment variable.
func (e *env) flagSet(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: newsdesk %s\n\n%s\n", synopsis, about)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(fs.Output(), "\nFlags (each also read from the environment variable shown):")
			fs.VisitAll(func(f *flag.Flag) {
				def := ""
				if f.DefValue != "" && f.DefValue != "false" {
					def = fmt.Sprintf(" (default %s)", f.DefValue)
				}
				fmt.Fprintf(fs.Output(), "  --%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
			})
		}
	}
	return fs
}

// envName is the environment variable for a flag.
func envName(flagName string) string {
	if flagName == "database" {
		return "NEWSDESK_DATABASE_URL"
	}
	return "NEWSDESK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse parses args, flags and arguments in any order ("sources add URL
// --no-check" works as people type it), then fills each flag not given on
// the command line from its environment variable; flags win over the
// environment. It returns the arguments that are not flags.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	// Asked for help, the command prints it where the person asked for it
	// reads it (standard output) and stops: that is success, exit 0.
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return nil, errHelp
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v := e.getenv(envName(f.Name)); v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, serr)
			}
		}
	})
	return positional, err
}

// databaseFlag adds --database to fs.
func databaseFlag(fs *flag.FlagSet) *string {
	return fs.String("database", store.DefaultSQLitePath,
		"where data lives: a SQLite file path, or a postgres:// URL")
}

// dbCommand is a command that works on the database: its flags, --database
// among them. Every such command starts the same way, with open.
type dbCommand struct {
	*flag.FlagSet
	e   *env
	dsn *string
}

// dbCommand returns the flags of a command that works on the database,
// --database added; the command adds its own before calling open.
func (e *env) dbCommand(name, synopsis, about string) *dbCommand {
	fs := e.flagSet(name, synopsis, about)
	return &dbCommand{FlagSet: fs, e: e, dsn: databaseFlag(fs)}
}

// open parses args (see env.parse), lets check refuse the arguments that
// are not flags before anything is opened (nil: the command takes none),
// then opens and migrates the database, which the caller closes.
func (c *dbCommand) open(ctx context.Context, args []string, check func(pos []string) error) ([]string, *store.DB, error) {
	pos, err := c.e.parse(c.FlagSet, args)
	if err != nil {
		return nil, nil, err
	}
	if check == nil {
		check = noArgs
	}
	if err := check(pos); err != nil {
		c.Usage()
		return nil, nil, err
	}
	db, err := openDB(ctx, *c.dsn)
	if err != nil {
		return nil, nil, err
	}
	return pos, db, nil
}

// noArgs refuses arguments to a command that takes only flags.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return newsdesk.Errorf(newsdesk.EINVALID, "This command takes no arguments but flags; %q is not one.", pos[0])
	}
	return nil
}

// oneArg returns a check for a command that takes one argument, saying
// what to give when it is missing.
func oneArg(what string) func(pos []string) error {
	return func(pos []string) error {
		if len(pos) != 1 {
			return newsdesk.Errorf(newsdesk.EINVALID, "Give %s.", what)
		}
		return nil
	}
}

// openDB opens and migrates the database, newsdesk's tables and the job
// queue's.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// since says how long ago t was, for listings.
func since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in " + roundDuration(-d)
	case d < time.Minute:
		return "just now"
	default:
		return roundDuration(d) + " ago"
	}
}

func roundDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
