package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
)

// Open opens the database a sqlite:// URL names (see ParseURL), creating
// the file if needed, and, unless the URL says schedstore_migrate=false,
// applies pending migrations. Close closes the handle.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	path, migrate, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db, err := OpenDB(ctx, path)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := Migrate(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	return newStore(db, true), nil
}

// OpenDB opens the handle Open uses for path (a file, created if missing,
// or Memory), with DSN's settings and one connection, and checks that it
// works. It applies no migrations.
func OpenDB(ctx context.Context, path string) (*sql.DB, error) {
	if path != Memory {
		// SQLite resolves a relative path each time it opens a connection;
		// fixing it now keeps a later os.Chdir from moving the database.
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("schedstore: sqlite: %w", err)
		}
		path = abs
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("schedstore: sqlite: open %s: %w", path, err)
	}
	// One connection. For ":memory:" it is required: each connection would
	// be a separate, empty database (and the pool never closes an idle one:
	// no lifetime limits are set). For a file it is the simplest correct
	// choice: SQLite admits one writer at a time anyway, every call here is
	// one short statement, and a single connection can never meet
	// SQLITE_BUSY from its own process; other processes are covered by
	// busy_timeout, and WAL keeps their readers off our writer's back.
	db.SetMaxOpenConns(1)
	if err := firstConnect(ctx, db, path); err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// firstConnect opens db's connection, which creates the file and applies
// the pragmas, holding the lock file of path meanwhile. The first
// connection to a fresh file switches it to WAL, which needs the database
// to itself: processes doing that at once fail with SQLITE_BUSY at once
// (busy_timeout does not cover that lock upgrade), so they take turns. Once
// the file is in WAL mode (it stays so), later connections change nothing.
func firstConnect(ctx context.Context, db *sql.DB, path string) error {
	if path != Memory {
		held, err := lockFile(lockPath(path), lockWait, lockPoll)
		if err != nil {
			return err
		}
		defer held.Close()
	}
	return db.PingContext(ctx)
}
