package adapter

import (
	"context"
	"fmt"

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
		return sqlite.OpenMigrator(ctx, rawURL)
	case "postgres":
		return postgres.OpenMigrator(ctx, rawURL)
	case "mysql":
		return mysql.OpenMigrator(ctx, rawURL)
	}
	return nil, fmt.Errorf("%w: %s", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
}
