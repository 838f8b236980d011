// Package adapter opens a schedstore.Store from a database URL, choosing
// the dialect by the URL's scheme:
//
//	""                                     SQLite file .flowrra_schedule.db
//	sqlite://path, sqlite:///abs/path      SQLite file (relative, absolute)
//	sqlite://:memory:                      SQLite in memory (one connection)
//	postgres://..., postgresql://...       PostgreSQL (pgx settings pass through)
//	mysql://user:pass@host:port/db?...     MySQL or MariaDB
//	mariadb://...                          the same
//
// Open applies pending migrations unless the URL carries
// schedstore_migrate=false. Importing this package links all three
// drivers; import one of adapter/postgres, adapter/mysql or adapter/sqlite
// to link only that one.
package adapter

import (
	"context"
	"fmt"
	"strings"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/dburl"
)

// Open returns the store for rawURL (a schedstore.Store, and so a
// schedstore.Backend). An unknown scheme returns an error wrapping
// schedstore.ErrUnsupportedURL. Errors never contain the password.
func Open(ctx context.Context, rawURL string) (schedstore.Store, error) {
	switch Dialect(rawURL) {
	case "sqlite":
		return orNil(sqlite.Open(ctx, rawURL))
	case "postgres":
		return orNil(postgres.Open(ctx, rawURL))
	case "mysql":
		return orNil(mysql.Open(ctx, rawURL))
	}
	return nil, fmt.Errorf("%w: %s (want sqlite://, postgres://, postgresql://, mysql:// or mariadb://)",
		schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
}

// Dialect names the dialect rawURL selects: "sqlite", "postgres", "mysql",
// or "" for an unknown scheme.
func Dialect(rawURL string) string {
	if rawURL == "" {
		return "sqlite"
	}
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		return "sqlite"
	case "postgres", "postgresql":
		return "postgres"
	case "mysql", "mariadb":
		return "mysql"
	}
	return ""
}

// orNil keeps a failed Open's nil pointer from becoming a non-nil interface.
func orNil[S schedstore.Store](s S, err error) (schedstore.Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
