package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/sqlite"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
)

// TestQueriesPrepare: every query compiles against the migrated schema, so
// a Store from Open (or New over a migrated database) runs them prepared,
// never falling back to compiling each call.
func TestQueriesPrepare(t *testing.T) {
	db, err := sqlite.OpenDB(t.Context(), filepath.Join(t.TempDir(), "prepare.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := sqlite.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	q, err := sqlitedb.Prepare(t.Context(), db)
	if err != nil {
		t.Fatalf("a query does not compile against the migrated schema: %v", err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestNewBeforeMigrate: a Store over a database not migrated yet cannot
// prepare its queries; it runs them unprepared and reports what SQLite
// says, and works once the schema is there.
func TestNewBeforeMigrate(t *testing.T) {
	db, err := sqlite.OpenDB(t.Context(), filepath.Join(t.TempDir(), "late.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := sqlite.New(db)
	defer st.Close()
	if _, err := st.Get(t.Context(), "nope"); err == nil || errors.Is(err, schedstore.ErrNotFound) {
		t.Fatalf("Get before the schema exists: %v, want SQLite's error", err)
	}
	if err := sqlite.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(t.Context(), "nope"); !errors.Is(err, schedstore.ErrNotFound) {
		t.Fatalf("Get after Migrate: %v, want ErrNotFound", err)
	}
}
