package postgres

import (
	"context"
	"fmt"

	"github.com/golang-migrate/migrate/v4/database"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schema"
)

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

// OpenMigrator returns a Migrator for the database rawURL names, over a
// pool of its own that closing the Migrator closes. The schedstore_migrate
// option is ignored.
func OpenMigrator(ctx context.Context, rawURL string) (*schema.Migrator, error) {
	cfg, _, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	pool, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, dburl.Scrub(err, rawURL)
	}
	m, err := NewMigrator(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, dburl.Scrub(err, rawURL)
	}
	m.OnClose(func() error { pool.Close(); return nil })
	return m, nil
}
