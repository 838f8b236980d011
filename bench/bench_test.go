package bench

import (
	"context"
	"fmt"
	"os"
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
// columns, with Args and Kwargs already JSON and the fingerprint computed.
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
	// toTask decodes a row as schedstore would, for TestBaselineAgrees.
	toTask(r R) (*schedstore.Task, error)
}

// fixture is the data one dialect's benchmarks use, in both forms: tasks
// for schedstore, rowValues for the baseline.
type fixture struct {
	rows, dueEvery int

	create     *schedstore.Task // template: copied per run
	createVals rowValues        // ID and times set per call

	update     []*schedstore.Task // the rotation, as stored
	updateVals []rowValues

	runTimesIDs       []string
	lastRun, nextRun  time.Time
	getID             string
	findFingerprint   string
	findTask          *schedstore.Task
	expectDue, seeded int
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
	return rowValues{
		ID: t.ID, TaskName: t.TaskName, ScheduleType: string(t.ScheduleType), Schedule: t.Schedule,
		Args: seedArgs, Kwargs: seedKwargs, Fingerprint: def.Fingerprint, Enabled: t.Enabled,
		LastRunAt: t.LastRunAt, NextRunAt: t.NextRunAt, Description: t.Description,
		MaxRetries: int32(t.MaxRetries), RetryDelayUS: t.RetryDelay.Microseconds(), Priority: int32(t.Priority),
	}
}

func newFixture(tb testing.TB, rows int) *fixture {
	fx := &fixture{rows: rows, dueEvery: rows / dueCount, expectDue: dueCount, seeded: rows}
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

type impl struct {
	name string
	run  func(b *testing.B)
}

// implOrder runs schedstore first in odd runs, so that neither side always
// follows the other.
func implOrder(run int, base, ours func(b *testing.B)) []impl {
	impls := []impl{{"baseline", base}, {"schedstore", ours}}
	if run%2 == 1 {
		impls[0], impls[1] = impls[1], impls[0]
	}
	return impls
}

// runOps runs every operation, each as impl=baseline and impl=schedstore.
func runOps[R any](b *testing.B, run int, ours schedstore.Backend, base baseline[R], fx *fixture) {
	ctx := context.Background()
	op := func(name string, baseRun, oursRun func(b *testing.B)) {
		b.Run("op="+name, func(b *testing.B) {
			for _, im := range implOrder(run, baseRun, oursRun) {
				b.Run("impl="+im.name, im.run)
			}
		})
	}
	deleteCreated := func(b *testing.B) {
		b.StopTimer()
		if _, err := base.deleteCreated(ctx); err != nil {
			b.Fatal(err)
		}
	}

	op("Create", func(b *testing.B) {
		v := fx.createVals
		for b.Loop() {
			v.ID = uuid.Must(uuid.NewV7()).String()
			v.CreatedAt = time.Now().UTC()
			v.UpdatedAt = v.CreatedAt
			if err := base.create(ctx, &v); err != nil {
				b.Fatal(err)
			}
		}
		deleteCreated(b)
	}, func(b *testing.B) {
		t := *fx.create
		for b.Loop() {
			t.ID, t.CreatedAt = "", time.Time{}
			if err := ours.Create(ctx, &t); err != nil {
				b.Fatal(err)
			}
		}
		deleteCreated(b)
	})

	op("Get", func(b *testing.B) {
		for b.Loop() {
			if _, err := base.get(ctx, fx.getID); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			if _, err := ours.Get(ctx, fx.getID); err != nil {
				b.Fatal(err)
			}
		}
	})

	op("Update", func(b *testing.B) {
		i := 0
		for b.Loop() {
			v := &fx.updateVals[i%rotation]
			i++
			v.UpdatedAt = time.Now().UTC()
			if n, err := base.update(ctx, v); err != nil || n != 1 {
				b.Fatalf("update %s: %d rows, %v", v.ID, n, err)
			}
		}
	}, func(b *testing.B) {
		i := 0
		for b.Loop() {
			t := fx.update[i%rotation]
			i++
			if err := ours.Update(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	})

	op("UpdateRunTimes", func(b *testing.B) {
		i := 0
		for b.Loop() {
			id := fx.runTimesIDs[i%rotation]
			i++
			if n, err := base.updateRunTimes(ctx, id, fx.lastRun, fx.nextRun, time.Now().UTC()); err != nil || n != 1 {
				b.Fatalf("update run times %s: %d rows, %v", id, n, err)
			}
		}
	}, func(b *testing.B) {
		i := 0
		for b.Loop() {
			id := fx.runTimesIDs[i%rotation]
			i++
			if err := ours.UpdateRunTimes(ctx, id, fx.lastRun, fx.nextRun); err != nil {
				b.Fatal(err)
			}
		}
	})

	op("ListDue", func(b *testing.B) {
		for b.Loop() {
			rows, err := base.listDue(ctx, dueAt)
			if err != nil || len(rows) != fx.expectDue {
				b.Fatalf("list due: %d rows, %v", len(rows), err)
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			tasks, err := ours.ListDue(ctx, dueAt)
			if err != nil || len(tasks) != fx.expectDue {
				b.Fatalf("list due: %d tasks, %v", len(tasks), err)
			}
		}
	})

	op("FindByDefinition", func(b *testing.B) {
		t := fx.findTask
		for b.Loop() {
			if _, err := base.findByDefinition(ctx, fx.findFingerprint, t.TaskName, string(t.ScheduleType), t.Schedule); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B) {
		t := fx.findTask
		for b.Loop() {
			if _, err := ours.FindByDefinition(ctx, t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOps is the benchmark `make bench` reports on. Each db= level
// sets up its own database once, then runs every op SCHEDSTORE_BENCH_RUNS
// times (default 1) as run=0, run=1, ...: one sample per run, interleaved
// in time with the other ops' and the other implementation's, which a
// noisy machine disturbs far less than -count's back-to-back repeats.
// benchstat pools the runs with -ignore /run (see ratio.sh).
func BenchmarkOps(b *testing.B) {
	rows, runs := benchRows(b), benchRuns(b)
	dialect := func(name string, open func(b *testing.B) func(b *testing.B, run int)) {
		b.Run("db="+name, func(b *testing.B) {
			ops := open(b)
			for run := range runs {
				b.Run("run="+strconv.Itoa(run), func(b *testing.B) { ops(b, run) })
			}
		})
	}
	dialect("postgres", func(b *testing.B) func(*testing.B, int) {
		ours, base := openPostgres(b)
		fx := prepare(b, ours, base, rows)
		return func(b *testing.B, run int) { runOps(b, run, ours, base, fx) }
	})
	dialect("mysql", func(b *testing.B) func(*testing.B, int) {
		ours, base := openMySQL(b)
		fx := prepare(b, ours, base, rows)
		return func(b *testing.B, run int) { runOps(b, run, ours, base, fx) }
	})
	dialect("sqlite", func(b *testing.B) func(*testing.B, int) {
		ours, base := openSQLite(b)
		fx := prepare(b, ours, base, rows)
		return func(b *testing.B, run int) { runOps(b, run, ours, base, fx) }
	})
}
