package postgres_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Dialect:           "postgres",
		NewBackend:        newBackend,
		NewCountedBackend: newCountedBackend,
		Capabilities:      conformance.Capabilities{ParallelTests: true},
	})
}

func newBackend(t *testing.T) schedstore.Backend {
	t.Helper()
	b, err := postgres.Open(context.Background(), testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// newCountedBackend counts writes to the server socket: pgx writes one
// buffer per round trip (a request and its Sync).
func newCountedBackend(t *testing.T) (schedstore.Backend, func() int64) {
	t.Helper()
	ctx := context.Background()
	cfg, _, err := postgres.ParseURL(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, writes: &writes}, nil
	}
	cfg.MaxConns = 1 // one connection: no dial or health check in the middle of a count
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	b := postgres.New(pool)
	t.Cleanup(func() { b.Close() })
	return b, writes.Load
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}
