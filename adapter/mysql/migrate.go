package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-sql-driver/mysql"
	mysqlmigrate "github.com/golang-migrate/migrate/v4/database/mysql"

	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schema"
)

// Migrate applies pending migrations to the database cfg names, over a
// connection of its own that is closed on return. golang-migrate holds a
// GET_LOCK meanwhile, so concurrent callers are safe.
func Migrate(ctx context.Context, cfg *mysql.Config) error {
	m, err := NewMigrator(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

// NewMigrator returns a Migrator, for migrate up/down/status/force, over a
// pool of its own opened from cfg with multiStatements on (migration files
// hold several statements; the backend's pool never allows that). Closing
// the Migrator closes that pool: golang-migrate's mysql driver closes the
// *sql.DB it was given.
func NewMigrator(ctx context.Context, cfg *mysql.Config) (*schema.Migrator, error) {
	mcfg := cfg.Clone()
	mcfg.MultiStatements = true
	connector, err := mysql.NewConnector(mcfg)
	if err != nil {
		return nil, fmt.Errorf("schedstore: mysql: migrations: %w", err)
	}
	db := sql.OpenDB(connector)
	// WithInstance ignores ctx; connecting first makes ctx bound the part
	// most likely to hang.
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: mysql: migrations: connect: %w", err)
	}
	drv, err := mysqlmigrate.WithInstance(db, &mysqlmigrate.Config{
		MigrationsTable: schema.MigrationsTable,
		DatabaseName:    cfg.DBName, // spares a SELECT DATABASE()
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: mysql: migrations: %w", err)
	}
	m, err := schema.NewMigrator(schema.MySQL, drv)
	if err != nil {
		drv.Close()
		return nil, err
	}
	return m, nil
}

// OpenMigrator returns a Migrator for the database rawURL names, over a
// pool of its own that closing the Migrator closes. The schedstore_migrate
// option is ignored.
func OpenMigrator(ctx context.Context, rawURL string) (*schema.Migrator, error) {
	cfg, _, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	m, err := NewMigrator(ctx, cfg)
	return m, dburl.Scrub(err, rawURL)
}
