package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	sqlitemigrate "github.com/golang-migrate/migrate/v4/database/sqlite"

	"github.com/flowrra/schedstore/schema"
)

// Migrate applies pending migrations through db. Concurrent callers are
// safe: within a process through golang-migrate's lock, across processes
// (on Unix) through an flock on "<database>-migrate.lock".
func Migrate(ctx context.Context, db *sql.DB) error {
	m, err := NewMigrator(ctx, db)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

// NewMigrator returns a Migrator over db (which stays open after the
// Migrator is closed), for migrate up/down/status/force.
func NewMigrator(ctx context.Context, db *sql.DB) (*schema.Migrator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The lock file sits beside the database file; "" (no file: in memory
	// or temporary) means there is no other process to exclude.
	var file string
	if err := db.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").
		Scan(&file); err != nil {
		return nil, fmt.Errorf("schedstore: sqlite: migrations: %w", err)
	}
	drv, err := sqlitemigrate.WithInstance(db, &sqlitemigrate.Config{MigrationsTable: schema.MigrationsTable})
	if err != nil {
		return nil, fmt.Errorf("schedstore: sqlite: migrations: %w", err)
	}
	return schema.NewMigrator(schema.SQLite, &lockedDriver{Driver: drv, lockPath: lockPath(file)})
}

// lockPath names the lock file of the database file, or "" for none. It
// serializes the first connection to a fresh file and migrations.
func lockPath(dbFile string) string {
	if dbFile == "" {
		return ""
	}
	return dbFile + "-migrate.lock"
}

// OpenMigrator returns a Migrator for the database rawURL names, over a
// handle of its own that closing the Migrator closes. The
// schedstore_migrate option is ignored.
func OpenMigrator(ctx context.Context, rawURL string) (*schema.Migrator, error) {
	path, _, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db, err := OpenDB(ctx, path)
	if err != nil {
		return nil, err
	}
	m, err := NewMigrator(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	m.OnClose(db.Close)
	return m, nil
}
