package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/internal/dburl"
)

// Open connects to the database rawURL names (see ParseURL) and, unless
// the URL says schedstore_migrate=false, applies pending migrations.
// Close closes the pool.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	cfg, migrate, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	pool, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, dburl.Scrub(err, rawURL)
	}
	if migrate {
		if err := Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, dburl.Scrub(err, rawURL)
		}
	}
	return newStore(pool, true), nil
}

// OpenDB opens the pool Open uses for cfg. It applies no migrations.
func OpenDB(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("schedstore: postgres: connect to %s: %w", dburl.Redact(cfg.ConnString()), err)
	}
	return pool, nil
}
