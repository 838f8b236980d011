package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// The data set. See the package documentation.
const (
	defaultRows = 100_000 // SCHEDSTORE_BENCH_ROWS overrides (at least minRows)
	minRows     = 10_000
	dueCount    = 100   // tasks due at dueAt, whatever the row count
	rotation    = 1_000 // Update and UpdateRunTimes cycle through this many tasks each
)

// dueAt is the instant ListDue is asked about: seeded task i is due at
// dueAt - i s when i is a multiple of rows/dueCount, else at dueAt + i s.
var dueAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The definition every seeded task shares but for its name, and the JSON
// text schedstore stores for it (canonical: keys sorted, no spaces).
const (
	seedSchedule    = "*/5 * * * *"
	seedArgs        = `["report",42]`
	seedKwargs      = `{"queue":"default","tags":["a","b"],"timeout":30}`
	seedDescription = "benchmark task"
	seedMaxRetries  = 3
	seedRetryDelay  = time.Second
	createdName     = "bench-created" // TaskName of Create's rows, deleted after each run
	findName        = "bench-find"    // FindByDefinition's target (ID and TaskName)
)

func seedArgsValue() []any { return []any{"report", 42} }

func seedKwargsValue() map[string]any {
	return map[string]any{"queue": "default", "tags": []any{"a", "b"}, "timeout": 30}
}

// seedID and seedName name seeded task i (1-based).
func seedID(i int) string   { return fmt.Sprintf("t%06d", i) }
func seedName(i int) string { return "task-" + strconv.Itoa(i) }

// rowValues is what a hand-written layer hands its INSERT or UPDATE: the
// columns schedstore writes (queries/<dialect>/tasks.sql, CreateTask and
// UpdateTask), with Args and Kwargs already JSON, the fingerprint computed
// and the policies as stored (no "" or zero MaxCatchUp: the defaults).
type rowValues struct {
	ID, TaskName, ScheduleType, Schedule string
	Args, Kwargs, Fingerprint            string
	Enabled                              bool
	LastRunAt, NextRunAt                 *time.Time
	CreatedAt, UpdatedAt                 time.Time
	Description                          string
	MaxRetries                           int32
	RetryDelayUS                         int64
	Priority                             int32
	// The task's policies (migration 000005).
	MisfirePolicy, OverlapPolicy string
	MaxCatchUp                   int32
	MisfireGraceUS, JitterUS     int64
}

// baseline is the hand-written data layer of one dialect; R is its row.
type baseline[R any] interface {
	create(ctx context.Context, v *rowValues) error
	get(ctx context.Context, id string) (R, error)
	update(ctx context.Context, v *rowValues) (int64, error)
	updateRunTimes(ctx context.Context, id string, lastRun, nextRun, now time.Time) (int64, error)
	listDue(ctx context.Context, now time.Time) ([]R, error)
	findByDefinition(ctx context.Context, fingerprint, name, typ, schedule string) (R, error)
	// Set-up and clean-up, never timed.
	seed(ctx context.Context, rows, dueEvery int) error
	analyze(ctx context.Context) error
	deleteCreated(ctx context.Context) (int64, error)
	// For TestBaselineAgrees: toRow maps a row to the shared form, every
	// column schedstore maps (its Task method decodes it as schedstore
	// would); readColumns is the column list the reads select, and
	// starColumns the columns SELECT * returns on the database.
	toRow(r R) taskrow.Row
	readColumns() string
	starColumns(ctx context.Context) ([]string, error)
}

// fixture is the data one dialect's benchmarks use, in both forms: tasks
// for schedstore, rowValues for the baseline.
type fixture struct {
	rows, dueEvery int

	create     *schedstore.Task // template: ops copies it
	createVals rowValues        // ID and times set per call

	update     []*schedstore.Task // the rotation, as stored
	updateVals []rowValues

	runTimesIDs      []string
	lastRun, nextRun time.Time
	getID            string
	findFingerprint  string
	findTask         *schedstore.Task
	expectDue        int
}

func benchRuns(tb testing.TB) int {
	s := os.Getenv("SCHEDSTORE_BENCH_RUNS")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("SCHEDSTORE_BENCH_RUNS=%q: want a positive integer", s)
	}
	return n
}

