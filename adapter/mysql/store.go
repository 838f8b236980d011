package mysql

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
)

var _ schedstore.Store = (*Backend)(nil)

// Ensure implements schedstore.Store: one round trip when the definition
// exists, two when it creates. The lookup comes first, as a plain read:
// letting the INSERT check (INSERT ... SELECT ... WHERE NOT EXISTS) would
// take shared gap locks that concurrent Ensure calls deadlock on. Between
// those calls the unique ensure key still decides: the losers' inserts fail
// with 1062 (ErrAlreadyExists), which taskrow.Ensure answers by looking the
// definition up again.
func (b *Backend) Ensure(ctx context.Context, t *schedstore.Task) (*schedstore.Task, bool, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, false, err
	}
	r, err := taskrow.ForCreate(t, b.now())
	if err != nil {
		return nil, false, err
	}
	find := func(ctx context.Context) (*schedstore.Task, error) {
		return b.FindByDefinition(ctx, t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	}
	if existing, err := find(ctx); !errors.Is(err, schedstore.ErrNotFound) {
		return existing, false, err
	}
	p := mysqldb.EnsureTaskParams{
		ID: []byte(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: nullTime(r.LastRunAt), NextRunAt: nullTime(r.NextRunAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Description: r.Description,
		MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS, Priority: r.Priority,
		// The unique key that decides between concurrent Ensure calls.
		EnsureSha256: sql.NullString{String: r.Fingerprint, Valid: true},
	}
	return taskrow.Ensure(ctx, t, r, func(ctx context.Context) (bool, error) {
		n, err := again(ctx, func() (int64, error) { return b.q.EnsureTask(ctx, p) })
		if err != nil {
			return false, interpret("ensure", r.ID, err)
		}
		return n > 0, nil
	}, find)
}

// ListFires implements schedstore.Store.
func (b *Backend) ListFires(ctx context.Context, taskID string, limit int) ([]schedstore.Fire, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	rows, err := b.q.ListFires(ctx, mysqldb.ListFiresParams{TaskID: []byte(taskID), Limit: taskrow.FireLimit(limit)})
	if err != nil {
		return nil, interpret("list fires", taskID, err)
	}
	out := make([]schedstore.Fire, len(rows))
	for i, r := range rows {
		out[i] = taskrow.NewFire(string(r.TaskID), r.ScheduledFor, r.Owner, r.FiredAt)
	}
	return out, nil
}

// PruneFires implements schedstore.Store. A range DELETE can lose a
// deadlock to RecordFire's inserts; again reruns it.
func (b *Backend) PruneFires(ctx context.Context, olderThan time.Time) (int64, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return 0, err
	}
	if err := schedstore.ValidateTime("olderThan", olderThan); err != nil {
		return 0, err
	}
	cutoff := taskrow.StrictBound(olderThan) // rounds up: fired_at < olderThan
	n, err := again(ctx, func() (int64, error) { return b.q.PruneFires(ctx, cutoff) })
	if err != nil {
		return 0, interpret("prune fires", "", err)
	}
	return n, nil
}

// NextDue implements schedstore.Store.
func (b *Backend) NextDue(ctx context.Context) (time.Time, bool, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return time.Time{}, false, err
	}
	at, err := b.q.NextDue(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at.Time), at.Valid, nil
}
