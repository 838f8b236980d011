package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/lifecycle"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// Backend is schedstore.Backend on PostgreSQL. Safe for concurrent use.
type Backend struct {
	pool  *pgxpool.Pool
	q     *pgdb.Queries
	owned bool // Close closes pool
	guard lifecycle.Guard
	now   func() time.Time
}

var _ schedstore.Backend = (*Backend)(nil)

// New returns a Backend over pool, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
func New(pool *pgxpool.Pool) *Backend {
	return &Backend{pool: pool, q: pgdb.New(pool), now: time.Now}
}

// Pool returns the underlying pool, for callers that need to reach past the
// contract (health checks, metrics).
func (b *Backend) Pool() *pgxpool.Pool { return b.pool }

// Create implements schedstore.Backend.
func (b *Backend) Create(ctx context.Context, t *schedstore.Task) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	r, err := taskrow.ForCreate(t, b.now())
	if err != nil {
		return err
	}
	if err := b.q.CreateTask(ctx, pgdb.CreateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority,
	}); err != nil {
		return interpret("create", r.ID, err)
	}
	r.WriteBack(t)
	return nil
}

// Update implements schedstore.Backend.
func (b *Backend) Update(ctx context.Context, t *schedstore.Task) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	r, err := taskrow.ForUpdate(t, b.now())
	if err != nil {
		return err
	}
	n, err := b.q.UpdateTask(ctx, pgdb.UpdateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority, ExpectedVersion: t.Version,
	})
	if err != nil {
		return interpret("update", r.ID, err)
	}
	if n == 0 {
		return b.missingOrConflict(ctx, r.ID, t.Version)
	}
	r.WriteBackUpdate(t)
	return nil
}

// missingOrConflict tells why an update matched no row.
func (b *Backend) missingOrConflict(ctx context.Context, id string, version int64) error {
	return taskrow.UnmatchedUpdate(id, version, func() (bool, error) {
		ok, err := b.q.TaskExists(ctx, id)
		if err != nil {
			return false, interpret("update", id, err)
		}
		return ok, nil
	})
}

// Delete implements schedstore.Backend.
func (b *Backend) Delete(ctx context.Context, id string) (bool, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return false, err
	}
	if schedstore.ValidateID(id) != nil {
		return false, nil // no such row can exist
	}
	n, err := b.q.DeleteTask(ctx, id)
	if err != nil {
		return false, interpret("delete", id, err)
	}
	return n > 0, nil
}

// Get implements schedstore.Backend.
func (b *Backend) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if schedstore.ValidateID(id) != nil {
		return nil, notFound(id)
	}
	row, err := b.q.GetTask(ctx, id)
	if err != nil {
		return nil, interpret("get", id, err)
	}
	return toRow(row).Task()
}

// ListAll implements schedstore.Backend.
func (b *Backend) ListAll(ctx context.Context) ([]*schedstore.Task, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	rows, err := b.q.ListAllTasks(ctx)
	return toTasks("list all", rows, err)
}

// ListEnabled implements schedstore.Backend.
func (b *Backend) ListEnabled(ctx context.Context) ([]*schedstore.Task, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	rows, err := b.q.ListEnabledTasks(ctx)
	return toTasks("list enabled", rows, err)
}

// ListDue implements schedstore.Backend.
func (b *Backend) ListDue(ctx context.Context, now time.Time) ([]*schedstore.Task, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	at := taskrow.DueCutoff(now, b.now)
	rows, err := b.q.ListDueTasks(ctx, &at)
	return toTasks("list due", rows, err)
}

// UpdateRunTimes implements schedstore.Backend.
func (b *Backend) UpdateRunTimes(ctx context.Context, id string, lastRun, nextRun time.Time) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	rt, err := taskrow.ForRunTimes(id, lastRun, nextRun, b.now())
	if err != nil {
		return err
	}
	if rt.Missing {
		return notFound(id)
	}
	n, err := b.q.UpdateRunTimes(ctx, pgdb.UpdateRunTimesParams{
		ID: id, LastRunAt: rt.LastRunAt, NextRunAt: rt.NextRunAt, UpdatedAt: rt.UpdatedAt,
	})
	if err != nil {
		return interpret("update run times", id, err)
	}
	if n == 0 {
		return notFound(id)
	}
	return nil
}

// Clear implements schedstore.Backend.
func (b *Backend) Clear(ctx context.Context) (int64, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return 0, err
	}
	n, err := b.q.ClearTasks(ctx)
	if err != nil {
		return 0, interpret("clear", "", err)
	}
	return n, nil
}

// FindByDefinition implements schedstore.Backend.
func (b *Backend) FindByDefinition(ctx context.Context, taskName string, typ schedstore.ScheduleType,
	schedule string, args []any, kwargs map[string]any) (*schedstore.Task, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	def, err := taskrow.NewDefinition(taskName, typ, schedule, args, kwargs)
	if err != nil {
		return nil, err
	}
	row, err := b.q.FindTaskByDefinition(ctx, pgdb.FindTaskByDefinitionParams{
		DefinitionSha256: def.Fingerprint, TaskName: taskName, ScheduleType: string(typ), Schedule: schedule,
	})
	if err != nil {
		return nil, interpret("find by definition", "", err)
	}
	return toRow(row).Task()
}

// Close implements schedstore.Backend. It closes the pool only if Open made it.
func (b *Backend) Close() error {
	return b.guard.Close(func() error {
		if b.owned {
			b.pool.Close()
		}
		return nil
	})
}
