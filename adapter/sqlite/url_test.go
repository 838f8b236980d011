package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/sqlite"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		url, path string
		migrate   bool
	}{
		{"", sqlite.DefaultPath, true},
		{"sqlite://app.db", "app.db", true},
		{"sqlite://data/app.db", "data/app.db", true},
		{"sqlite://./app.db", "./app.db", true},
		{"sqlite:///var/lib/app.db", "/var/lib/app.db", true},
		{"SQLite:///var/lib/app.db", "/var/lib/app.db", true},
		{"sqlite://:memory:", sqlite.Memory, true},
		{"sqlite://app.db?schedstore_migrate=false", "app.db", false},
		{"sqlite://app.db?schedstore_migrate=true", "app.db", true},
		{"sqlite:///tmp/a%20b%3Fc%23d%25e.db", "/tmp/a b?c#d%e.db", true},
	} {
		path, migrate, err := sqlite.ParseURL(c.url)
		if err != nil || path != c.path || migrate != c.migrate {
			t.Errorf("ParseURL(%q) = %q, %v, %v; want %q, %v", c.url, path, migrate, err, c.path, c.migrate)
		}
	}
}

func TestBadURLs(t *testing.T) {
	for _, u := range []string{
		"postgres://h/db", "sqlite3://app.db", "file:app.db", "app.db", "sqlite:app.db", "sqlite:/app.db",
		"sqlite://", "sqlite://?schedstore_migrate=false",
		"sqlite://app.db?schedstore_migrate=perhaps",
		"sqlite://app.db?mode=ro", "sqlite://app.db?_pragma=journal_mode(DELETE)",
		"sqlite://app.db?schedstore_migrate=false&_txlock=deferred",
		"sqlite://app.db?a=%zz", "sqlite://bad%zz.db", "sqlite://app.db#frag", "sqlite://nul%00.db",
	} {
		if _, _, err := sqlite.ParseURL(u); !errors.Is(err, schedstore.ErrUnsupportedURL) {
			t.Errorf("ParseURL(%q): err = %v, want ErrUnsupportedURL", u, err)
		}
		if b, err := sqlite.Open(context.Background(), u); !errors.Is(err, schedstore.ErrUnsupportedURL) {
			t.Errorf("Open(%q): err = %v, want ErrUnsupportedURL", u, err)
			if b != nil {
				b.Close()
			}
		}
	}
}

// TestOpenForms opens each URL form and checks that the database is where
// the URL says and works.
func TestOpenForms(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("data", 0o755); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(t.TempDir(), "abs.db")
	odd := filepath.Join(t.TempDir(), "a b?c#d%e.db") // every character the DSN must escape
	for _, c := range []struct{ url, file string }{
		{"", filepath.Join(dir, ".flowrra_schedule.db")},
		{"sqlite://rel.db", filepath.Join(dir, "rel.db")},
		{"sqlite://data/rel.db", filepath.Join(dir, "data", "rel.db")},
		{"sqlite://" + abs, abs}, // abs starts with "/": sqlite:///...
		{"sqlite://" + escapePath.Replace(odd), odd},
	} {
		t.Run(c.url, func(t *testing.T) {
			roundTrip(t, openStore(t, c.url))
			if _, err := os.Stat(c.file); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}

// escapePath percent-encodes what a path in a URL cannot hold literally.
var escapePath = strings.NewReplacer("%", "%25", " ", "%20", "?", "%3F", "#", "%23")

// roundTrip creates a task and reads it back.
func roundTrip(t *testing.T, b schedstore.Backend) {
	t.Helper()
	in := schedstore.NewInterval("ping", time.Minute)
	if err := b.Create(t.Context(), in); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if got, err := b.Get(t.Context(), in.ID); err != nil || got.TaskName != "ping" {
		t.Fatalf("Get: %v, %v", got, err)
	}
}

// TestMemory: each in-memory backend is a database of its own, and its one
// connection serves concurrent callers (more connections would each see an
// empty database).
func TestMemory(t *testing.T) {
	a, b := openStore(t, "sqlite://:memory:"), openStore(t, "sqlite://:memory:")
	roundTrip(t, a)
	if n, err := b.ListAll(t.Context()); err != nil || len(n) != 0 {
		t.Fatalf("second in-memory backend: %d tasks, %v; want its own empty database", len(n), err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { roundTrip(t, a) })
	}
	wg.Wait()
	if all, err := a.ListAll(t.Context()); err != nil || len(all) != 9 {
		t.Fatalf("ListAll: %d tasks, %v; want 9", len(all), err)
	}
}

func TestMigrateOptionOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bare.db")
	b := openStore(t, "sqlite://"+path+"?schedstore_migrate=false")
	if got := tableNames(t, b.DB()); len(got) != 0 {
		t.Errorf("schedstore_migrate=false still created tables %v", got)
	}
	if _, err := b.ListAll(t.Context()); err == nil {
		t.Error("ListAll on an unmigrated database succeeded")
	}
	if err := sqlite.Migrate(t.Context(), b.DB()); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, b)
}

// TestOpenSettings checks the settings the package documents: WAL,
// busy_timeout, foreign keys, synchronous FULL, and transactions that take
// the write lock at BEGIN.
func TestOpenSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.db")
	b := openStore(t, "sqlite://"+path)
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "busy_timeout": "10000", "foreign_keys": "1", "synchronous": "2",
	} {
		var got string
		if err := b.DB().QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
	if s := b.DB().Stats(); s.MaxOpenConnections != 1 {
		t.Errorf("MaxOpenConnections = %d, want 1", s.MaxOpenConnections)
	}

	// A transaction that has run nothing yet already holds the write lock,
	// so a writer that does not wait gets SQLITE_BUSY.
	tx, err := b.DB().BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other := openDB(t, "file:"+path+"?_pragma=busy_timeout(0)")
	_, err = other.ExecContext(t.Context(), "DELETE FROM scheduled_tasks")
	if sqlErr := (*sqlitedrv.Error)(nil); !errors.As(err, &sqlErr) || sqlErr.Code() != sqlite3.SQLITE_BUSY {
		t.Errorf("a write while a transaction was open: %v, want SQLITE_BUSY (BEGIN must be IMMEDIATE)", err)
	}
}

// TestCancelWhileWaiting: a call waiting for a lock another process holds
// (here: another handle) returns promptly when its context is cancelled,
// well before busy_timeout's 10 s.
func TestCancelWhileWaiting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	b := openStore(t, "sqlite://"+path)
	other := openDB(t, sqlite.DSN(path))
	tx, err := other.BeginTx(t.Context(), nil) // IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = b.Create(ctx, schedstore.NewInterval("blocked", time.Minute))
	took := time.Since(start)
	t.Logf("Create returned after %v: %v", took, err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Create: %v, want context.DeadlineExceeded", err)
	}
	if took > 3*time.Second {
		t.Errorf("Create took %v after its deadline of 200ms", took)
	}
	// The backend is still usable once the lock is free.
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, b)
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tableNames lists the tables of db, but SQLite's own.
func tableNames(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	rows, err := db.QueryContext(t.Context(),
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
