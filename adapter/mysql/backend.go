package mysql

import (
	"context"
	"database/sql"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/lifecycle"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// Backend is schedstore.Store on MySQL or MariaDB. Safe for concurrent use.
type Backend struct {
	db    *sql.DB
	q     *mysqldb.Queries
	owned bool // Close closes db
	guard lifecycle.Guard
	now   func() time.Time
}

var _ schedstore.Backend = (*Backend)(nil)

// New returns a Backend over db, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
//
// Configure db as ConfigFromURL does: parseTime=true and loc=UTC are
// required for times to read back right, and interpolateParams=true keeps
// each call to one round trip.
func New(db *sql.DB) *Backend {
	return &Backend{db: db, q: mysqldb.New(db), now: time.Now}
}

// DB returns the underlying pool, for callers that need to reach past the
// contract (health checks, metrics, pool sizes).
func (b *Backend) DB() *sql.DB { return b.db }

// Create implements schedstore.Backend.
func (b *Backend) Create(ctx context.Context, t *schedstore.Task) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	r, err := taskrow.ForCreate(t, b.now())
	if err != nil {
		return err
	}
	p := mysqldb.CreateTaskParams{
		ID: []byte(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: nullTime(r.LastRunAt), NextRunAt: nullTime(r.NextRunAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority,
	}
	if _, err := again(ctx, func() (struct{}, error) { return struct{}{}, b.q.CreateTask(ctx, p) }); err != nil {
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
	p := mysqldb.UpdateTaskParams{
		ID: []byte(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: nullTime(r.LastRunAt), NextRunAt: nullTime(r.NextRunAt), UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority, ExpectedVersion: t.Version,
	}
	n, err := again(ctx, func() (int64, error) { return b.q.UpdateTask(ctx, p) })
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
		ok, err := b.q.TaskExists(ctx, []byte(id))
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
	n, err := again(ctx, func() (int64, error) { return b.q.DeleteTask(ctx, []byte(id)) })
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
	row, err := b.q.GetTask(ctx, []byte(id))
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
	rows, err := b.q.ListDueTasks(ctx, nullTime(&at))
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
	p := mysqldb.UpdateRunTimesParams{
		ID: []byte(id), LastRunAt: nullTime(rt.LastRunAt), NextRunAt: nullTime(rt.NextRunAt),
		UpdatedAt: rt.UpdatedAt,
	}
	n, err := again(ctx, func() (int64, error) { return b.q.UpdateRunTimes(ctx, p) })
	if err != nil {
		return interpret("update run times", id, err)
	}
	if n == 0 { // version = version + 1 changes every matched row: 0 means none matched
		return notFound(id)
	}
	return nil
}

// Clear implements schedstore.Backend.
func (b *Backend) Clear(ctx context.Context) (int64, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return 0, err
	}
	n, err := again(ctx, func() (int64, error) { return b.q.ClearTasks(ctx) })
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
	row, err := b.q.FindTaskByDefinition(ctx, mysqldb.FindTaskByDefinitionParams{
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
			return b.db.Close()
		}
		return nil
	})
}
