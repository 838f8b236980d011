// Package testdb gives each test its own empty database on the servers named by
// environment variables, and removes it when the test ends.
//
//	SCHEDSTORE_TEST_POSTGRES_URL  postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	SCHEDSTORE_TEST_MYSQL_URL     mysql://root@127.0.0.1:3306/test
//	SCHEDSTORE_TEST_REQUIRE_ALL   1: a missing URL fails the test instead of skipping it
//
// The user in each URL must be allowed to create schemas (PostgreSQL) or
// databases (MySQL). MySQL URLs are schedstore's own form,
// mysql://user:password@host:port/db?driver-params, where driver-params are
// go-sql-driver/mysql DSN parameters.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

// Environment variables read by this package.
const (
	EnvPostgresURL = "SCHEDSTORE_TEST_POSTGRES_URL"
	EnvMySQLURL    = "SCHEDSTORE_TEST_MYSQL_URL"
	EnvRequireAll  = "SCHEDSTORE_TEST_REQUIRE_ALL"
)

// maxNameLen bounds schema and database names: PostgreSQL keeps 63 bytes of
// an identifier, MySQL allows 64 characters for a database name.
const maxNameLen = 63

// opTimeout bounds each administrative statement (create, drop).
const opTimeout = 30 * time.Second

// RequireAll reports whether SCHEDSTORE_TEST_REQUIRE_ALL asks for every
// database: then a missing URL fails the test instead of skipping it.
func RequireAll() bool {
	v := strings.TrimSpace(os.Getenv(EnvRequireAll))
	return v == "1" || strings.EqualFold(v, "true")
}

// PostgresURL returns SCHEDSTORE_TEST_POSTGRES_URL. When it is unset the test
// is skipped, or fails if RequireAll.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return envURL(t, EnvPostgresURL, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
}

// MySQLURL returns SCHEDSTORE_TEST_MYSQL_URL. When it is unset the test is
// skipped, or fails if RequireAll.
func MySQLURL(t testing.TB) string {
	t.Helper()
	return envURL(t, EnvMySQLURL, "mysql://root@127.0.0.1:3306/test")
}

func envURL(t testing.TB, env, example string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(env))
	if v != "" {
		return v
	}
	msg := fmt.Sprintf("%s is not set (e.g. %s=%s; `make db-up` starts local servers)", env, env, example)
	if RequireAll() {
		t.Fatalf("testdb: %s, and %s=1 requires every database", msg, EnvRequireAll)
	}
	t.Skipf("testdb: skipping: %s", msg)
	return ""
}

// Postgres creates a fresh schema, named after the test with a random suffix,
// in the database of SCHEDSTORE_TEST_POSTGRES_URL, and returns that URL with
// search_path=<schema> added as a query parameter (pgx sends it to the server
// as a run-time parameter, so every connection opened from the URL works in
// the schema). t.Cleanup drops the schema with everything in it; close the
// test's connections in cleanups registered after calling Postgres.
func Postgres(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	u, err := parseURL(base, EnvPostgresURL, "postgres", "postgresql")
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	name := uniqueName(t.Name())
	ident := pgx.Identifier{name}.Sanitize()

	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := pgExec(ctx, base, "CREATE SCHEMA "+ident); err != nil {
		t.Fatalf("testdb: create schema %s on %s: %v", name, u.Redacted(), scrub(err, u))
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := pgExec(ctx, base, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
			t.Errorf("testdb: drop schema %s on %s: %v", name, u.Redacted(), scrub(err, u))
		}
	})

	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func pgExec(ctx context.Context, connString, stmt string) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

// MySQL creates a fresh database, named after the test with a random suffix,
// on the server of SCHEDSTORE_TEST_MYSQL_URL, and returns that URL with the
// new database as its path. t.Cleanup drops the database.
func MySQL(t testing.TB) string {
	t.Helper()
	base := MySQLURL(t)
	u, err := parseURL(base, EnvMySQLURL, "mysql")
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	cfg, err := mysqlConfig(base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	name := uniqueName(t.Name())
	ident := "`" + name + "`" // uniqueName yields [a-z0-9_] only

	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := mysqlExec(ctx, cfg, "CREATE DATABASE "+ident+" CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("testdb: create database %s on %s: %v", name, u.Redacted(), scrub(err, u))
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := mysqlExec(ctx, cfg, "DROP DATABASE IF EXISTS "+ident); err != nil {
			t.Errorf("testdb: drop database %s on %s: %v", name, u.Redacted(), scrub(err, u))
		}
	})

	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

func mysqlExec(ctx context.Context, cfg *mysql.Config, stmt string) error {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// mysqlConfig turns schedstore's mysql://user:password@host:port/db?params
// form into a go-sql-driver configuration: TCP, parseTime, UTC; params are
// driver DSN parameters and may override those.
func mysqlConfig(raw string) (*mysql.Config, error) {
	u, err := parseURL(raw, EnvMySQLURL, "mysql")
	if err != nil {
		return nil, err
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3306"
	}
	cfg.Addr = net.JoinHostPort(host, port)
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if u.RawQuery == "" {
		return cfg, nil
	}
	if _, err := url.ParseQuery(u.RawQuery); err != nil {
		return nil, fmt.Errorf("%s=%s: bad parameters: %v", EnvMySQLURL, u.Redacted(), err)
	}
	// Let the driver interpret the parameters exactly as in a DSN.
	dsn := cfg.FormatDSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	parsed, err := mysql.ParseDSN(dsn + sep + u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: bad parameters: %v", EnvMySQLURL, u.Redacted(), scrub(err, u))
	}
	return parsed, nil
}

// parseURL parses a URL from env, with one of the given schemes. Its errors
// never show the password.
func parseURL(raw, env string, schemes ...string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// *url.Error repeats the whole URL, password included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s is not a URL: %v", env, err)
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return u, nil
		}
	}
	return nil, fmt.Errorf("%s=%s: want scheme %s://", env, u.Redacted(), schemes[0])
}

// scrub removes the URL's password from a driver error, should it appear.
func scrub(err error, u *url.URL) error {
	if err == nil {
		return nil
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
}

// SQLite returns "sqlite://" + the path of a file, not yet created, in
// t.TempDir(), which the testing package removes after the test.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
}

// uniqueName makes a schema or database name from a test name: lower-case
// ASCII letters, digits and underscores, starting with a letter, ending in a
// random suffix, at most maxNameLen bytes.
func uniqueName(testName string) string {
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	tail := "_" + hex.EncodeToString(suffix[:])
	return sanitize(testName, maxNameLen-len(tail)) + tail
}

// sanitize maps s to [a-z0-9_], folds runs of '_', starts it with a letter
// and cuts it to at most limit bytes.
func sanitize(s string, limit int) string {
	var b strings.Builder
	lastUnderscore := true // drops leading underscores
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			lastUnderscore = false
		case !lastUnderscore:
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	out := b.String()
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "t_" + out
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return strings.TrimRight(out, "_")
}
