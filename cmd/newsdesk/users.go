package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/staff"
)

const usersUsage = `Usage: newsdesk users <add|list> [flags] [args]

  add EMAIL   add a member of staff who signs in to the desk
  list        show every user
`

func cmdUsers(ctx context.Context, e *env, args []string) error {
	if err := e.groupHelp(usersUsage, args); err != nil {
		return err
	}
	switch args[0] {
	case "add":
		return cmdUsersAdd(ctx, e, args[1:])
	case "list":
		return cmdUsersList(ctx, e, args[1:])
	default:
		fmt.Fprint(e.stderr, usersUsage)
		return fmt.Errorf("unknown users command %q", args[0])
	}
}

func cmdUsersAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("users add", "users add [flags] EMAIL",
		"Adds a member of staff. The password is read from the first line of standard\ninput (e.g. echo 'a long secret' | newsdesk users add ...); with nothing\non standard input, a password is made up and printed once.")
	dsn := databaseFlag(fs)
	role := fs.String("role", string(newsdesk.RoleEditor), "admin (everything) or editor (sources, items, posts)")
	name := fs.String("name", "", "the name shown on the desk")
	pos, err := e.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return newsdesk.Errorf(newsdesk.EINVALID, "Give the new user's e-mail address.")
	}
	password, made := readPassword(e)
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &newsdesk.User{Email: pos[0], Name: *name, Role: newsdesk.Role(*role)}
	if err := staff.New(staff.Config{Users: db}).AddUser(ctx, u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added %s %s (user %d).\n", u.Role, u.Email, u.ID)
	if made {
		fmt.Fprintf(e.stdout, "Password: %s\n(shown once; sign in at /desk/ to use it)\n", password)
	}
	return nil
}

// readPassword reads the first line of standard input, or makes up a
// password when there is none.
func readPassword(e *env) (password string, made bool) {
	if e.stdin != nil {
		if f, ok := e.stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				fmt.Fprint(e.stderr, "Password (at least 10 characters, not a common one; empty to make one up): ")
			}
		}
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			return line, false
		}
	}
	return rand.Text(), true
}

func cmdUsersList(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("users list", "users list [flags]", "Lists every user.")
	dsn := databaseFlag(fs)
	if _, err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := staff.New(staff.Config{Users: db}).FindUsers(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tEMAIL\tNAME\tROLE")
	for _, u := range users {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role)
	}
	return w.Flush()
}
