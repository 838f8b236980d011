// Package conformance is the test suite every schedstore.Backend must pass.
// It asserts the whole contract documented on schedstore.Backend and
// schedstore.Task, so the PostgreSQL, MySQL and SQLite adapters are held to
// one standard and cannot drift apart.
//
// An adapter calls [Run] from an ordinary test, with a [Harness] that
// returns a fresh, empty, migrated backend per call:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{
//			Dialect: "postgres",
//			NewBackend: func(t *testing.T) schedstore.Backend {
//				b, err := postgres.Open(context.Background(), testdb.Postgres(t))
//				if err != nil {
//					t.Fatal(err)
//				}
//				t.Cleanup(func() { b.Close() })
//				return b
//			},
//			NewCountedBackend: newCountedBackend, // nil for an embedded database
//			Capabilities:      conformance.Capabilities{ParallelTests: true},
//		})
//	}
//
// Run makes one subtest per area of the contract (create, update,
// delete_get, lists, due, runtimes, clear, find, close, times, validation,
// unicode, payload, context, concurrency, store, model) and, unless the
// database is embedded, round_trips, which asserts that every method costs
// one round trip once warmed up and logs a table of the counts. Each leaf
// test gets its own backend from NewBackend; with Capabilities.ParallelTests
// the leaves run in parallel. Differences between databases are declared in
// [Capabilities], never inferred from the dialect's name.
//
// The store area holds the backend to schedstore.Store, which every adapter
// must implement (the area fails at once if it does not): leased claims and
// their fencing tokens, CompleteClaim and ReleaseClaim, the fire ledger,
// Ensure and the Version rules around them. Its tests pass ClaimDue an
// explicit clock, so leases end exactly where a test says; one test covers
// the database clock (a zero now).
//
// Tasks are compared with go-cmp against the form the contract promises to
// read back (UTC, whole microseconds, canonical JSON with json.Number), so a
// failure prints a diff of the whole task.
//
// The model area makes thousands of random calls (2000, or 200 with -short)
// against the backend and an in-memory reference implementation, Store
// calls included, and compares every result. Its seed comes from the clock and is logged; replay
// a failure with SCHEDSTORE_CONFORMANCE_SEED=<seed> (or -schedstore.seed),
// and change the number of calls with SCHEDSTORE_CONFORMANCE_OPS (or
// -schedstore.ops).
package conformance
