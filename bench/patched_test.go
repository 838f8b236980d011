package bench

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// patchedReads is the adapters' Get, ListDue and FindByDefinition as they
// would be with the prototype fixes of fastpath_test.go: the same sqlc
// queries and row conversions as adapter/*, then fastRowTask instead of
// Row.Task and fastNewDefinition instead of taskrow.NewDefinition.
// BenchmarkPatched pairs them with the baselines, to show what the fixes
// would do to the ratios.
type patchedReads struct {
	get     func(ctx context.Context, id string) (taskrow.Row, error)
	listDue func(ctx context.Context, now time.Time) ([]taskrow.Row, error)
	find    func(ctx context.Context, fingerprint, name, typ, schedule string) (taskrow.Row, error)
}

func (p patchedReads) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	if schedstore.ValidateID(id) != nil {
		return nil, schedstore.ErrNotFound
	}
	r, err := p.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return fastRowTask(r)
}

func (p patchedReads) ListDue(ctx context.Context, now time.Time) ([]*schedstore.Task, error) {
	rows, err := p.listDue(ctx, taskrow.DueCutoff(now, time.Now))
	if err != nil {
		return nil, err
	}
	out := make([]*schedstore.Task, 0, len(rows))
	for _, r := range rows {
		t, err := fastRowTask(r)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (p patchedReads) FindByDefinition(ctx context.Context, name string, typ schedstore.ScheduleType,
	schedule string, args []any, kwargs map[string]any) (*schedstore.Task, error) {
	def, err := fastNewDefinition(name, typ, schedule, args, kwargs)
	if err != nil {
		return nil, err
	}
	r, err := p.find(ctx, def.Fingerprint, name, string(typ), schedule)
	if err != nil {
		return nil, err
	}
	return fastRowTask(r)
}

func pgPatched(pool *pgxpool.Pool) patchedReads {
	q := pgdb.New(pool)
	conv := func(r pgdb.ScheduledTask) taskrow.Row { // adapter/postgres/rows.go
		return taskrow.Row{
			ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
			Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
			LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
			Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken,
		}
	}
	return patchedReads{
		get: func(ctx context.Context, id string) (taskrow.Row, error) {
			r, err := q.GetTask(ctx, id)
			return conv(r), err
		},
		listDue: func(ctx context.Context, now time.Time) ([]taskrow.Row, error) {
			rows, err := q.ListDueTasks(ctx, &now)
			out := make([]taskrow.Row, len(rows))
			for i, r := range rows {
				out[i] = conv(r)
			}
			return out, err
		},
		find: func(ctx context.Context, fingerprint, name, typ, schedule string) (taskrow.Row, error) {
			r, err := q.FindTaskByDefinition(ctx, pgdb.FindTaskByDefinitionParams{
				DefinitionSha256: fingerprint, TaskName: name, ScheduleType: typ, Schedule: schedule})
			return conv(r), err
		},
	}
}

func mysqlPatched(db *sql.DB) patchedReads {
	q := mysqldb.New(db)
	ptr := func(t sql.NullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		return &t.Time
	}
	conv := func(r mysqldb.ScheduledTask) taskrow.Row { // adapter/mysql/rows.go
		return taskrow.Row{
			ID: string(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
			Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
			LastRunAt: ptr(r.LastRunAt), NextRunAt: ptr(r.NextRunAt), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
			Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: r.LeaseOwner.String,
		}
	}
	return patchedReads{
		get: func(ctx context.Context, id string) (taskrow.Row, error) {
			r, err := q.GetTask(ctx, []byte(id))
			return conv(r), err
		},
		listDue: func(ctx context.Context, now time.Time) ([]taskrow.Row, error) {
			rows, err := q.ListDueTasks(ctx, sql.NullTime{Time: now, Valid: true})
			out := make([]taskrow.Row, len(rows))
			for i, r := range rows {
				out[i] = conv(r)
			}
			return out, err
		},
		find: func(ctx context.Context, fingerprint, name, typ, schedule string) (taskrow.Row, error) {
			r, err := q.FindTaskByDefinition(ctx, mysqldb.FindTaskByDefinitionParams{
				DefinitionSha256: fingerprint, TaskName: name, ScheduleType: typ, Schedule: schedule})
			return conv(r), err
		},
	}
}

func sqlitePatched(db *sql.DB) patchedReads {
	q := sqlitedb.New(db)
	conv := func(r sqlitedb.ScheduledTask) taskrow.Row { // adapter/sqlite/rows.go
		return taskrow.Row{
			ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
			Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled != 0,
			LastRunAt: taskrow.FromMicrosPtr(r.LastRunAtUs), NextRunAt: taskrow.FromMicrosPtr(r.NextRunAtUs),
			CreatedAt: taskrow.FromMicros(r.CreatedAtUs), UpdatedAt: taskrow.FromMicros(r.UpdatedAtUs),
			Description: r.Description, MaxRetries: int32(r.MaxRetries), RetryDelayUS: r.RetryDelayUs,
			Priority: int32(r.Priority), Version: r.Version, LeaseToken: r.LeaseToken,
		}
	}
	return patchedReads{
		get: func(ctx context.Context, id string) (taskrow.Row, error) {
			r, err := q.GetTask(ctx, id)
			return conv(r), err
		},
		listDue: func(ctx context.Context, now time.Time) ([]taskrow.Row, error) {
			us := now.UnixMicro()
			rows, err := q.ListDueTasks(ctx, &us)
			out := make([]taskrow.Row, len(rows))
			for i, r := range rows {
				out[i] = conv(r)
			}
			return out, err
		},
		find: func(ctx context.Context, fingerprint, name, typ, schedule string) (taskrow.Row, error) {
			r, err := q.FindTaskByDefinition(ctx, sqlitedb.FindTaskByDefinitionParams{
				DefinitionSha256: fingerprint, TaskName: name, ScheduleType: typ, Schedule: schedule})
			return conv(r), err
		},
	}
}

// patchedOps replaces ours in the read ops with p.
func patchedOps(all []op, p patchedReads, fx *fixture) []op {
	ctx := context.Background()
	find := fx.findTask
	var out []op
	for _, o := range all {
		switch o.name {
		case "Get":
			o.ours = func(b *testing.B, _ int) {
				if _, err := p.Get(ctx, fx.getID); err != nil {
					b.Fatal(err)
				}
			}
		case "ListDue":
			o.ours = func(b *testing.B, _ int) {
				if tasks, err := p.ListDue(ctx, dueAt); err != nil || len(tasks) != fx.expectDue {
					b.Fatalf("list due: %d tasks, %v", len(tasks), err)
				}
			}
		case "FindByDefinition":
			o.ours = func(b *testing.B, _ int) {
				if _, err := p.FindByDefinition(ctx, find.TaskName, find.ScheduleType, find.Schedule, find.Args, find.Kwargs); err != nil {
					b.Fatal(err)
				}
			}
		default:
			continue
		}
		out = append(out, o)
	}
	return out
}

// BenchmarkPatched is BenchmarkPaired for the read ops with the prototype
// fixes (patchedReads) as ours: BenchmarkPatched/db=D/run=N/op=O. ratio.sh
// does not run it; BENCH_FILTER='^Benchmark(Paired|Patched)$' does, and its
// table then shows both.
func BenchmarkPatched(b *testing.B) {
	runs, rows := benchRuns(b), benchRows(b)
	each := func(b *testing.B, ops []op) {
		for run := range runs {
			b.Run("run="+strconv.Itoa(run), func(b *testing.B) { runPaired(b, ops) })
		}
	}
	b.Run("db=postgres", func(b *testing.B) {
		ours, base := openPostgres(b)
		fx := prepare(b, ours, base, rows)
		each(b, patchedOps(ops(ours, base, fx), pgPatched(ours.Pool()), fx))
	})
	b.Run("db=mysql", func(b *testing.B) {
		ours, base := openMySQL(b)
		fx := prepare(b, ours, base, rows)
		each(b, patchedOps(ops(ours, base, fx), mysqlPatched(ours.DB()), fx))
	})
	b.Run("db=sqlite", func(b *testing.B) {
		ours, base := openSQLite(b)
		fx := prepare(b, ours, base, rows)
		each(b, patchedOps(ops(ours, base, fx), sqlitePatched(ours.DB()), fx))
	})
}
