// Package mysql implements schedstore.Backend on MySQL 8.0.16+ and MariaDB
// 10.6+ with go-sql-driver/mysql.
//
// Open connects from a mysql:// or mariadb:// URL and applies pending
// migrations; New wraps a *sql.DB the application owns (Close leaves it
// open) and expects the schema to be migrated already (see Migrate).
//
// Every call is one statement, so one round trip: the connection
// interpolates parameters client-side instead of preparing a statement per
// call. Times are DATETIME(6) holding UTC.
package mysql
