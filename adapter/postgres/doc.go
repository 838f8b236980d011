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
// Statements: every Backend call is one statement, so one round trip; a
// versioned Update that matches no row asks once more (ErrNotFound or
// ErrConflict?). ClaimDue is ClaimClock or ClaimClockAt (one statement:
// the clock, whether a request is due and whether a task is), then, when a
// request (Trigger, Backfill) is due, RequestCandidates and one
// LeaseForRequest (UPDATE ... RETURNING) per candidate, then, when a task
// is due, ClaimDueTasks (FOR UPDATE SKIP LOCKED) for the slots left: two
// round trips when no request is due, one when nothing is. CompleteClaims (and so CompleteClaim) is one statement
// for the whole batch, a CTE that advances the tasks, records the fires and
// any skipped occurrences, and deletes the occurrences from the queue of
// requests. RenewClaims, StartRetry, ReleaseClaim and ReturnClaim are one
// statement each. Ensure, Pause, Resume, NextDue, Trigger and Backfill take
// a statement per step (see internal/core). Times are timestamptz.
package postgres
