package sqlite_test

import (
	"testing"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Dialect: "sqlite", NewBackend: newBackend,
		Capabilities: conformance.Capabilities{ParallelTests: true, Embedded: true, SingleWriter: true}})
}

// newBackend opens a fresh, migrated database file in t.TempDir().
func newBackend(t *testing.T) schedstore.Backend { return openBackend(t, testdb.SQLite(t)) }

// openBackend opens rawURL and closes the backend when t ends.
func openBackend(t testing.TB, rawURL string) *sqlite.Store {
	t.Helper()
	b, err := sqlite.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("Open(%q): %v", rawURL, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}
