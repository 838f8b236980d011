// Package mysql implements schedstore.Store on MySQL 8.0.16+ and MariaDB
// 10.6+ with go-sql-driver/mysql.
//
// Open connects from a mysql:// or mariadb:// URL and applies pending
// migrations; New wraps a *sql.DB the application owns (Close leaves it
// open) and expects the schema to be migrated already (see Migrate).
//
// Every Backend call is one statement, so one round trip: the connection
// interpolates parameters client-side instead of preparing a statement per
// call. MySQL has no UPDATE ... RETURNING, so ClaimDue and CompleteClaim
// are short transactions of a few statements instead. A statement or
// transaction that InnoDB picks as a deadlock victim runs again (see
// again). Times are DATETIME(6) holding UTC.
package mysql
