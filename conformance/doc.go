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
//			Exec:            exec,            // one statement outside any Store
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
//   - migrate: up, down and up again, Force, a dirty version (which
//     Harness.Exec leaves), several processes opening one fresh database
//     at once, and that every migration file parses.
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
// this list names. It names every file the new dialect touches, outside
// its package too; nothing else should need to change.
//
// In the copied package, adapter/<dialect>:
//
//  1. doc.go: the driver, the handle type, the package's files (the same
//     list, in the same shape, as the other dialects' docs) and what each
//     call costs in statements.
//  2. url.go: ParseURL (scheme, options, schedstore_migrate).
//  3. open.go: Open and OpenDB; migrate.go: Migrate, NewMigrator,
//     OpenMigrator over the driver's golang-migrate database driver.
//  4. rows.go: toRow, createParams, updateParams, ensureParams, findParams,
//     pageParams, firesParams, toFire: the generated rows and parameters
//     to and from taskrow.Row.
//  5. errors.go: kind, the driver's error codes as core.Kind.
//  6. dialect.go: the generated and ledger aliases (core.Generated and
//     core.Ledger over the generated types), newStore (core.Calls: Retry
//     if the database picks deadlock victims; core.Options:
//     EnsureLooksUpFirst if an INSERT that checks the ensure key itself
//     deadlocks, Close through core.CloseIf), and the Dialect methods that
//     are queries with a dialect's own shape (UpdateRunTimes, DatabaseNow,
//     ClaimClock, ClaimDue, CompleteClaims, RenewLeases, StartRetry,
//     ReleaseClaim, ReturnClaim, SetPause, NextDue). Multi-statement
//     calls on a database/sql driver run in core.InTx.
//  7. requests.go: the queue of Trigger and Backfill (RequestCandidates,
//     LeaseForRequest, QueueRequests, TakenOccurrences, NextRequest).
//  8. store.go: Store embedding core.Handle of the handle type, and New.
//  9. conformance_test.go: Run with a Harness: Dialect; NewURL (a fresh
//     database per call, from internal/testdb); Open; NewMigrator; Exec,
//     which runs one statement on a URL's database outside any Store (the
//     migrate area marks a version dirty with it, and fails without it);
//     for a networked database NewCountedStore over a RoundTripCounter;
//     and the Capabilities. The package's other tests (url_test.go,
//     example_test.go, explain_test.go, which reads the generated SQL
//     through internal/sqlcquery) come along with the copy.
//
// Schema and queries:
//
//  10. schema/<dialect>/*.sql, with the same versions as the others, and
//     schema/embed.go: the dialect's constant (Postgres, MySQL, SQLite),
//     its folder in the //go:embed line (postgres/*.sql mysql/*.sql
//     sqlite/*.sql) and its case in FS's switch.
//  11. queries/<dialect>/*.sql, with the same query names in tasks.sql and
//     requests.sql; a sql entry in sqlc.yaml with its out: db/<dialect>
//     and its database uri (${SCHEDSTORE_SQLC_<DIALECT>_URL}, for sqlc
//     vet); make generate.
//
// The rest of the repository:
//
//  12. adapter/adapter.go: the scheme in the package doc's table, in
//     Dialect's switch, in Open's switch and in Open's error message (and
//     so in ExampleOpen's output in adapter/example_test.go); and
//     adapter/migrator.go: NewMigrator's switch.
//  13. internal/testdb: a function returning the URL of a fresh database:
//     a file, as SQLite does; or, for a server, a schema or database of
//     its own on the server that SCHEDSTORE_TEST_<DIALECT>_URL names, as
//     Postgres and MySQL do (with a <Dialect>URL that skips, or fails
//     under SCHEDSTORE_TEST_REQUIRE_ALL, when the variable is unset, and
//     its entry in testdb_test.go's TestUnsetURL).
//  14. The lists of dialects in tests: cmd/schedstore/dialects_test.go
//     (dialects: the command's end-to-end tests and scripts run once per
//     entry, and scripts may then test [<dialect>]),
//     runner/helpers_test.go (dialectURLs), internal/sqlcquery/sqlcquery_test.go
//     (the dialects of TestTextFindsEveryDialect and of TestQueryNames) and
//     conformance/migrate.go (files_parse: every dialect has the same
//     versions); and the comments that list them (conformance/harness.go's
//     Harness.Dialect, internal/sqlcquery/sqlcquery.go's Text).
//  15. For a networked database, the servers the checks run against:
//     scripts/check-generated.sh (a scratch database holding the schema,
//     named to sqlc vet by SCHEDSTORE_SQLC_<DIALECT>_URL), .ci/run
//     (install, start and wait for the server), .github/workflows/ci.yml
//     (a service container and SCHEDSTORE_TEST_<DIALECT>_URL),
//     docker-compose.yml and the Makefile's db-up (a container and the
//     URL it prints).
//  16. The documents that list the databases: README.md, doc.go (the
//     root package's), docs/command.md (the table of URLs),
//     cmd/schedstore/root.go (the command's help) and doc.go, docs/schema.md
//     (the table of columns), docs/testing.md and docs/development.md.
//  17. Optional, to compare it with a hand-written baseline and measure it
//     at scale: bench/<dialect>_test.go with its entry in the dialects of
//     bench/bench_test.go and bench/agree_test.go, and the switches on the
//     dialect's name in bench/scale (scale_test.go, herd_test.go,
//     list_test.go) and bench/claims (dialects_test.go, throughput_test.go).
package conformance
