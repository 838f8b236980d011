// Package postgres implements schedstore.Backend on PostgreSQL with pgx v5.
//
// Open connects from a postgres:// URL and applies pending migrations; New
// wraps a *pgxpool.Pool the application owns (Close leaves it open) and
// expects the schema to be migrated already (see Migrate).
//
// Every call is one statement, so one round trip. Times are timestamptz.
package postgres
