// Package postgres implements schedstore.Store on PostgreSQL with pgx v5.
//
// Open connects from a postgres:// URL (see ParseURL) and applies pending
// migrations; New wraps a *pgxpool.Pool the application owns (Close leaves
// it open) and expects the schema to be migrated already (see Migrate).
// OpenDB opens the pool Open uses; NewMigrator and OpenMigrator return a
// schema.Migrator for migrate up, down, status and force.
//
// The package holds only what is PostgreSQL's own, one role per file: the
// URL (url.go), the pool (open.go), migrations (migrate.go), the Store
// type and New (store.go), the calls of the sqlc-generated queries
// (dialect.go) and of those behind the queue of requests, Trigger and
// Backfill (requests.go), the mapping of their rows and parameters to the
// shared row (rows.go) and the error codes (errors.go). The Store logic
// (validation, the closed state, versions, claims, Ensure) is
// internal/core's, the same for every dialect.
//
// Statements: every call is one statement, so one round trip; ClaimDue
// and CompleteClaim included (FOR UPDATE SKIP LOCKED, a CTE). Times are
// timestamptz.
package postgres
