package conformance

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schema"
)

// Harness is what an adapter's test gives the suite.
type Harness struct {
	// Dialect names the database in messages ("postgres", "mysql", "sqlite").
	Dialect string
	// NewURL returns the URL of a fresh, empty database (nothing migrated)
	// isolated from every other one it returns (its own schema, database or
	// file), dropped when t ends. It fails t (never skips) if the database
	// cannot be reached.
	NewURL func(t testing.TB) string
	// Open is the dialect's Open: it connects to rawURL and applies pending
	// migrations (see [Opener]).
	Open func(ctx context.Context, rawURL string) (schedstore.Store, error)
	// NewMigrator is the dialect's OpenMigrator: a Migrator for rawURL over
	// a connection of its own that closing the Migrator closes.
	NewMigrator func(ctx context.Context, rawURL string) (*schema.Migrator, error)
	// Exec runs one SQL statement on the database rawURL names, outside any
	// Store: the migrate area marks a version dirty with it, as a migration
	// that failed half-way leaves it. Required unless Schemaless.
	Exec func(ctx context.Context, rawURL, stmt string) error
	// NewStore returns an empty, migrated store isolated from every other
	// one, closed when t ends. Nil: Open over NewURL, which is what a
	// database adapter wants.
	NewStore func(t *testing.T) schedstore.Store
	// NewCountedStore returns an empty, migrated store over connections that
	// count their round trips to the server (writes of a request; see
	// [RoundTripCounter]). Required unless Capabilities.Embedded.
	NewCountedStore func(t *testing.T) (s schedstore.Store, roundTrips func() int64)
	Capabilities
}

// Capabilities declare where dialects differ. The suite decides by these,
// never by the dialect's name.
type Capabilities struct {
	// ParallelTests: leaf tests may call t.Parallel, each with its own store.
	ParallelTests bool
	// Embedded: the database runs in-process (SQLite), so there are no
	// network round trips to count: the round_trips area is left out and
	// NewCountedStore may be nil.
	Embedded bool
	// Schemaless: there is no schema to migrate (the suite's own in-memory
	// model): the migrate area is left out and NewURL, Open and NewMigrator
	// may be nil. A database adapter never sets it.
	Schemaless bool
}

// Opener adapts a dialect's Open, which returns its own Store type, to
// Harness.Open.
func Opener[S schedstore.Store](open func(context.Context, string) (S, error)) func(context.Context, string) (schedstore.Store, error) {
	return func(ctx context.Context, rawURL string) (schedstore.Store, error) {
		s, err := open(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// newStore returns an empty, migrated store of its own, closed when t ends.
func (h *Harness) newStore(t *testing.T) schedstore.Store {
	t.Helper()
	if h.NewStore != nil {
		return h.NewStore(t)
	}
	s, err := h.Open(t.Context(), h.NewURL(t))
	if err != nil {
		t.Fatalf("dialect %q: Open: %v", h.Dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// RoundTripCounter counts the writes to the connections it wraps. A
// driver that writes each request with one Write and then waits for the
// reply (pgx, go-sql-driver/mysql) makes one write per round trip. Wrap
// the connections in the driver's dial hook; the zero value is ready.
type RoundTripCounter struct{ writes atomic.Int64 }

// Wrap returns c counting its writes.
func (r *RoundTripCounter) Wrap(c net.Conn) net.Conn {
	return &countingConn{Conn: c, writes: &r.writes}
}

// Count returns the writes so far.
func (r *RoundTripCounter) Count() int64 { return r.writes.Load() }

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}
