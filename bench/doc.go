// Package bench measures what schedstore costs over the SQL it runs.
//
// It holds no library code, only benchmarks. For each dialect (PostgreSQL
// over pgx, MySQL/MariaDB over go-sql-driver/mysql, SQLite over
// modernc.org/sqlite) BenchmarkOps runs six operations twice: once through
// the schedstore adapter (impl=schedstore) and once as a hand-written single
// statement on the same pool, the same connection settings and the same
// table (impl=baseline). The ratio ours/baseline is the library's overhead.
//
//	BenchmarkOps/db=postgres/op=Create/impl=baseline
//	BenchmarkOps/db=postgres/op=Create/impl=schedstore
//	... db = postgres, mysql, sqlite
//	... op = Create, Get, Update, UpdateRunTimes, ListDue, FindByDefinition
//
// # Running
//
//	make bench                      # bash bench/ratio.sh: all dialects, ratio table, benchstat
//	BENCH_COUNT=10 BENCH_TIME=2s bash bench/ratio.sh
//	go test ./bench -run '^$' -bench 'Ops/db=sqlite/op=Get' -benchmem -count 6
//
// PostgreSQL and MySQL need SCHEDSTORE_TEST_POSTGRES_URL and
// SCHEDSTORE_TEST_MYSQL_URL (see internal/testdb; `make db-up` prints them);
// without them those dialects are skipped. Each dialect gets one fresh
// database (schema on PostgreSQL), dropped at the end.
//
// ratio.sh builds the test binary once and runs it BENCH_COUNT times
// (default 6) with -count 1, alternating which implementation of each
// operation runs first, so that the samples are independent processes and
// neither side always runs on a warmer cache. It then prints:
//
//   - a table "op dialect ours baseline ratio" from the medians of ns/op
//     (ratio > 1.15 is flagged OVER; nothing fails: timings are never
//     asserted), and
//   - benchstat -col /impl, whose "vs base" column is the same comparison
//     with a confidence interval and a p-value (+12% means ratio 1.12).
//
// # Data
//
// Setup seeds 100,000 tasks with one INSERT ... SELECT over a generated
// series (generate_series, a cross join of digits, a recursive CTE),
// exactly 100 of them due at the fixed instant ListDue is asked about, then
// runs ANALYZE. The seeded rows carry a unique fake fingerprint; every row
// a benchmark looks up by definition, or rewrites, gets its real one. No
// benchmark changes the due set:
//
//   - Create inserts fresh tasks (new UUIDv7 IDs on both sides) that are
//     not due, and deletes them after each run, untimed.
//   - Update rewrites, with identical values, a rotating set of 1,000 tasks
//     that are not due.
//   - UpdateRunTimes moves another 1,000 such tasks to a next run still
//     after the ListDue instant.
//   - Get reads one fixed task; FindByDefinition looks up one task whose
//     definition is unique; ListDue returns the 100 due tasks.
//
// # What the baseline does
//
// The baseline is the honest minimum a hand-written data layer does for the
// same operation: one statement with the same columns, sent through the
// same pool with the caller's arguments.
//
//   - Writes take Args and Kwargs as JSON text and the definition
//     fingerprint already computed (as if the caller kept them), call
//     time.Now for the timestamps and, for Create, uuid.NewV7 for the ID.
//     The statements set the same columns as schedstore's, including the
//     version bump and the ensure_sha256 reset of Update; they leave out
//     only Update's optimistic-version predicate (schedstore is called
//     with Version 0, for which it is always true).
//   - Reads select the same 21 columns and scan them into plain variables
//     of the driver's natural types. Args and Kwargs stay raw JSON text
//     (not decoded into []any and map[string]any as schedstore does), and
//     SQLite's microsecond integers are not turned into time.Time.
//
// So the ratio charges schedstore for everything it does in Go beyond that:
// validation (including parsing the schedule), canonicalizing Args and
// Kwargs, fingerprinting the definition, decoding JSON on reads, and the
// row conversions. Over a network round trip that is a few per cent; for
// in-process SQLite, where a read takes microseconds, the same Go work
// weighs much more. BenchmarkGoSide measures those pieces alone.
package bench
