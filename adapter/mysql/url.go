package mysql

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
)

// forcedParams are appended after the URL's own query, so they win over
// it. They go through the driver's DSN parser rather than being set on the
// Config afterwards so that the driver still rejects what cannot work with
// them (interpolateParams with a multibyte collation such as big5).
//
//   - parseTime, loc=UTC: DATETIME(6) columns hold UTC and scan to time.Time.
//   - interpolateParams: one round trip per statement, not prepare/execute/close.
//   - clientFoundRows: an UPDATE reports the rows it matched, not only
//     those it changed (the queries bump version, so both agree today).
//   - multiStatements=false: only the migration connection runs scripts.
//   - time_zone: the session clock agrees with the stored UTC.
const forcedParams = "parseTime=true&loc=UTC&interpolateParams=true&clientFoundRows=true&multiStatements=false" +
	"&time_zone=%27%2B00%3A00%27"

// ParseURL reads a mysql:// or mariadb:// URL,
// mysql://user:pass@host:port/db?params, into a driver configuration
// (every go-sql-driver/mysql DSN parameter passes through, e.g. tls,
// timeout, readTimeout, collation, and unknown ones become session system
// variables) with the options schedstore needs forced on (see
// forcedParams), and the schedstore_migrate option (true when absent),
// which it takes out. A URL without a host means 127.0.0.1, the driver's
// own default; without a port, 3306. The database name is required:
// schedstore's tables live in it. Errors wrap schedstore.ErrUnsupportedURL
// and never contain the password.
func ParseURL(rawURL string) (cfg *mysql.Config, migrate bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "mysql" && u.Scheme != "mariadb") || u.Opaque != "" {
		// The URL is not quoted: in an opaque one ("mysql:user:pass@host/db")
		// Redact cannot find the password.
		return nil, false, fmt.Errorf("%w: want mysql://user:pass@host:port/db or mariadb://...", schedstore.ErrUnsupportedURL)
	}
	migrate, err = dburl.TakeMigrateOption(u)
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
	cfg, err = mysql.ParseDSN(dsn)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", schedstore.ErrUnsupportedURL, dburl.Redact(rawURL), dburl.Scrub(err, rawURL))
	}
	cfg.DBName = dbName
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	return cfg, migrate, nil
}
