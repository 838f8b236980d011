package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
)

// Open connects to the database rawURL names (see ParseURL) and, unless
// the URL says schedstore_migrate=false, applies pending migrations over a
// connection of their own. Close closes the pool.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	cfg, migrate, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := Migrate(ctx, cfg); err != nil {
			return nil, dburl.Scrub(err, rawURL)
		}
	}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, dburl.Scrub(err, rawURL)
	}
	return newStore(db, true), nil
}

// OpenDB opens the pool Open uses for cfg and checks that it connects
// (sql.OpenDB connects lazily; a bad host or password should fail here,
// not on the first call). It applies no migrations.
func OpenDB(ctx context.Context, cfg *mysql.Config) (*sql.DB, error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", schedstore.ErrUnsupportedURL, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: mysql: connect to %s: %w", cfg.Addr, err)
	}
	return db, nil
}
