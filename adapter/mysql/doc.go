// Package mysql implements schedstore.Store on MySQL 8.0.16+ and MariaDB
// 10.6+ with go-sql-driver/mysql.
//
// Open connects from a mysql:// or mariadb:// URL (see ParseURL) and
// applies pending migrations; New wraps a *sql.DB the application owns
// (Close leaves it open) and expects the schema to be migrated already
// (see Migrate). OpenDB opens the pool Open uses; NewMigrator and
// OpenMigrator return a schema.Migrator for migrate up, down, status and
// force.
//
// The package holds only what is MySQL's own, one role per file: the URL
// (url.go), the pool (open.go), migrations (migrate.go), the Store type
// and New (store.go), the calls of the sqlc-generated queries and the
// transactions MySQL needs (dialect.go) and of those behind the queue of
// requests, Trigger and Backfill (requests.go), the mapping of their rows
// and parameters to the shared row (rows.go), the error codes (errors.go)
// and the deadlock retry (retry.go). The Store logic (validation, the
// closed state, versions, claims, Ensure) is internal/core's, the same
// for every dialect.
//
// Statements: every Backend call is one statement, so one round trip (the
// connection interpolates parameters client-side instead of preparing a
// statement per call); a versioned Update that matches no row asks once
// more (ErrNotFound or ErrConflict?). MySQL has no UPDATE ... RETURNING, so
// the claim calls are short transactions or pairs of statements. ClaimDue
// is ClaimClock (one statement: the clock, whether a request is due,
// whether a task is, and the priorities; a second for the database's clock
// when there is no task at all), then, when a request (Trigger, Backfill)
// is due, RequestCandidates and per candidate LeaseForRequest (an UPDATE,
// then the read of the row), then, when a task is due, the claim of due
// tasks for the slots left (BEGIN, select FOR UPDATE SKIP LOCKED, lease,
// COMMIT): five round trips when no request is due, one when nothing is.
// CompleteClaims (and so CompleteClaim) is one transaction with, per
// completion, the advance of the task and, when its token was current, the
// record of the fire and the deletion of the occurrence from the queue,
// requested or not (and one more record when occurrences were skipped).
// RenewClaims is two statements (renew, then read the tokens back);
// StartRetry, ReleaseClaim and ReturnClaim are one each. Ensure (which
// looks the definition up first), Pause, Resume, NextDue, Trigger and
// Backfill take a statement per step (see internal/core). A statement or
// transaction that InnoDB picks as a deadlock victim runs again (see
// again). Times are DATETIME(6) holding UTC.
package mysql
