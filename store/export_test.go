package store

import (
	"context"
	"time"
)

// What the store's external tests need of its insides.

// Reachable is reachable, for tests of how driver errors are coded.
var Reachable = reachable

// SQLiteDSN is sqliteDSN, for a test's second connection to a file.
var SQLiteDSN = sqliteDSN

// OpenSQLiteBusy opens a SQLite database as Open does, but whose
// statements give up after busy waiting for another writer, so that a test
// of a busy database need not wait the full timeout.
func OpenSQLiteBusy(ctx context.Context, path string, busy time.Duration) (*DB, error) {
	d := &DB{dialect: SQLite, Now: time.Now}
	var err error
	if d.db, err = openPool("sqlite", sqliteDSN(path, busy)); err != nil {
		return nil, err
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	return d, nil
}
