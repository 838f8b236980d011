// Package conformance is the test suite every schedstore.Store must pass.
// It asserts the whole contract documented on schedstore.Backend,
// schedstore.Store and schedstore.Task, and the migrations, so the
// PostgreSQL, MySQL and SQLite adapters are held to one standard and
// cannot drift apart.
//
// An adapter calls [Run] from an ordinary test, with a [Harness] that
// names its fresh databases and its Open and migrator:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			Dialect:         "postgres",
//			NewURL:          testdb.Postgres, // a fresh, empty database per call
//			Open:            conformance.Opener(postgres.Open),
//			NewMigrator:     postgres.OpenMigrator,
//			NewCountedStore: newCountedStore, // nil for an embedded database
//			Capabilities:    conformance.Capabilities{ParallelTests: true},
//		})
//	}
//
// # Areas
//
// Run makes one subtest per area, and the files are named after them:
//
//   - backend_*: the Backend calls (create, update, delete_get, lists, due,
//     runtimes, clear, find, close, times, validation, unicode, payload,
//     context, concurrency) and, unless Capabilities.Embedded,
//     round_trips, which asserts that every call costs one round trip
//     once warmed up and logs a table of the counts (count with a
//     [RoundTripCounter]).
//   - store_*: the store area: leased claims and their fencing tokens,
//     CompleteClaim, ReleaseClaim and ReturnClaim, the fire ledger, Ensure
//     and the Version rules around them. Its tests pass ClaimDue an explicit
//     clock, so leases end exactly where a test says; one test covers the
//     database clock (a zero now).
//   - model_*: the model area makes thousands of random calls (2000, or
//     200 with -short) against the store and an in-memory reference
//     implementation, and compares every result. Its seed comes from the
//     clock and is logged; replay a failure with
//     SCHEDSTORE_CONFORMANCE_SEED=<seed>, and change the number of calls
//     with SCHEDSTORE_CONFORMANCE_OPS.
//   - migrate: up, down and up again, Force, several processes opening one
//     fresh database at once, and that every migration file parses.
//   - harness*, helpers_*: the Harness, Run, fixtures and assertions.
//
// Each leaf test gets its own store (Open over NewURL, or Harness.NewStore);
// with Capabilities.ParallelTests the leaves run in parallel. Differences
// between databases are declared in [Capabilities], never inferred from
// the dialect's name. Tasks are compared with go-cmp against the form the
// contract promises to read back (UTC, whole microseconds, canonical JSON
// with json.Number), so a failure prints a diff of the whole task.
//
// # Adding a fourth dialect
//
// Copy one dialect package (adapter/sqlite for an embedded database,
// adapter/postgres or adapter/mysql for a networked one) and change what
// this list names; nothing else should need to change:
//
//  1. schema/<dialect>/*.sql and queries/<dialect>/*.sql, with the same
//     versions and the same query names; a sql entry in sqlc.yaml with its
//     out: db/<dialect>; make generate.
//  2. doc.go: the driver, the handle type, what a statement costs.
//  3. url.go: ParseURL (scheme, options, schedstore_migrate).
//  4. open.go: Open and OpenDB; migrate.go: Migrate, NewMigrator,
//     OpenMigrator over the driver's golang-migrate database driver.
//  5. rows.go: toRow, createParams, updateParams, ensureParams, findParams,
//     pageParams, firesParams, toFire: the generated rows and parameters
//     to and from taskrow.Row.
//  6. errors.go: kind, the driver's error codes as core.Kind.
//  7. dialect.go: the generated and ledger aliases (core.Generated and
//     core.Ledger over the generated types), newStore (core.Calls: Retry
//     if the database picks deadlock victims; core.Options:
//     EnsureLooksUpFirst if an INSERT that checks the ensure key itself
//     deadlocks, Close through core.CloseIf), and the Dialect methods that
//     are queries with a dialect's own shape (UpdateRunTimes, DatabaseNow,
//     ClaimClock, ClaimDue, CompleteClaims, RenewLeases, StartRetry,
//     ReleaseClaim, ReturnClaim, SetPause, NextDue); requests.go: the
//     queue of Trigger and Backfill (RequestCandidates, LeaseForRequest,
//     QueueRequests, TakenOccurrences, NextRequest). Multi-statement calls
//     on a database/sql driver run in core.InTx.
//  8. store.go: Store embedding core.Handle of the handle type, and New.
//  9. conformance_test.go: Run with NewURL (a fresh database per call, in
//     internal/testdb), Open, NewMigrator, and, for a networked database,
//     NewCountedStore over a RoundTripCounter; declare Capabilities.
//  10. adapter.Dialect, adapter.Open and adapter.NewMigrator: the scheme.
package conformance
