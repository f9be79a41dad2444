package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// defaultPostgres is tried when no server is named; when it does not
// answer, the PostgreSQL rows say so instead of failing the run.
const defaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// findPostgres checks that the server answers and notes its version, or
// notes why the PostgreSQL cases will be skipped.
func (e *env) findPostgres(ctx context.Context, server string, explicit bool) error {
	if server == "" {
		e.postgresSkip = "skipped: -postgres is empty"
		return nil
	}
	version, err := postgresVersion(ctx, server)
	if err != nil {
		if explicit {
			return fmt.Errorf("PostgreSQL at %s: %w", redact(server), err)
		}
		e.logf("no PostgreSQL at %s (%v): its rows are skipped", redact(server), err)
		e.postgresSkip = "skipped: no server"
		return nil
	}
	e.postgres, e.postgresVersion = server, version
	return nil
}

func postgresVersion(ctx context.Context, server string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var v string
	if err := admin.QueryRowContext(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "", err
	}
	return v, nil
}

// freshPostgres creates an empty database on the server for one case and
// returns its URL, with a function that drops it (WITH (FORCE), so that a
// child process that died holding connections cannot keep it alive).
func (e *env) freshPostgres(ctx context.Context) (string, func(), error) {
	u, err := url.Parse(e.postgres)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	admin, err := sql.Open("pgx", e.postgres)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	name := "newsdesk_bench_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() {
		defer admin.Close()
		// Drop even when the benchmark ran out of time or was interrupted.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			e.logf("could not drop database %s, drop it by hand: %v", name, err)
		}
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// redact hides a password in a server URL shown to the user.
func redact(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
