// Package bench measures what schedstore costs over the SQL it runs.
//
// It holds no library code, only benchmarks and their checks. For each
// dialect (PostgreSQL over pgx, MySQL/MariaDB over go-sql-driver/mysql,
// SQLite over modernc.org/sqlite) six operations run twice: through the
// schedstore adapter (ours) and as a hand-written single statement on the
// same pool, with the same connection settings, on the same table (the
// baseline). The ratio ours/baseline is the library's overhead; the target
// is at most 1.15 on every operation.
//
// # Running
//
//	make bench                      # bash bench/ratio.sh: all dialects, ratio table, benchstat
//	BENCH_COUNT=20 BENCH_TIME=1s bash bench/ratio.sh
//	BENCH_REPORT_ONLY=1 bash bench/ratio.sh          # the tables again, from bench.txt
//	go test ./bench -run '^$' -bench 'Paired/db=sqlite/run=0/op=Get' -benchtime 2s
//
// PostgreSQL and MySQL need SCHEDSTORE_TEST_POSTGRES_URL and
// SCHEDSTORE_TEST_MYSQL_URL (see internal/testdb; `make db-up` prints them);
// without them those dialects are skipped. Each benchmark gets one fresh
// database per dialect (a schema on PostgreSQL), seeded once, dropped at the
// end. ratio.sh takes 5 to 7 minutes on 2 cores.
//
// # The benchmarks
//
// BenchmarkOps times each implementation on its own, as benchstat expects:
//
//	BenchmarkOps/db=postgres/run=0/op=Create/impl=baseline
//	BenchmarkOps/db=postgres/run=0/op=Create/impl=schedstore
//	... db = postgres, mysql, sqlite
//	... op = Create, Get, Update, UpdateRunTimes, ListDue, FindByDefinition
//
// benchstat -col /impl -ignore /run compares impl=schedstore with
// impl=baseline; its "vs base" column is ratio - 1 (+12% is 1.12), with a
// confidence interval and a p-value. The samples are runs (run=0, 1, ...;
// SCHEDSTORE_BENCH_RUNS, which ratio.sh sets to BENCH_COUNT) spread over the
// whole benchmark instead of -count's back-to-back repeats, and odd runs
// time schedstore first.
//
// BenchmarkPaired (BenchmarkPaired/db=D/run=N/op=O) runs the two
// implementations alternately, call by call, timing every call, and reports
// medians: ours-ns/call, base-ns/call and ours/base, the median ratio
// within pairs. Two calls a few microseconds apart meet the same load from
// the rest of the machine, so this ratio stays steady on a busy machine
// where separately timed benchmarks swing by tens of per cent. The ratio
// table comes from it. (Caveat: the garbage collector's work is shared
// between the two sides, which flatters the side that allocates more, ours;
// BenchmarkOps has no such bias.)
//
// ratio.sh prints, per op and dialect: the paired ratio (median over runs,
// with the interquartile range over runs, flagged OVER above BENCH_TARGET),
// the median call of each side, and the ratio of BenchmarkOps' medians;
// then benchstat for both benchmarks. Nothing fails on a slow result:
// timings are never asserted.
//
// # Data
//
// Setup seeds 100,000 tasks (SCHEDSTORE_BENCH_ROWS) with one
// INSERT ... SELECT over a generated series (generate_series, a cross join
// of digits, a recursive CTE), exactly 100 of them due at the fixed instant
// ListDue is asked about, then runs ANALYZE (VACUUM ANALYZE on PostgreSQL).
// The seeded rows carry a unique fake fingerprint; every row a benchmark
// looks up by definition, or rewrites, gets its real one. No benchmark
// changes the due set:
//
//   - Create inserts fresh tasks (new UUIDv7 IDs on both sides) that are
//     not due, and deletes them after each benchmark, untimed.
//   - Update rewrites, with identical values, a rotating set of 1,000 tasks
//     that are not due.
//   - UpdateRunTimes moves another 1,000 such tasks to a next run still
//     after the ListDue instant.
//   - Get reads one fixed task; FindByDefinition looks up one task whose
//     definition is unique; ListDue returns the 100 due tasks.
//
// TestBaselineAgrees checks on a smaller table that each baseline reads the
// same columns as schedstore (those SELECT * returns, in table order) and
// the same rows, in the same order, also once a claim has set the lease and
// attempt columns; and that it writes the same columns with the same
// values (policies other than the defaults, the pause an enabling Update
// ends), rows schedstore reads back as its own.
//
// # What the baseline does
//
// The baseline is the honest minimum a hand-written data layer does for the
// same operation: one statement with the same columns, through the same
// pool, with the caller's arguments.
//
//   - Writes take Args and Kwargs as JSON text, the definition fingerprint
//     already computed and the policies as stored (as if the caller kept
//     them), call time.Now for the timestamps and, for Create, uuid.NewV7
//     for the ID. The statements set the same columns as schedstore's
//     (queries/<dialect>/tasks.sql) with the same values: Create's 21,
//     the five policy columns (misfire_policy, max_catch_up,
//     misfire_grace_us, overlap_policy, jitter_us) included; Update's 23,
//     with the version bump, the ensure_sha256 reset and the end of a
//     pause (paused_at, pause_reason) when the task is enabled;
//     UpdateRunTimes' 4. They leave out only Update's optimistic-version
//     predicate (schedstore is called with Version 0, for which it is
//     always true).
//   - Reads select the 32 columns schedstore's SELECT * returns (the lease,
//     the attempt columns a claim needs, the policies and the pause
//     included), in the same order, and scan them into plain variables of
//     the driver's natural types. Args and Kwargs stay raw JSON text: they
//     are not decoded into []any and map[string]any as schedstore decodes
//     them, and SQLite's microsecond integers are not turned into
//     time.Time.
//
// So the ratio charges schedstore for all the Go work it does beyond that:
// validation (including parsing the schedule), canonicalizing Args and
// Kwargs, fingerprinting the definition, decoding JSON on reads and the
// row conversions. Over a network round trip that is a few per cent; for
// in-process SQLite, where a read takes tens of microseconds, the same Go
// work weighs much more.
//
// BenchmarkGoSide measures those pieces alone, without a database.
package bench
