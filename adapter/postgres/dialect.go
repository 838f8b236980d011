package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// generated and ledger are the parts of dialect that core implements once
// for every dialect, over this one's generated types.
type generated = core.Generated[string, pgdb.ScheduledTask, *time.Time, pgdb.CreateTaskParams, pgdb.UpdateTaskParams,
	pgdb.FindTaskByDefinitionParams, pgdb.EnsureTaskParams, pgdb.ListTasksPageParams]

type ledger = core.Ledger[pgdb.ScheduledTaskFire, pgdb.ListFiresParams, time.Time]

// dialect is core.Dialect on PostgreSQL: every method is one statement,
// so one round trip, but QueueRequests (one transaction of a statement per
// occurrence).
type dialect struct {
	generated
	ledger
	pool *pgxpool.Pool
	q    *pgdb.Queries
}

// newStore: owned says whether Close closes pool.
func newStore(pool *pgxpool.Pool, owned bool) *Store {
	q, calls := pgdb.New(pool), core.Calls{Interpret: interpret}
	d := &dialect{pool: pool, q: q, generated: generated{
		Calls: calls, Q: q, ID: core.TextID, ToRow: toRow, Cutoff: func(t time.Time) *time.Time { return &t },
		CreateParams: createParams, UpdateParams: updateParams, FindParams: findParams, EnsureParams: ensureParams,
		PageParams: pageParams,
	}, ledger: ledger{Calls: calls, Q: q, ToFire: toFire, FiresParams: firesParams, Stamp: func(t time.Time) time.Time { return t }}}
	closePool := func() error { pool.Close(); return nil }
	return &Store{core.NewHandle(core.New(d, core.Options{Close: core.CloseIf(owned, closePool)}), pool)}
}

var _ core.Dialect = (*dialect)(nil)

func (d *dialect) UpdateRunTimes(ctx context.Context, id string, rt taskrow.RunTimes) (int64, error) {
	n, err := d.q.UpdateRunTimes(ctx, pgdb.UpdateRunTimesParams{
		ID: id, LastRunAt: rt.LastRunAt, NextRunAt: rt.NextRunAt, UpdatedAt: rt.UpdatedAt,
	})
	return n, interpret("update run times", id, err)
}

func (d *dialect) DatabaseNow(ctx context.Context) (time.Time, error) {
	now, err := d.q.DatabaseNow(ctx)
	return now, interpret("claim due", "", err)
}

// ClaimDue is one statement that picks, locks (FOR UPDATE SKIP LOCKED) and
// leases.
func (d *dialect) ClaimDue(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	rows, err := d.q.ClaimDueTasks(ctx, pgdb.ClaimDueTasksParams{
		Owner: &owner, LeaseUntil: w.LeaseUntil, Now: w.Now, MaxClaims: w.Limit,
	})
	return toRows(rows), interpret("claim due", "", err)
}

