package adapter

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schema"
)

// NewMigrator returns a Migrator for the database rawURL names, over a
// connection of its own that Close releases: for migrate up, down, status
// and force (the schedstore_migrate option is ignored here).
func NewMigrator(ctx context.Context, rawURL string) (*schema.Migrator, error) {
	switch Dialect(rawURL) {
	case "sqlite":
		path, _, err := sqlite.ParseURL(rawURL)
		if err != nil {
			return nil, err
		}
		db, err := sqlite.OpenDB(ctx, path)
		if err != nil {
			return nil, err
		}
		m, err := sqlite.NewMigrator(ctx, db)
		if err != nil {
			db.Close()
			return nil, err
		}
		m.OnClose(db.Close)
		return m, nil
	case "postgres":
		cfg, err := postgres.ParseConfig(rawURL)
		if err != nil {
			return nil, err
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("schedstore: postgres: connect to %s: %w", dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
		}
		m, err := postgres.NewMigrator(ctx, pool)
		if err != nil {
			pool.Close()
			return nil, dburl.Scrub(err, rawURL)
		}
		m.OnClose(func() error { pool.Close(); return nil })
		return m, nil
	case "mysql":
		cfg, err := mysql.ConfigFromURL(rawURL)
		if err != nil {
			return nil, err
		}
		m, err := mysql.NewMigrator(ctx, cfg)
		return m, dburl.Scrub(err, rawURL)
	}
	return nil, fmt.Errorf("%w: %s", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
}
