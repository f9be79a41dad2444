package store

import (
	"context"
	"fmt"
	"time"
)

// BeatWorker counts a heartbeat of the job-running process id (its job
// queue's client ID), recording the process at its first.
func (d *DB) BeatWorker(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO job_workers (id, beats, started_at) VALUES (?, 1, ?)
		ON CONFLICT (id) DO UPDATE SET beats = job_workers.beats + 1`), id, d.now())
	if err != nil {
		return fmt.Errorf("heartbeat of worker %s: %w", id, err)
	}
	return nil
}

// WorkerBeats returns the heartbeat count of every job-running process
// recorded, by ID.
func (d *DB) WorkerBeats(ctx context.Context) (map[string]int64, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT id, beats FROM job_workers")
	if err != nil {
		return nil, fmt.Errorf("worker heartbeats: %w", err)
	}
	defer rows.Close()
	beats := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("worker heartbeats: %w", err)
		}
		beats[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("worker heartbeats: %w", err)
	}
	return beats, nil
}

// ForgetWorker deletes the record of a job-running process: one that
// stopped, or died and whose jobs were taken over.
func (d *DB) ForgetWorker(ctx context.Context, id string) error {
	if _, err := d.db.ExecContext(ctx, d.q("DELETE FROM job_workers WHERE id = ?"), id); err != nil {
		return fmt.Errorf("forget worker %s: %w", id, err)
	}
	return nil
}

// DatabaseNow returns the time by the database's clock, against which to
// judge the times the database writes itself (the job queue's). SQLite
// runs on this machine, so its clock is this machine's real one, not the
// store's Now, which tests replace.
func (d *DB) DatabaseNow(ctx context.Context) (time.Time, error) {
	if d.dialect != Postgres {
		return time.Now().UTC(), nil
	}
	var t time.Time
	if err := d.db.QueryRowContext(ctx, "SELECT now()").Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("database clock: %w", err)
	}
	return t.UTC(), nil
}
