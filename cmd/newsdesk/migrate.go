package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := e.dbCommand("migrate", "migrate [flags]",
		"Creates or updates the database's tables and exits. serve also does this\nat start, so running it by hand is only needed before a rolling deploy.")
	_, db, err := fs.open(ctx, args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "The %s database is up to date.\n", db.Dialect())
	return nil
}
