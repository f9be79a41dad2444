package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newsdesk/newsdesk"
)

// This file is where the store meets its database driver. Every error the
// driver returns passes through reachable, which codes the ones that mean
// the database cannot be reached just now ESERVICEUNAVAILABLE, so that the
// site, the desk and the API answer 503 rather than 500, whichever query
// met the outage: the store's own, a transaction's commit, a row scanned,
// or the job queue's, which shares the pool. Other errors pass through
// untouched, so database/sql still sees the driver's own sentinels
// (driver.ErrBadConn, driver.ErrSkip, io.EOF) as it expects them.

// reachable returns err coded ESERVICEUNAVAILABLE if it says that the
// database cannot be reached, and err itself otherwise. It decides by the
// drivers' error types and codes, never by the message text.
func reachable(err error) error {
	if err == nil || err == io.EOF || err == driver.ErrBadConn || err == driver.ErrSkip || err == driver.ErrRemoveArgument {
		return err
	}
	if msg := unreachable(err); msg != "" {
		return newsdesk.WrapError(newsdesk.ESERVICEUNAVAILABLE, err, "%s", msg)
	}
	return err
}

// unreachable returns what to tell users when err means that the database
// cannot be reached or cannot work for now, and "" when it does not.
func unreachable(err error) string {
	const (
		down = "The database cannot be reached just now. Try again in a moment."
		busy = "The database is busy just now. Try again in a moment."
	)
	var e *newsdesk.Error
	if errors.As(err, &e) {
		return "" // coded already
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", // admin_shutdown: the server is stopping, or the backend was terminated
			"57P02", // crash_shutdown
			"57P03": // cannot_connect_now: starting up, or in recovery
			return down
		case "53300", // too_many_connections
			"53000", // insufficient_resources
			"53100", // disk_full
			"53200": // out_of_memory
			return busy
		}
		if strings.HasPrefix(pgErr.Code, "08") { // connection_exception
			return down
		}
		// Any other code is an answer from a server that is up: a wrong
		// password, a missing database, a query's own fault.
		return ""
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff { // the primary code, whatever the extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			// Only after the busy timeout: another process held the
			// database that long.
			return busy
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM,
			sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL:
			// The file cannot be opened, read or written: a disk gone,
			// full or read-only, permissions changed under us.
			return down
		}
		return ""
	}
	// The connection itself failed: refused, reset, timed out, the host
	// unknown, or the server gone mid-answer.
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return down
	}
	return ""
}

// connector opens the driver's connections and wraps each so that its
// errors pass through reachable.
type connector struct {
	driver.Connector
}

// Connect opens a connection.
func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, reachable(err)
	}
	if _, ok := dc.(driver.Validator); ok {
		return &validatedConn{conn{dc}}, nil
	}
	return &conn{dc}, nil
}

// dsnConnector is the connector of a driver that offers none of its own.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// openPool opens a pool of the driver registered as driverName whose
// errors pass through reachable. Like sql.Open, it connects to nothing yet.
func openPool(driverName, dsn string) (*sql.DB, error) {
	// sql.Open finds the registered driver and connects to nothing.
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	var inner driver.Connector = dsnConnector{dsn: dsn, drv: drv}
	if dc, ok := drv.(driver.DriverContext); ok {
		if inner, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	}
	return sql.OpenDB(connector{inner}), nil
}

// conn wraps a driver connection. It offers every optional interface that
// database/sql looks for, falling back to what database/sql itself would
// do when the driver's connection lacks one, except driver.Validator,
// whose mere presence changes how database/sql treats a rolled-back
// connection: validatedConn adds it for the drivers that have it.
type conn struct {
	driver.Conn
}

var (
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.Validator          = (*validatedConn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	s, err := c.Conn.Prepare(query)
	if err != nil {
		return nil, reachable(err)
	}
	return &stmt{s}, nil
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	pc, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return c.Prepare(query)
	}
	s, err := pc.PrepareContext(ctx, query)
	if err != nil {
		return nil, reachable(err)
	}
	return &stmt{s}, nil
}

func (c *conn) Begin() (driver.Tx, error) {
	t, err := c.Conn.Begin()
	if err != nil {
		return nil, reachable(err)
	}
	return tx{t}, nil
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	bt, ok := c.Conn.(driver.ConnBeginTx)
	if !ok {
		if opts.ReadOnly || opts.Isolation != driver.IsolationLevel(0) {
			return nil, errors.New("store: the driver cannot begin a read-only or isolated transaction")
		}
		return c.Begin()
	}
	t, err := bt.BeginTx(ctx, opts)
	if err != nil {
		return nil, reachable(err)
	}
	return tx{t}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip // database/sql prepares the statement instead
	}
	r, err := ec.ExecContext(ctx, query, args)
	return r, reachable(err)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := qc.QueryContext(ctx, query, args)
	if err != nil {
		return nil, reachable(err)
	}
	return wrapRows(r), nil
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return reachable(p.Ping(ctx))
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return reachable(r.ResetSession(ctx))
	}
	return nil
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip // database/sql's default conversion
}

// validatedConn is a conn whose driver connection says whether it can
// still be used.
type validatedConn struct {
	conn
}

func (c *validatedConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// stmt wraps a prepared statement.
type stmt struct {
	driver.Stmt
}

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	r, err := s.Stmt.Exec(args)
	return r, reachable(err)
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	r, err := s.Stmt.Query(args)
	if err != nil {
		return nil, reachable(err)
	}
	return wrapRows(r), nil
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := s.Stmt.(driver.StmtExecContext); ok {
		r, err := ec.ExecContext(ctx, args)
		return r, reachable(err)
	}
	values, err := namedValues(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Exec(values)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		r, err := qc.QueryContext(ctx, args)
		if err != nil {
			return nil, reachable(err)
		}
		return wrapRows(r), nil
	}
	values, err := namedValues(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Query(values)
}

// CheckNamedValue lets the statement's own checker convert arguments, as
// database/sql would have asked it first; without one, database/sql asks
// the connection's, and then converts by default.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// namedValues is database/sql's conversion for drivers without context
// methods: positional arguments only.
func namedValues(named []driver.NamedValue) ([]driver.Value, error) {
	values := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errors.New("store: the driver does not support named arguments")
		}
		values[i] = nv.Value
	}
	return values, nil
}

// tx wraps a transaction: a commit is where a lost connection or a busy
// SQLite often shows itself.
type tx struct {
	driver.Tx
}

func (t tx) Commit() error   { return reachable(t.Tx.Commit()) }
func (t tx) Rollback() error { return reachable(t.Tx.Rollback()) }

// rows wraps a result set: a connection can fail between two rows.
type rows struct {
	driver.Rows
}

func wrapRows(r driver.Rows) driver.Rows { return &rows{r} }

func (r *rows) Next(dest []driver.Value) error { return reachable(r.Rows.Next(dest)) }

func (r *rows) HasNextResultSet() bool {
	if n, ok := r.Rows.(driver.RowsNextResultSet); ok {
		return n.HasNextResultSet()
	}
	return false
}

func (r *rows) NextResultSet() error {
	if n, ok := r.Rows.(driver.RowsNextResultSet); ok {
		return reachable(n.NextResultSet())
	}
	return io.EOF
}

// The column type methods answer as database/sql does for drivers that
// lack them.

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if c, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if c, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return c.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if c, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