// CompleteClaims is one statement for the whole batch: a CTE over parallel
// arrays advances the tasks and records the fires.
func (d *dialect) CompleteClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	p := pgdb.CompleteClaimsParams{Owner: &owner}
	for _, c := range batch {
		next := c.ScheduledFor // a placeholder where KeepEnabled is false: arrays hold no NULL here
		if c.NextRunAt != nil {
			next = *c.NextRunAt
		}
		p.Ids = append(p.Ids, c.ID)
		p.Tokens = append(p.Tokens, c.Token)
		p.ScheduledFors = append(p.ScheduledFors, c.ScheduledFor)
		p.NextRunAts = append(p.NextRunAts, next)
		p.KeepEnableds = append(p.KeepEnableds, c.KeepEnabled)
		p.Statuses = append(p.Statuses, c.Status)
		p.AttemptCounts = append(p.AttemptCounts, c.Attempts)
		p.StartedAts = append(p.StartedAts, c.StartedAt)
		p.FinishedAts = append(p.FinishedAts, c.FinishedAt)
		p.Errors = append(p.Errors, c.Error)
		p.Kinds = append(p.Kinds, c.Kind)
		p.OccurrenceCounts = append(p.OccurrenceCounts, c.Occurrences)
		p.LastScheduledFors = append(p.LastScheduledFors, c.LastScheduledFor)
		skippedFirst, skippedLast := c.SkippedFirst, c.SkippedLast
		if c.SkippedCount == 0 { // placeholders: the array holds no NULL here
			skippedFirst, skippedLast = c.ScheduledFor, c.ScheduledFor
		}
		p.SkippedFirsts = append(p.SkippedFirsts, skippedFirst)
		p.SkippedLasts = append(p.SkippedLasts, skippedLast)
		p.SkippedCounts = append(p.SkippedCounts, c.SkippedCount)
	}
	rows, err := d.q.CompleteClaims(ctx, p)
	if err != nil {
		return nil, interpret("complete claims", "", err)
	}
	return core.MatchCompleted(batch, len(rows), func(i int) (string, int64, bool) {
		return rows[i].ID, rows[i].LeaseToken, rows[i].Recorded
	}), nil
}

// RenewLeases is one statement.
func (d *dialect) RenewLeases(ctx context.Context, owner string, ids []string, lease time.Duration) (map[string]int64, error) {
	rows, err := d.q.RenewLeases(ctx, pgdb.RenewLeasesParams{LeaseSeconds: lease.Seconds(), Owner: &owner, Ids: ids})
	if err != nil {
		return nil, interpret("renew claims", "", err)
	}
	return core.Held(rows, func(r pgdb.RenewLeasesRow) (string, int64) { return r.ID, r.LeaseToken }), nil
}

func (d *dialect) StartRetry(ctx context.Context, c schedstore.Claim) (bool, error) {
	n, err := d.q.StartRetry(ctx, pgdb.StartRetryParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
		ScheduledFor: taskrow.Time(c.ScheduledFor)})
	return n > 0, interpret("start retry", c.Task.ID, err)
}

func (d *dialect) ReleaseClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	n, err := d.q.ReleaseClaim(ctx, pgdb.ReleaseClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner})
	return n > 0, interpret("release claim", c.Task.ID, err)
}

func (d *dialect) ReturnClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	n, err := d.q.ReturnClaim(ctx, pgdb.ReturnClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
		ScheduledFor: taskrow.Time(c.ScheduledFor)})
	return n > 0, interpret("return claim", c.Task.ID, err)
}

// SetPause is one statement, version-checked.
func (d *dialect) SetPause(ctx context.Context, id string, p taskrow.PauseState, expectedVersion int64) (int64, error) {
	n, err := d.q.SetTaskPause(ctx, pgdb.SetTaskPauseParams{ID: id, Enabled: p.Enabled, NextRunAt: p.NextRunAt,
		PausedAt: p.PausedAt, PauseReason: p.PauseReason, UpdatedAt: p.UpdatedAt, ExpectedVersion: expectedVersion})
	return n, interpret("set pause", id, err)
}

func (d *dialect) NextDue(ctx context.Context) (time.Time, bool, error) {
	at, err := d.q.NextDue(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at), true, nil
}

// ClaimClock is one statement, whichever the clock: the database's now
// (ClaimClock) or the caller's (ClaimClockAt), whether a request is due at
// it and whether a task is; ClaimDueTasks finds the priorities itself.
func (d *dialect) ClaimClock(ctx context.Context, now time.Time) (core.ClaimStart, error) {
	if !now.IsZero() {
		r, err := d.q.ClaimClockAt(ctx, now)
		return core.ClaimStart{Now: now, RequestsDue: r.RequestsDue, TasksDue: r.TasksDue}, interpret("claim due", "", err)
	}
	r, err := d.q.ClaimClock(ctx)
	return core.ClaimStart{Now: r.Now, RequestsDue: r.RequestsDue, TasksDue: r.TasksDue}, interpret("claim due", "", err)
}
