package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/flowrra/schedstore"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
)

var _ schedstore.Store = (*Backend)(nil)

// ClaimDue implements schedstore.Store in one statement (UPDATE ...
// RETURNING): SQLite runs one writer at a time, so no row locks are
// needed. A zero now is the caller's clock, which is the database's: SQLite
// runs in-process.
func (b *Backend) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if err := taskrow.CheckClaimArgs(owner, lease, limit); err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = b.now()
	}
	w := taskrow.NewClaimWindow(now, lease, limit)
	nowUs, untilUs := taskrow.Micros(w.Now), taskrow.Micros(w.LeaseUntil)
	rows, err := b.q.ClaimDueTasks(ctx, sqlitedb.ClaimDueTasksParams{
		Owner: &owner, LeaseUntilUs: &untilUs, NowUs: &nowUs, MaxClaims: int64(w.Limit),
	})
	if err != nil {
		return nil, interpret("claim due", "", err)
	}
	return taskrow.Claims(rows, toRow, w)
}

// CompleteClaim implements schedstore.Store: two statements (advance the
// task, record the fire) in one transaction, since SQLite cannot write two
// tables in one statement.
func (b *Backend) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	done, err := taskrow.NewCompletion(c, nextRun, b.now())
	if err != nil {
		return err
	}
	tx, err := b.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE with DSN's settings
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	defer tx.Rollback() // a no-op after Commit
	q := b.q.WithTx(tx)
	scheduledFor, firedAt := taskrow.Micros(done.ScheduledFor), taskrow.Micros(done.FiredAt)
	n, err := q.AdvanceClaimedTask(ctx, sqlitedb.AdvanceClaimedTaskParams{
		ScheduledForUs: &scheduledFor, NextRunAtUs: taskrow.MicrosPtr(done.NextRunAt),
		KeepEnabled: boolInt(done.KeepEnabled), FiredAtUs: firedAt,
		ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
	})
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	if n == 0 { // the token is stale: change nothing
		return taskrow.CompletionResult(c, false, false)
	}
	recorded, err := q.RecordFire(ctx, sqlitedb.RecordFireParams{
		TaskID: c.Task.ID, ScheduledForUs: scheduledFor, Owner: c.Owner, FiredAtUs: firedAt,
	})
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, true, recorded > 0)
}

// ReleaseClaim implements schedstore.Store.
func (b *Backend) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	n, err := b.q.ReleaseClaim(ctx, sqlitedb.ReleaseClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner})
	if err != nil {
		return interpret("release claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, n > 0, true)
}

// Ensure implements schedstore.Store: one statement when it creates, two
// when the definition exists.
func (b *Backend) Ensure(ctx context.Context, t *schedstore.Task) (*schedstore.Task, bool, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, false, err
	}
	r, err := taskrow.ForCreate(t, b.now())
	if err != nil {
		return nil, false, err
	}
	return taskrow.Ensure(ctx, t, r, func(ctx context.Context) (bool, error) {
		n, err := b.q.EnsureTask(ctx, sqlitedb.EnsureTaskParams{
			ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
			Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, EnsureSha256: &r.Fingerprint,
			Enabled: boolInt(r.Enabled), LastRunAtUs: taskrow.MicrosPtr(r.LastRunAt),
			NextRunAtUs: taskrow.MicrosPtr(r.NextRunAt), CreatedAtUs: taskrow.Micros(r.CreatedAt),
			UpdatedAtUs: taskrow.Micros(r.UpdatedAt), Description: r.Description,
			MaxRetries: int64(r.MaxRetries), RetryDelayUs: r.RetryDelayUS, Priority: int64(r.Priority),
		})
		if err != nil {
			return false, interpret("ensure", r.ID, err)
		}
		return n > 0, nil
	}, func(ctx context.Context) (*schedstore.Task, error) {
		return b.FindByDefinition(ctx, t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	})
}

// ListFires implements schedstore.Store.
func (b *Backend) ListFires(ctx context.Context, taskID string, limit int) ([]schedstore.Fire, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	rows, err := b.q.ListFires(ctx, sqlitedb.ListFiresParams{TaskID: taskID, MaxFires: int64(taskrow.FireLimit(limit))})
	if err != nil {
		return nil, interpret("list fires", taskID, err)
	}
	out := make([]schedstore.Fire, len(rows))
	for i, r := range rows {
		out[i] = taskrow.NewFire(r.TaskID, taskrow.FromMicros(r.ScheduledForUs), r.Owner, taskrow.FromMicros(r.FiredAtUs))
	}
	return out, nil
}

// PruneFires implements schedstore.Store.
func (b *Backend) PruneFires(ctx context.Context, olderThan time.Time) (int64, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return 0, err
	}
	if err := schedstore.ValidateTime("olderThan", olderThan); err != nil {
		return 0, err
	}
	n, err := b.q.PruneFires(ctx, taskrow.Micros(taskrow.StrictBound(olderThan)))
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
	us, err := b.q.NextDue(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && us == nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.FromMicros(*us), true, nil
}