func benchRows(tb testing.TB) int {
	s := os.Getenv("SCHEDSTORE_BENCH_ROWS")
	if s == "" {
		return defaultRows
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < minRows {
		tb.Fatalf("SCHEDSTORE_BENCH_ROWS=%q: want an integer >= %d", s, minRows)
	}
	return n
}

// newTask is seeded task i as schedstore sees it (name and ID given).
func newTask(id, name string, priority int, next time.Time) *schedstore.Task {
	t := schedstore.NewCron(name, seedSchedule)
	t.ID = id
	t.Args = seedArgsValue()
	t.Kwargs = seedKwargsValue()
	t.Description = seedDescription
	t.MaxRetries = seedMaxRetries
	t.RetryDelay = seedRetryDelay
	t.Priority = priority
	t.NextRunAt = &next
	return t
}

// valuesOf pre-encodes t the way a caller holding JSON text would pass it.
func valuesOf(tb testing.TB, t *schedstore.Task) rowValues {
	def, err := taskrow.NewDefinition(t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	if err != nil {
		tb.Fatal(err)
	}
	if def.Args != seedArgs || def.Kwargs != seedKwargs {
		tb.Fatalf("canonical JSON changed: %s %s; update seedArgs and seedKwargs", def.Args, def.Kwargs)
	}
	misfire, maxCatchUp, overlap := taskrow.Policies(t)
	return rowValues{
		ID: t.ID, TaskName: t.TaskName, ScheduleType: string(t.ScheduleType), Schedule: t.Schedule,
		Args: seedArgs, Kwargs: seedKwargs, Fingerprint: def.Fingerprint, Enabled: t.Enabled,
		LastRunAt: t.LastRunAt, NextRunAt: t.NextRunAt, Description: t.Description,
		MaxRetries: int32(t.MaxRetries), RetryDelayUS: t.RetryDelay.Microseconds(), Priority: int32(t.Priority),
		MisfirePolicy: misfire, MaxCatchUp: maxCatchUp, MisfireGraceUS: t.MisfireGrace.Microseconds(),
		OverlapPolicy: overlap, JitterUS: t.Jitter.Microseconds(),
	}
}

func newFixture(tb testing.TB, rows int) *fixture {
	fx := &fixture{rows: rows, dueEvery: rows / dueCount, expectDue: dueCount}
	due := func(i int) bool { return i%fx.dueEvery == 0 }
	seedTask := func(i int) *schedstore.Task {
		return newTask(seedID(i), seedName(i), i%5, dueAt.Add(time.Duration(i)*time.Second))
	}
	i := 1
	for len(fx.update) < rotation {
		if !due(i) {
			t := seedTask(i)
			fx.update = append(fx.update, t)
			fx.updateVals = append(fx.updateVals, valuesOf(tb, t))
		}
		i++
	}
	for len(fx.runTimesIDs) < rotation {
		if !due(i) {
			fx.runTimesIDs = append(fx.runTimesIDs, seedID(i))
		}
		i++
	}
	fx.lastRun, fx.nextRun = dueAt.Add(-time.Hour), dueAt.Add(time.Hour)
	g := rows/2 + 1
	for due(g) || g < i {
		g++
	}
	fx.getID = seedID(g)

	later := dueAt.AddDate(1, 0, 0)
	fx.create = newTask("", createdName, 1, later)
	fx.createVals = valuesOf(tb, fx.create)
	fx.findTask = newTask(findName, findName, 1, later)
	fx.findFingerprint = valuesOf(tb, fx.findTask).Fingerprint
	return fx
}

// prepare seeds the database behind ours and base, adds the
// FindByDefinition target through schedstore, and runs ANALYZE.
func prepare[R any](tb testing.TB, ours schedstore.Backend, base baseline[R], rows int) *fixture {
	tb.Helper()
	ctx := context.Background()
	fx := newFixture(tb, rows)
	start := time.Now()
	if err := base.seed(ctx, fx.rows, fx.dueEvery); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if err := ours.Create(ctx, newTask(findName, findName, 1, *fx.findTask.NextRunAt)); err != nil {
		tb.Fatalf("create the FindByDefinition target: %v", err)
	}
	if err := base.analyze(ctx); err != nil {
		tb.Fatalf("analyze: %v", err)
	}
	tb.Logf("seeded %d tasks (%d due) in %v", fx.rows+1, dueCount, time.Since(start).Round(time.Millisecond))
	return fx
}

// op is one operation in both implementations. base and ours make call i
// (0, 1, ...: the rotation index); a failed call calls b.Fatal. after, if
// set, runs untimed once the calls are done.
type op struct {
	name       string
	base, ours func(b *testing.B, i int)
	after      func(b *testing.B)
}

// ops is every operation on one dialect's database.
func ops[R any](ours schedstore.Backend, base baseline[R], fx *fixture) []op {
	ctx := context.Background()
	deleteCreated := func(b *testing.B) {
		if _, err := base.deleteCreated(ctx); err != nil {
			b.Fatal(err)
		}
	}
	createVals := fx.createVals // per benchmark state: one copy each
	createTask := *fx.create
	find := fx.findTask
	return []op{{
		name: "Create",
		base: func(b *testing.B, _ int) {
			v := &createVals
			v.ID = uuid.Must(uuid.NewV7()).String()
			v.CreatedAt = time.Now().UTC()
			v.UpdatedAt = v.CreatedAt
			if err := base.create(ctx, v); err != nil {
				b.Fatal(err)
			}
		},
		ours: func(b *testing.B, _ int) {
			t := &createTask
			t.ID, t.CreatedAt = "", time.Time{}
			if err := ours.Create(ctx, t); err != nil {
				b.Fatal(err)
			}
		},
		after: deleteCreated,
	}, {
		name: "Get",
		base: func(b *testing.B, _ int) {
			if _, err := base.get(ctx, fx.getID); err != nil {
				b.Fatal(err)
			}
		},
		ours: func(b *testing.B, _ int) {
			if _, err := ours.Get(ctx, fx.getID); err != nil {
				b.Fatal(err)
			}
		},
	}, {
		name: "Update",
		base: func(b *testing.B, i int) {
			v := &fx.updateVals[i%rotation]
			v.UpdatedAt = time.Now().UTC()
			if n, err := base.update(ctx, v); err != nil || n != 1 {
				b.Fatalf("update %s: %d rows, %v", v.ID, n, err)
			}
		},
		ours: func(b *testing.B, i int) {
			if err := ours.Update(ctx, fx.update[i%rotation]); err != nil {
				b.Fatal(err)
			}
		},
	}, {
		name: "UpdateRunTimes",
		base: func(b *testing.B, i int) {
			id := fx.runTimesIDs[i%rotation]
			if n, err := base.updateRunTimes(ctx, id, fx.lastRun, fx.nextRun, time.Now().UTC()); err != nil || n != 1 {
				b.Fatalf("update run times %s: %d rows, %v", id, n, err)
			}
		},
		ours: func(b *testing.B, i int) {
			if err := ours.UpdateRunTimes(ctx, fx.runTimesIDs[i%rotation], fx.lastRun, fx.nextRun); err != nil {
				b.Fatal(err)
			}
		},
	}, {
		name: "ListDue",
		base: func(b *testing.B, _ int) {
			if rows, err := base.listDue(ctx, dueAt); err != nil || len(rows) != fx.expectDue {
				b.Fatalf("list due: %d rows, %v", len(rows), err)
			}
		},
		ours: func(b *testing.B, _ int) {
			if tasks, err := ours.ListDue(ctx, dueAt); err != nil || len(tasks) != fx.expectDue {
				b.Fatalf("list due: %d tasks, %v", len(tasks), err)
			}
		},
	}, {
		name: "FindByDefinition",
		base: func(b *testing.B, _ int) {
			if _, err := base.findByDefinition(ctx, fx.findFingerprint, find.TaskName, string(find.ScheduleType), find.Schedule); err != nil {
				b.Fatal(err)
			}
		},
		ours: func(b *testing.B, _ int) {
			if _, err := ours.FindByDefinition(ctx, find.TaskName, find.ScheduleType, find.Schedule, find.Args, find.Kwargs); err != nil {
				b.Fatal(err)
			}
		},
	}}
}

// loop makes call i = 0, 1, ... for b.Loop, then runs after untimed.
func loop(b *testing.B, call func(b *testing.B, i int), after func(b *testing.B)) {
	i := 0
	for b.Loop() {
		call(b, i)
		i++
	}
	if after != nil {
		after(b)
	}
}

// runSeparate runs each op as impl=baseline and impl=schedstore, one after
// the other; odd runs start with schedstore, so that neither side always
// follows the other.
func runSeparate(b *testing.B, run int, ops []op) {
	for _, o := range ops {
		b.Run("op="+o.name, func(b *testing.B) {
			impls := []string{"baseline", "schedstore"}
			if run%2 == 1 {
				impls[0], impls[1] = impls[1], impls[0]
			}
			for _, im := range impls {
				call := o.base
				if im == "schedstore" {
					call = o.ours
				}
				b.Run("impl="+im, func(b *testing.B) { loop(b, call, o.after) })
			}
		})
	}
}

// runPaired runs each op's two implementations alternately, call by call
// (each goes first every other time), timing every call: a pair meets the
// same load from the rest of the machine, so the ratio within pairs is
// steady where separately timed benchmarks are not. ns/op is one call of
// each. The metrics are medians over the calls, robust to the stalls (an
// fsync, another process) that dominate means on a busy machine:
// ours-ns/call and base-ns/call, and ours/base, the median of the ratios
// within pairs.
func runPaired(b *testing.B, ops []op) {
	for _, o := range ops {
		b.Run("op="+o.name, func(b *testing.B) {
			var base, ours []time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				if i%2 == 0 {
					o.base(b, i)
					t1 := time.Now()
					o.ours(b, i)
					base, ours = append(base, t1.Sub(t0)), append(ours, time.Since(t1))
				} else {
					o.ours(b, i)
					t1 := time.Now()
					o.base(b, i)
					ours, base = append(ours, t1.Sub(t0)), append(base, time.Since(t1))
				}
				i++
			}
			b.StopTimer()
			if o.after != nil {
				o.after(b)
			}
			ratios := make([]float64, len(ours))
			for k := range ours {
				ratios[k] = float64(ours[k]) / float64(base[k])
			}
			b.ReportMetric(float64(median(ours)), "ours-ns/call")
			b.ReportMetric(float64(median(base)), "base-ns/call")
			b.ReportMetric(median(ratios), "ours/base")
		})
	}
}

func median[T time.Duration | float64](xs []T) T {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// dialects opens and seeds each dialect's database (once per benchmark)
// and then calls each for its ops.
func dialects(b *testing.B, each func(b *testing.B, ops []op)) {
	rows := benchRows(b)
	b.Run("db=postgres", func(b *testing.B) {
		ours, base := openPostgres(b)
		each(b, ops(ours, base, prepare(b, ours, base, rows)))
	})
	b.Run("db=mysql", func(b *testing.B) {
		ours, base := openMySQL(b)
		each(b, ops(ours, base, prepare(b, ours, base, rows)))
	})
	b.Run("db=sqlite", func(b *testing.B) {
		ours, base := openSQLite(b)
		each(b, ops(ours, base, prepare(b, ours, base, rows)))
	})
}

// BenchmarkOps times each op's two implementations separately:
// BenchmarkOps/db=D/run=N/op=O/impl=baseline|schedstore, for benchstat
// -col /impl -ignore /run. Each dialect's database is seeded once; then
// every op runs SCHEDSTORE_BENCH_RUNS times (default 1) as run=0, run=1,
// ...: one sample per run, spread over the whole benchmark, which a noisy
// machine disturbs less than -count's back-to-back repeats.
func BenchmarkOps(b *testing.B) {
	runs := benchRuns(b)
	dialects(b, func(b *testing.B, ops []op) {
		for run := range runs {
			b.Run("run="+strconv.Itoa(run), func(b *testing.B) { runSeparate(b, run, ops) })
		}
	})
}

// BenchmarkPaired times each op's two implementations interleaved, call by
// call (see runPaired): BenchmarkPaired/db=D/run=N/op=O, with the metric
// ours/base. ratio.sh's table comes from it.
func BenchmarkPaired(b *testing.B) {
	runs := benchRuns(b)
	dialects(b, func(b *testing.B, ops []op) {
		for run := range runs {
			b.Run("run="+strconv.Itoa(run), func(b *testing.B) { runPaired(b, ops) })
		}
	})
}
