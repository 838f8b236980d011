package postgres

import (
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
)

// ParseURL reads a postgres:// or postgresql:// URL into a pool
// configuration (every pgx and libpq setting passes through, e.g. sslmode,
// pool_max_conns, search_path) and the schedstore_migrate option (true when
// absent), which it takes out of the configuration. Errors wrap
// schedstore.ErrUnsupportedURL and never contain the password.
func ParseURL(rawURL string) (cfg *pgxpool.Config, migrate bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, false, fmt.Errorf("%w: not a postgres:// URL: %s", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
	}
	migrate, err = dburl.TakeMigrateOption(u)
	if err != nil {
		return nil, false, err
	}
	cfg, err = pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	return cfg, migrate, nil
}
