package store_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/newsdesk/newsdesk"
	"github.com/newsdesk/newsdesk/store"
	"github.com/newsdesk/newsdesk/store/storetest"
	"github.com/newsdesk/newsdesk/web"
)

// wantUnavailable fails the test unless err says that the database cannot
// be reached, which the site, the desk and the API answer with 503.
func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if code := newsdesk.ErrorCode(err); code != newsdesk.ESERVICEUNAVAILABLE || web.ErrorStatus(err) != http.StatusServiceUnavailable {
		t.Fatalf("%s: got %v (code %q, status %d), want code %q and 503", what, err, code, web.ErrorStatus(err), newsdesk.ESERVICEUNAVAILABLE)
	}
}

// While PostgreSQL cannot be reached, every kind of store call fails coded
// ESERVICEUNAVAILABLE; when it is back, the same DB works again.
func TestPostgresDownIsUnavailable(t *testing.T) {
	dsn, sw := storetest.PostgresSwitch(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src := &newsdesk.Source{Name: "Harbor Ledger", FeedURL: "https://ledger.example/feed"}
	if err := db.CreateSource(ctx, src); err != nil {
		t.Fatal(err)
	}

	sw.Down()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"a row read", func() error { _, err := db.FindSourceByID(ctx, src.ID); return err }},
		{"a list read", func() error { _, err := db.FindSources(ctx); return err }},
		{"a write in a transaction", func() error {
			return db.CreateSource(ctx, &newsdesk.Source{Name: "Kiln", FeedURL: "https://kiln.example/feed"})
		}},
		{"the pool itself", func() error { return db.SQL().PingContext(ctx) }},
	} {
		wantUnavailable(t, tc.name, tc.call())
	}

	sw.Up()
	if _, err := db.FindSourceByID(ctx, src.ID); err != nil {
		t.Fatalf("after the database came back: %v", err)
	}
}

// A backend terminated under a running query (as when the server shuts
// down, or an administrator ends the session) fails that query coded
// ESERVICEUNAVAILABLE.
func TestPostgresTerminatedIsUnavailable(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	if err := db.SQL().QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}

	failed := make(chan error, 1)
	go func() {
		_, err := db.SQL().ExecContext(ctx, "SELECT pg_sleep(30)")
		failed <- err
	}()
	admin, err := sql.Open("pgx", os.Getenv(storetest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// Only this test's own database's sessions, and only once the query
	// is running.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := admin.QueryRowContext(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%'`, name).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the query never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-failed:
		wantUnavailable(t, "terminated query", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the terminated query did not return")
	}
	if _, err := db.SQL().ExecContext(ctx, "SELECT 1"); err != nil {
		t.Fatalf("the next query: %v", err)
	}
}

// A SQLite database held by another writer past the busy timeout fails
// the write coded ESERVICEUNAVAILABLE, and so does a file that cannot be
// opened.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsdesk.db")
	db, err := store.OpenSQLiteBusy(ctx, path, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	other, err := sql.Open("sqlite", store.SQLiteDSN(path, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hold, err := other.BeginTx(ctx, nil) // _txlock=immediate: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.ExecContext(ctx, "DELETE FROM sources"); err != nil {
		t.Fatal(err)
	}
	err = db.CreateSource(ctx, &newsdesk.Source{Name: "Kiln", FeedURL: "https://kiln.example/feed"})
	wantUnavailable(t, "write while another holds the lock", err)
	hold.Rollback()
	if err := db.CreateSource(ctx, &newsdesk.Source{Name: "Kiln", FeedURL: "https://kiln.example/feed"}); err != nil {
		t.Fatalf("after the lock was let go: %v", err)
	}

	// A path that is a directory cannot be opened as a database.
	_, err = store.Open(ctx, t.TempDir())
	wantUnavailable(t, "open a directory", err)
}

// Only errors that mean the database cannot be reached are coded; the
// driver's answers to a query's own faults, and database/sql's sentinels,
// are left as they are.
func TestReachableCodesByTypeAndCode(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("failed to connect: %w", refused), true},
		{"server gone mid-answer", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"wrong password", &pgconn.PgError{Code: "28P01"}, false},
		{"no such database", &pgconn.PgError{Code: "3D000"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"no rows", sql.ErrNoRows, false},
		{"cancelled", context.Canceled, false},
		{"already coded", newsdesk.Errorf(newsdesk.ENOTFOUND, "Source 1 not found."), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := newsdesk.ErrorCode(store.Reachable(tc.err)) == newsdesk.ESERVICEUNAVAILABLE
			if got != tc.want {
				t.Fatalf("store.Reachable(%v) coded unavailable: %v, want %v", tc.err, got, tc.want)
			}
			if !errors.Is(store.Reachable(tc.err), tc.err) {
				t.Fatalf("store.Reachable(%v) lost the driver's error", tc.err)
			}
		})
	}
	for _, sentinel := range []error{io.EOF, driver.ErrBadConn, driver.ErrSkip, driver.ErrRemoveArgument} {
		if store.Reachable(sentinel) != sentinel {
			t.Fatalf("reachable changed database/sql's sentinel %v", sentinel)
		}
	}
}

// A PostgreSQL host that takes the connection but never answers (as when
// packets are dropped) fails within the connect timeout, coded
// ESERVICEUNAVAILABLE, rather than holding the caller for minutes.
func TestPostgresSilentIsUnavailableSoon(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 16) // kept open, and never a word
	defer func() {
		ln.Close()
		for {
			select {
			case c := <-held:
				c.Close()
			default:
				return
			}
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c:
			default:
				c.Close()
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err = store.Open(ctx, "postgres://postgres@"+ln.Addr().String()+"/newsdesk?sslmode=disable")
	wantUnavailable(t, "silent host", err)
	if took := time.Since(start); took > 15*time.Second {
		t.Fatalf("gave up after %v, want within the 5s connect timeout", took)
	}
}
