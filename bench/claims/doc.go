// Package claims measures the many-instance claim path: how many fires per
// second 1, 2 and 4 separate claiming processes get out of one database,
// beside a baseline that runs only the bare locking statement.
//
// It holds no library code, only the measurement (a test that is skipped
// unless SCHEDSTORE_BENCH_CLAIMS=1) and its correctness checks. README.md
// has the method, the command, the results on the reference machine and
// their analysis.
//
// # How a run works
//
// Each run gets a fresh database (internal/testdb) holding a backlog of
// one-time tasks, all due, and starts N worker processes: the test binary
// itself, re-executed with SCHEDSTORE_CLAIMS_WORKER set (TestMain turns it
// into a worker), so no other binary is built. Real processes, not
// goroutines: each has its own connection, its own Go runtime and its own
// scheduling, as separate `schedstore run` instances do. Workers connect
// and warm up first, report "ready", and start together on "go"; the run
// is timed from "go" to the last worker's report, so process start-up and
// connecting are not counted. fires/s = backlog / that time.
//
//   - ours: the real engine, a runner.Runner with its defaults
//     (Concurrency 10, Lease 30 s, ClaimLimit 32, Prefetch 32: while the
//     backlog drains a claim takes up to 32, the jobs beyond the free slots
//     waiting in memory) and a trivial handler, on the worker's own Store
//     (ours-noprefetch, on request: Prefetch off, a claim takes at most the
//     free slots): it
//     claims, runs, renews and records completions in batches exactly as
//     `schedstore run` does. The worker stops it once no claim is in
//     flight, every claim it made is recorded, and nothing is claimable.
//   - baseline: the bare locking statement, written by hand on the same
//     pool or handle, with the same WHERE, ORDER BY and batch size: it takes
//     32 due rows without waiting for locked ones (FOR UPDATE SKIP LOCKED on
//     PostgreSQL and MySQL; SQLite has one writer) and clears their
//     next_run_at. No lease, no ledger, no per-occurrence completion.
//
// The baseline stops when a claim takes nothing and a plain read finds
// nothing left to claim. A baseline claim that takes nothing while rows are
// still due (other workers hold them locked at that moment) is an "empty
// claim": the worker pauses emptyPause and tries again. For ours, an empty
// claim is a ClaimDue that returned nothing.
//
// After every run the database is checked: ours, the ledger holds each
// task exactly once, at its occurrence, per owner exactly what each worker
// says it completed, and no task is left enabled, due or leased; baseline,
// no task is left due and the workers took exactly the backlog between
// them.
package claims
