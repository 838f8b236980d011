// Package schema holds schedstore's migrations, one folder per dialect, and
// applies them with golang-migrate.
//
// The files are embedded, so a binary carries its schema. The version table
// is schedstore_schema_migrations, not golang-migrate's default
// schema_migrations, so schedstore lives beside an application's own
// migrations in one database.
//
// A failed migration leaves the version table "dirty" (MySQL cannot roll
// DDL back). Fix the database by hand, then record the version that is
// really applied with Migrator.Force (the CLI: schedstore migrate force V).
package schema

import (
	"embed"
	"fmt"
	"io/fs"
)

// MigrationsTable is golang-migrate's version table for schedstore.
const MigrationsTable = "schedstore_schema_migrations"

// Dialects with migrations.
const (
	Postgres = "postgres"
	MySQL    = "mysql"
	SQLite   = "sqlite"
)

//go:embed postgres/*.sql mysql/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migration files of one dialect.
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case Postgres, MySQL, SQLite:
		return fs.Sub(files, dialect)
	}
	return nil, fmt.Errorf("schema: unknown dialect %q", dialect)
}
