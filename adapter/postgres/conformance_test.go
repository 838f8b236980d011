package postgres_test

import (
	"context"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Dialect:         "postgres",
		NewURL:          testdb.Postgres,
		Open:            conformance.Opener(postgres.Open),
		NewMigrator:     postgres.OpenMigrator,
		Exec:            exec,
		NewCountedStore: newCountedStore,
		Capabilities:    conformance.Capabilities{ParallelTests: true},
	})
}

// newCountedStore counts writes to the server socket: pgx writes one
// buffer per round trip (a request and its Sync).
func newCountedStore(t *testing.T) (schedstore.Store, func() int64) {
	t.Helper()
	ctx := context.Background()
	cfg, _, err := postgres.ParseURL(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	var counter conformance.RoundTripCounter
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return counter.Wrap(c), nil
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
	s := postgres.New(pool)
	t.Cleanup(func() { s.Close() })
	return s, counter.Count
}

// exec runs one statement on rawURL's database, over a pool of its own.
func exec(ctx context.Context, rawURL, stmt string) error {
	cfg, _, err := postgres.ParseURL(rawURL)
	if err != nil {
		return err
	}
	pool, err := postgres.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = pool.Exec(ctx, stmt)
	return err
}
