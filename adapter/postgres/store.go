package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/taskrow"
)

var _ schedstore.Store = (*Backend)(nil)

// ClaimDue implements schedstore.Store: one statement picks, locks (FOR
// UPDATE SKIP LOCKED) and leases; a zero now costs one more round trip to
// read the database's clock.
func (b *Backend) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if err := taskrow.CheckClaimArgs(owner, lease, limit); err != nil {
		return nil, err
	}
	if now.IsZero() {
		var err error
		if now, err = b.q.DatabaseNow(ctx); err != nil {
			return nil, interpret("claim due", "", err)
		}
	}
	w := taskrow.NewClaimWindow(now, lease, limit)
	rows, err := b.q.ClaimDueTasks(ctx, pgdb.ClaimDueTasksParams{
		Owner: &owner, LeaseUntil: w.LeaseUntil, Now: w.Now, MaxClaims: w.Limit,
	})
	if err != nil {
		return nil, interpret("claim due", "", err)
	}
	return taskrow.Claims(rows, toRow, w)
}

// CompleteClaim implements schedstore.Store in one statement.
func (b *Backend) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	done, err := taskrow.NewCompletion(c, nextRun, b.now())
	if err != nil {
		return err
	}
	res, err := b.q.CompleteClaim(ctx, pgdb.CompleteClaimParams{
		ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
		ScheduledFor: done.ScheduledFor, NextRunAt: done.NextRunAt, KeepEnabled: done.KeepEnabled,
		FiredAt: done.FiredAt,
	})
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, res.Completed > 0, res.Recorded > 0)
}

// ReleaseClaim implements schedstore.Store.
func (b *Backend) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	n, err := b.q.ReleaseClaim(ctx, pgdb.ReleaseClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner})
	if err != nil {
		return interpret("release claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, n > 0, true)
}

// Ensure implements schedstore.Store: one round trip when it creates, two
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
		n, err := b.q.EnsureTask(ctx, pgdb.EnsureTaskParams{
			ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
			Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, EnsureSha256: &r.Fingerprint,
			Enabled: r.Enabled, LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt,
			UpdatedAt: r.UpdatedAt, Description: r.Description, MaxRetries: r.MaxRetries,
			RetryDelayUs: r.RetryDelayUS, Priority: r.Priority,
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
	lim := taskrow.FireLimit(limit)
	rows, err := b.q.ListFires(ctx, pgdb.ListFiresParams{TaskID: taskID, MaxFires: &lim})
	if err != nil {
		return nil, interpret("list fires", taskID, err)
	}
	out := make([]schedstore.Fire, len(rows))
	for i, r := range rows {
		out[i] = taskrow.NewFire(r.TaskID, r.ScheduledFor, r.Owner, r.FiredAt)
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
	n, err := b.q.PruneFires(ctx, taskrow.StrictBound(olderThan))
	if err != nil {
		return 0, fmt.Errorf("schedstore: postgres prune fires: %w", err)
	}
	return n, nil
}

// NextDue implements schedstore.Store.
func (b *Backend) NextDue(ctx context.Context) (time.Time, bool, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return time.Time{}, false, err
	}
	at, err := b.q.NextDue(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at), true, nil
}
