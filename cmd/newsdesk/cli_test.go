package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs the program in-process with args and returns what it
// printed and the message main would print for its error.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr, errMsg string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	if err != nil {
		errMsg = userMessage(err)
	}
	return out.String(), errb.String(), errMsg
}

func TestHelpExplainsEveryCommand(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--help"}, {"migrate", "--help"}, {"sources", "--help"}, {"sources", "add", "--help"},
		{"sources", "list", "--help"}, {"sources", "poll", "--help"}, {"sources", "remove", "--help"},
		{"users", "--help"}, {"users", "add", "--help"}, {"users", "list", "--help"}, {"extract", "--help"},
		{"cluster", "--help"}, {"related", "--help"},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &errb)
		if code := exitCode(err); code != 0 || !errors.Is(err, errHelp) {
			t.Errorf("%v: err %v, exit %d; want the help shown and exit 0", args, err, code)
		}
		if errb.Len() != 0 {
			t.Errorf("%v: help went to standard error:\n%s", args, errb.String())
		}
		help := out.String()
		if !strings.Contains(help, "Usage: newsdesk "+args[0]) {
			t.Errorf("%v: help does not start with usage:\n%s", args, help)
		}
		if len(args) == 3 || args[0] == "serve" || args[0] == "migrate" {
			if !strings.Contains(help, "--database  [NEWSDESK_DATABASE_URL]") {
				t.Errorf("%v: help does not name --database and its variable:\n%s", args, help)
			}
		}
	}
	out, _, _ := cli(t, "", "--help")
	for _, cmd := range []string{"serve", "migrate", "sources", "users", "extract", "cluster", "related"} {
		if !strings.Contains(out, "  "+cmd+" ") {
			t.Errorf("newsdesk --help does not list %s:\n%s", cmd, out)
		}
	}
}

func TestEnvironmentConfiguresFlags(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "from-env.db")
	getenv := func(k string) string {
		if k == "NEWSDESK_DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if matches, _ := filepath.Glob(dsn); len(matches) != 1 {
		t.Fatalf("NEWSDESK_DATABASE_URL was not used: %s", out.String())
	}
}

// Bad feeds get a clear message in the CLI, and nothing is stored.
func TestSourcesAddBadInput(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><html><body>Home</body></html>"))
		case "/broken":
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut`))
		case "/huge":
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
			chunk := []byte(strings.Repeat("<item><title>x</title></item>", 1000))
			for range 400 { // about 11 MB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/good":
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Millbrook Echo</title>
<item><guid>m1</guid><title>Weir repairs finish</title><link>https://echo.example/1</link></item></channel></rss>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "n.db")

	for _, tc := range []struct{ name, url, want string }{
		{"malformed URL", "htp:/nowhere", `"htp:/nowhere" is not a web address: it must start with http:// or https://.`},
		{"unreachable host", "http://" + closed + "/feed", "Could not connect to " + closed + "."},
		{"missing page", srv.URL + "/nope", "answered 404 Not Found."},
		{"not a feed", srv.URL + "/page", "The address is a web page, not a feed."},
		{"malformed feed", srv.URL + "/broken", "The feed is malformed"},
		{"huge feed", srv.URL + "/huge", "The feed is larger than newsdesk accepts (10 MB)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, msg := cli(t, "", "sources", "add", "--database", db, "--allow-private", "127.0.0.1", tc.url)
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q, want it to contain %q", msg, tc.want)
			}
			out, _, _ := cli(t, "", "sources", "list", "--database", db)
			if !strings.Contains(out, "No sources yet") {
				t.Fatalf("a failed add stored a source:\n%s", out)
			}
		})
	}

	// The test server is on loopback, which newsdesk refuses unless allowed.
	_, _, msg := cli(t, "", "sources", "add", "--database", db, srv.URL+"/good")
	if want := "newsdesk does not fetch from private addresses (127.0.0.1); allow it with --allow-private."; msg != want {
		t.Fatalf("loopback feed not allowed: %q, want %q", msg, want)
	}
	out, _, msg := cli(t, "", "sources", "add", "--database", db, "--allow-private", "127.0.0.1", srv.URL+"/good")
	if msg != "" || !strings.Contains(out, "Following Millbrook Echo (source 1): 1 items.") {
		t.Fatalf("good feed: %q %q", out, msg)
	}
	_, _, msg = cli(t, "", "sources", "add", "--database", db, "--allow-private", "127.0.0.1", srv.URL+"/good")
	if !strings.Contains(msg, "is already followed") {
		t.Fatalf("adding twice: %q", msg)
	}
	// A later failure shows on the source in the listing.
	srv.Config.Handler = http.NotFoundHandler()
	_, _, msg = cli(t, "", "sources", "poll", "--database", db, "--allow-private", "127.0.0.1", "1")
	if !strings.Contains(msg, "answered 404 Not Found.") {
		t.Fatalf("poll of a broken source: %q", msg)
	}
	out, _, _ = cli(t, "", "sources", "list", "--database", db)
	if !strings.Contains(out, "Millbrook Echo") || !strings.Contains(out, "error") || !strings.Contains(out, "answered 404 Not Found.") {
		t.Fatalf("listing does not show the source's error:\n%s", out)
	}
}

func TestUsersAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	out, _, msg := cli(t, "correct horse battery\n", "users", "add", "--database", db, "--role", "admin", "ed@example.org")
	if msg != "" || !strings.Contains(out, "Added admin ed@example.org") || strings.Contains(out, "Password:") {
		t.Fatalf("add: %q %q", out, msg)
	}
	// Without a password on stdin one is made up and shown once.
	out, _, msg = cli(t, "", "users", "add", "--database", db, "sub@example.org")
	if msg != "" || !strings.Contains(out, "Added editor sub@example.org") || !strings.Contains(out, "Password: ") {
		t.Fatalf("add with made-up password: %q %q", out, msg)
	}
	for _, tc := range []struct{ name, stdin, want string }{
		{"short password", "short\n", "at least 10 characters"},
		{"common password", "Password123\n", "one of the 10,000 most common passwords"},
		{"bad role", "long enough password\n", `Unknown role "chief"`},
		{"taken", "long enough password\n", "exists already"},
	} {
		args := []string{"users", "add", "--database", db, "new@example.org"}
		if tc.name == "bad role" {
			args = append(args, "--role", "chief")
		}
		if tc.name == "taken" {
			args[4] = "ED@example.org"
		}
		if _, _, msg := cli(t, tc.stdin, args...); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, msg, tc.want)
		}
	}
	out, _, _ = cli(t, "", "users", "list", "--database", db)
	if !strings.Contains(out, "ed@example.org") || !strings.Contains(out, "sub@example.org") || strings.Contains(out, "new@example.org") {
		t.Fatalf("list:\n%s", out)
	}
}

func TestServeSaysWhyItCannotListen(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, _, msg := cli(t, "", "serve", "--database", filepath.Join(t.TempDir(), "n.db"), "--addr", taken.Addr().String())
	if !strings.Contains(msg, "Cannot listen on "+taken.Addr().String()) || !strings.Contains(msg, "another program is using that port") {
		t.Errorf("serve on a taken port: %q", msg)
	}
}

// A command line with no command, or a group with no subcommand, is a
// usage error: the usage goes to standard error and the exit status is 2,
// so a script that forgot an argument does not carry on as if it worked.
func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"sources"}, {"users"}} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, nil, &out, &errb)
		if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 2 {
			t.Errorf("%v: err %v, exit %d; want a usage error, exit 2", args, err, exitCode(err))
		}
		if !strings.Contains(errb.String(), "Usage:") || out.Len() != 0 {
			t.Errorf("%v: usage not on standard error (stdout %q, stderr %q)", args, out.String(), errb.String())
		}
	}
	if exitCode(errors.New("boom")) != 1 || exitCode(nil) != 0 {
		t.Error("exitCode: a failure exits 1 and success 0")
	}
}
