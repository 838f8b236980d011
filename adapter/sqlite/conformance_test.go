package sqlite_test

import (
	"context"
	"testing"

	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Dialect:      "sqlite",
		NewURL:       testdb.SQLite,
		Open:         conformance.Opener(sqlite.Open),
		NewMigrator:  sqlite.OpenMigrator,
		Exec:         exec,
		Capabilities: conformance.Capabilities{ParallelTests: true, Embedded: true},
	})
}

// openStore opens rawURL and closes the store when t ends.
func openStore(t testing.TB, rawURL string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("Open(%q): %v", rawURL, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// exec runs one statement on rawURL's database file, over a handle of its own.
func exec(ctx context.Context, rawURL, stmt string) error {
	path, _, err := sqlite.ParseURL(rawURL)
	if err != nil {
		return err
	}
	db, err := sqlite.OpenDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}
