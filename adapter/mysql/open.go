package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
	mysqlmigrate "github.com/golang-migrate/migrate/v4/database/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schema"
)

// forcedParams are appended after the URL's own query, so they win over
// it. They go through the driver's DSN parser rather than being set on the
// Config afterwards so that the driver still rejects what cannot work with
// them (interpolateParams with a multibyte collation such as big5).
//
//   - parseTime, loc=UTC: DATETIME(6) columns hold UTC and scan to time.Time.
//   - interpolateParams: one round trip per call, not prepare/execute/close.
//   - clientFoundRows: an UPDATE reports the rows it matched, not only
//     those it changed (the queries bump version, so both agree today).
//   - multiStatements=false: only the migration connection runs scripts.
//   - time_zone: the session clock agrees with the stored UTC.
const forcedParams = "parseTime=true&loc=UTC&interpolateParams=true&clientFoundRows=true&multiStatements=false" +
	"&time_zone=%27%2B00%3A00%27"

// Open connects to a mysql:// or mariadb:// URL, mysql://user:pass@host:port/db?params
// (every go-sql-driver/mysql DSN parameter passes through, e.g. tls,
// timeout, readTimeout, collation, and unknown ones become session system
// variables) and, unless the URL says schedstore_migrate=false, applies
// pending migrations over a connection of their own. Close closes the pool.
func Open(ctx context.Context, rawURL string) (*Backend, error) {
	cfg, migrateOnOpen, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if migrateOnOpen {
		if err := Migrate(ctx, cfg); err != nil {
			return nil, dburl.Scrub(err, rawURL)
		}
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	db := sql.OpenDB(connector)
	// sql.OpenDB connects lazily; a bad host or password should fail here,
	// not on the first call.
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("schedstore: mysql: connect to %s: %w", dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	b := New(db)
	b.owned = true
	return b, nil
}

// ConfigFromURL turns a schedstore mysql:// or mariadb:// URL into a driver
// configuration, without the schedstore_migrate option and with the options
// schedstore needs forced on (see forcedParams). A URL without a host means
// 127.0.0.1, the driver's own default; without a port, 3306. The database
// name is required: schedstore's table lives in it.
func ConfigFromURL(rawURL string) (*mysql.Config, error) {
	cfg, _, err := parseURL(rawURL)
	return cfg, err
}

func parseURL(rawURL string) (*mysql.Config, bool, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "mysql" && u.Scheme != "mariadb") || u.Opaque != "" {
		// The URL is not quoted: in an opaque one ("mysql:user:pass@host/db")
		// Redact cannot find the password.
		return nil, false, fmt.Errorf("%w: want mysql://user:pass@host:port/db or mariadb://...", schedstore.ErrUnsupportedURL)
	}
	migrateOnOpen, err := dburl.TakeMigrateOption(u)
	if err != nil {
		return nil, false, err
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" || strings.Contains(dbName, "/") {
		return nil, false, fmt.Errorf("%w: want one database name as the path: %s", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL))
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3306"
	}
	// The DSN carries neither user nor password (set below), so no parser
	// error can quote them. ParseDSN splits on the last "/", so a "/" left
	// unescaped in the query (legal in a URL) is escaped; the driver
	// unescapes every value that may contain one.
	query := strings.ReplaceAll(u.RawQuery, "/", "%2F")
	if query != "" {
		query += "&"
	}
	dsn := "tcp(" + net.JoinHostPort(host, port) + ")/?" + query + forcedParams
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	cfg.DBName = dbName
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	return cfg, migrateOnOpen, nil
}

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
