package postgres

import (
	"context"
	"fmt"
	"net/url"

	"github.com/golang-migrate/migrate/v4/database"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schema"
)

// Open connects to a postgres:// or postgresql:// URL (every pgx and libpq
// setting passes through, e.g. sslmode, pool_max_conns, search_path) and,
// unless the URL says schedstore_migrate=false, applies pending migrations.
// Close closes the pool.
func Open(ctx context.Context, rawURL string) (*Backend, error) {
	cfg, migrateOnOpen, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("schedstore: postgres: connect to %s: %w", dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	if migrateOnOpen {
		if err := Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, dburl.Scrub(err, rawURL)
		}
	}
	b := New(pool)
	b.owned = true
	return b, nil
}

// ParseConfig turns a schedstore postgres URL into a pool configuration,
// without the schedstore_migrate option.
func ParseConfig(rawURL string) (*pgxpool.Config, error) {
	cfg, _, err := parseURL(rawURL)
	return cfg, err
}

func parseURL(rawURL string) (*pgxpool.Config, bool, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, false, fmt.Errorf("%w: not a postgres:// URL: %s", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
	}
	migrateOnOpen, err := dburl.TakeMigrateOption(u)
	if err != nil {
		return nil, false, err
	}
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	return cfg, migrateOnOpen, nil
}

// Migrate applies pending migrations through pool. golang-migrate holds a
// PostgreSQL advisory lock meanwhile, so concurrent callers are safe.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := NewMigrator(ctx, pool)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

// NewMigrator returns a Migrator over pool (which stays open after the
// Migrator is closed), for migrate up/down/status/force.
func NewMigrator(ctx context.Context, pool *pgxpool.Pool) (*schema.Migrator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db := stdlib.OpenDBFromPool(pool) // closing db leaves pool open
	var drv database.Driver
	drv, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{MigrationsTable: schema.MigrationsTable})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: postgres: migrations: %w", err)
	}
	return schema.NewMigrator(schema.Postgres, drv)
}
