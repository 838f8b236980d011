package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

// Harness is what an adapter's test gives the suite.
type Harness struct {
	// Dialect names the database in messages ("postgres", "mysql", "sqlite").
	Dialect string
	// NewBackend returns an empty, migrated backend isolated from every other
	// one the harness returns (its own schema, database or file). It
	// registers its own cleanup with t.Cleanup. It fails t (never skips) if
	// the database cannot be reached. The backend must also implement
	// schedstore.Store (the store area fails otherwise); the type stays
	// Backend so that a harness written before Store still compiles.
	NewBackend func(t *testing.T) schedstore.Backend
	// NewCountedBackend is NewBackend over a connection that counts its round
	// trips to the server (writes of a request). Nil when the dialect has no
	// network (see Capabilities.Embedded).
	NewCountedBackend func(t *testing.T) (b schedstore.Backend, roundTrips func() int64)
	Capabilities
}

// Capabilities declare where dialects differ. The suite decides by these,
// never by the dialect's name.
type Capabilities struct {
	// ParallelTests: leaf tests may call t.Parallel, each with its own backend.
	ParallelTests bool
	// Embedded: the database runs in-process (SQLite); there are no network
	// round trips to count.
	Embedded bool
	// SingleWriter: the database serializes writers (SQLite). Concurrency
	// tests still run; they assert outcomes, not overlap.
	SingleWriter bool
}
