// Package store keeps newsdesk's data in SQLite or PostgreSQL with one
// implementation: the SQL is written once, with '?' placeholders, and the
// few real differences between the databases sit in a dialect value.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newsdesk/newsdesk"
)

// Dialect names a database family.
type Dialect string

// The databases newsdesk runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is newsdesk's database. Its methods implement the service interfaces
// of package newsdesk.
type DB struct {
	db      *sql.DB
	dialect Dialect

	// Now is the clock; tests replace it.
	Now func() time.Time

	rebound sync.Map // query text with '?' -> with '$n', for PostgreSQL
}

// Compile-time checks that DB serves every interface it should.
var (
	_ newsdesk.SourceService = (*DB)(nil)
	_ newsdesk.ItemService   = (*DB)(nil)
	_ newsdesk.PostService   = (*DB)(nil)
	_ newsdesk.UserService   = (*DB)(nil)
)

// DefaultSQLitePath is where newsdesk keeps its data when told nothing else.
const DefaultSQLitePath = "newsdesk-data/newsdesk.db"

// Open connects to the database that dsn names: a postgres:// or
// postgresql:// URL, or a SQLite file given as a path or a sqlite: URL
// (its directory is created if missing). It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := &DB{Now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d.dialect = Postgres
		d.db, err = openPool("pgx", withConnectTimeout(dsn))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		d.db.SetMaxOpenConns(16)
		d.db.SetMaxIdleConns(16)
	default:
		d.dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
		if path == "" {
			path = DefaultSQLitePath
		}
		if path != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		d.db, err = openPool("sqlite", sqliteDSN(path, sqliteBusyTimeout))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		// SQLite has one writer at a time. Writers wait for each other
		// (busy_timeout) and take the write lock when they begin
		// (_txlock=immediate), so a transaction never fails half way
		// because another wrote first. A few connections let reads run
		// beside a write under WAL.
		d.db.SetMaxOpenConns(4)
		d.db.SetMaxIdleConns(4)
		d.db.SetConnMaxIdleTime(0)
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		// At start the operator is at the terminal: say what the driver
		// said, not only that the database cannot be reached.
		var coded *newsdesk.Error
		if errors.As(err, &coded) && coded.Err != nil {
			return nil, newsdesk.WrapError(coded.Code, err, "Cannot connect to the %s database: %v.", d.dialect, coded.Err)
		}
		return nil, fmt.Errorf("connect to %s database: %w", d.dialect, err)
	}
	return d, nil
}

// sqliteBusyTimeout is how long a statement waits for another connection's
// write lock before it fails as busy (and the request answers 503).
const sqliteBusyTimeout = 10 * time.Second

// pgConnectTimeout bounds a new PostgreSQL connection when the URL says
// nothing: a server whose host stops answering (a failover, a firewall
// that drops rather than refuses) would otherwise hold every request
// that needs a connection until the operating system gives up, minutes
// later, rather than answer 503 within seconds.
const pgConnectTimeout = 5 * time.Second

// withConnectTimeout adds pgConnectTimeout to a postgres:// URL that sets
// no connect_timeout of its own.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver says what is wrong with it
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return dsn
	}
	q.Set("connect_timeout", strconv.Itoa(int(pgConnectTimeout/time.Second)))
	u.RawQuery = q.Encode()
	return u.String()
}

func sqliteDSN(path string, busy time.Duration) string {
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")",
		"journal_mode(WAL)",
		"synchronous(NORMAL)",
		"foreign_keys(1)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// Times are written as "2006-01-02 15:04:05.999999999-07:00" and always
	// in UTC, so that they sort as text in the right order.
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// SQL returns the underlying pool, for the job queue that shares it.
func (d *DB) SQL() *sql.DB { return d.db }

// Dialect returns which database this is.
func (d *DB) Dialect() Dialect { return d.dialect }

func (d *DB) now() time.Time { return d.Now().UTC() }

// q rewrites a query written with '?' placeholders for the database.
func (d *DB) q(query string) string {
	if d.dialect != Postgres {
		return query
	}
	if v, ok := d.rebound.Load(query); ok {
		return v.(string)
	}
	v := rebind(query)
	d.rebound.Store(query, v)
	return v
}

// rebind turns '?' placeholders outside quotes into $1, $2, ...
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx runs fn in a transaction, committing if it returns nil.
func (d *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// translate turns driver errors that users can act on into coded errors,
// by the database's own error code, never by the message text.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return newsdesk.WrapError(newsdesk.ECONFLICT, err, "That already exists.")
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return newsdesk.WrapError(newsdesk.ECONFLICT, err, "That already exists.")
		}
	}
	return err
}

// isConflict reports whether err is a unique-constraint violation.
func isConflict(err error) bool { return newsdesk.ErrorCode(translate(err)) == newsdesk.ECONFLICT }

// nullTime converts an optional time for storage, in UTC.
func nullTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timePtr converts a scanned optional time back.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func notFound(what string, id any) error {
	return newsdesk.Errorf(newsdesk.ENOTFOUND, "%s %v not found.", what, id)
}
