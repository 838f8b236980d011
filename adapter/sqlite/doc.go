// Package sqlite implements schedstore.Store on SQLite with the pure-Go
// modernc.org/sqlite driver (no cgo).
//
// Open opens a file (or an in-memory database) from a sqlite:// URL (see
// ParseURL) and applies pending migrations; New wraps a *sql.DB the
// application owns (Close leaves it open) and expects the schema to be
// migrated already (see Migrate). OpenDB opens the handle Open uses, and
// DSN builds a driver DSN with its settings, for applications that open
// the *sql.DB themselves; NewMigrator and OpenMigrator return a
// schema.Migrator for migrate up, down, status and force.
//
// The package holds only what is SQLite's own, one role per file: the URL
// and the DSN (url.go), the handle (open.go), migrations (migrate.go) and
// their lock file (lock.go, lock_unix.go, lock_other.go), the Store type
// and New (store.go), the calls of the sqlc-generated queries (dialect.go)
// and of those behind the queue of requests, Trigger and Backfill
// (requests.go), the mapping of their rows and parameters to the shared
// row (rows.go) and the error codes (errors.go). The Store logic
// (validation, the closed state, versions, claims, Ensure) is
// internal/core's, the same for every dialect.
//
// Statements: every Backend call is one statement; a versioned Update that
// matches no row asks once more (ErrNotFound or ErrConflict?). SQLite runs
// in-process: statements cost no round trips. ClaimDue is RequestCandidates
// (ClaimClock reads nothing: the clock is the process's), one
// LeaseForRequest (UPDATE ... RETURNING) per candidate, then, for the
// slots left, ClaimPriorities and ClaimDueTasks (UPDATE ... RETURNING; none
// when no task is enabled). CompleteClaims (and so
// CompleteClaim) is one transaction with, per completion, the advance of
// the task and, when its token was current, the record of the fire and the
// deletion of the occurrence from the queue, requested or not (and one more
// record when occurrences were skipped): a statement writes one table.
// RenewClaims, StartRetry, ReleaseClaim and ReturnClaim are one statement
// each. Ensure, Pause, Resume, NextDue, Trigger and Backfill take a
// statement per step (see internal/core). Times are INTEGER Unix
// microseconds (UTC). The Store prepares its queries once, when it is made
// (sqlc's emit_prepared_queries): compiling a statement costs SQLite about
// what running a point query does. Queries with an IN list of varying
// length still compile per call; over a schema not migrated yet, all do.
//
// Connections use WAL (readers never block the writer), busy_timeout (a
// writer in another process makes us wait rather than fail with
// SQLITE_BUSY), BEGIN IMMEDIATE for every transaction (a transaction takes
// the write lock up front instead of failing when it upgrades) and
// foreign_keys (the fire ledger's ON DELETE CASCADE). synchronous stays at
// SQLite's default, FULL: a committed write survives a power cut. Open uses
// one connection; see OpenDB.
//
// Opening and migrating a fresh file are safe across processes on Unix:
// OpenDB's first connection (which switches the file to WAL) and
// migrations (besides golang-migrate's in-process lock) hold an flock on
// "<database>-migrate.lock" next to the database file. That file is left in
// place on purpose: deleting a lock file races with the next process that
// opens it.
package sqlite
