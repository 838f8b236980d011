package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// generated and ledger are the parts of dialect that core implements once
// for every dialect, over this one's generated types.
type generated = core.Generated[[]byte, mysqldb.ScheduledTask, sql.NullTime, mysqldb.CreateTaskParams, mysqldb.UpdateTaskParams,
	mysqldb.FindTaskByDefinitionParams, mysqldb.EnsureTaskParams, mysqldb.ListTasksPageParams]
type ledger = core.Ledger[mysqldb.ScheduledTaskFire, mysqldb.ListFiresParams, time.Time]

// dialect is core.Dialect on MySQL and MariaDB. Every write that InnoDB
// may pick as a deadlock victim runs through again. MySQL has no UPDATE
// ... RETURNING, so ClaimDue, CompleteClaims and QueueRequests are short
// transactions, and LeaseForRequest and RenewLeases two statements.
type dialect struct {
	generated
	ledger
	db *sql.DB
	q  *mysqldb.Queries
}

// newStore: owned says whether Close closes db. Every write that can lose
// a deadlock runs through again.
func newStore(db *sql.DB, owned bool) *Store {
	q, calls := mysqldb.New(db), core.Calls{Interpret: interpret, Retry: again[int64]}
	d := &dialect{db: db, q: q, generated: generated{
		Calls: calls, Q: q, ID: func(id string) []byte { return []byte(id) }, ToRow: toRow,
		Cutoff:       func(t time.Time) sql.NullTime { return nullTime(&t) },
		CreateParams: createParams, UpdateParams: updateParams, FindParams: findParams, EnsureParams: ensureParams,
		PageParams: pageParams,
	}, ledger: ledger{Calls: calls, Q: q, ToFire: toFire, FiresParams: firesParams, Stamp: func(t time.Time) time.Time { return t }}}
	opts := core.Options{EnsureLooksUpFirst: true, Close: core.CloseIf(owned, db.Close)}
	return &Store{core.NewHandle(core.New(d, opts), db)}
}

var _ core.Dialect = (*dialect)(nil)

// UpdateRunTimes: version = version + 1 changes every matched row, so the
// count is of matched rows.
func (d *dialect) UpdateRunTimes(ctx context.Context, id string, rt taskrow.RunTimes) (int64, error) {
	p := mysqldb.UpdateRunTimesParams{
		ID: []byte(id), LastRunAt: nullTime(rt.LastRunAt), NextRunAt: nullTime(rt.NextRunAt),
		UpdatedAt: rt.UpdatedAt,
	}
	n, err := again(ctx, func() (int64, error) { return d.q.UpdateRunTimes(ctx, p) })
	return n, interpret("update run times", id, err)
}

// DatabaseNow is UTC: Open sets the session's time_zone.
func (d *dialect) DatabaseNow(ctx context.Context) (time.Time, error) {
	now, err := d.q.DatabaseNow(ctx)
	return now, interpret("claim due", "", err)
}

// ClaimDue is a short transaction: select and lock the due rows (FOR
// UPDATE SKIP LOCKED), lease them, commit. A deadlock reruns it whole.
// The window's priorities, which ClaimClock read, say which ranges to
// read; without them the transaction reads them first (ClaimPriorities).
func (d *dialect) ClaimDue(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	if w.Priorities != nil && len(w.Priorities) == 0 {
		return nil, nil // no enabled task when ClaimClock looked
	}
	rows, err := again(ctx, func() ([]taskrow.Row, error) {
		// With no rows picked, committing still ends the transaction's gap locks.
		return core.InTx(ctx, d.db, d.q.WithTx, func(q *mysqldb.Queries) ([]taskrow.Row, error) {
			return claimDue(ctx, q, owner, w)
		})
	})
	return rows, interpret("claim due", "", err)
}

func claimDue(ctx context.Context, q *mysqldb.Queries, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	// The distinct priorities (a loose index scan), so the locking read is
	// one range of scheduled_tasks_claim_idx per priority, in the claim's
	// order: it stops at LIMIT rows and locks only what it reads (see
	// queries/mysql/claims.sql). ClaimClock read them with the clock;
	// a window without them reads them here. No enabled task: nothing to
	// claim, and InTx's commit still ends the transaction.
	prios := w.Priorities
	if prios == nil {
		pairs, err := q.ClaimPriorities(ctx)
		if err != nil {
			return nil, err
		}
		prios = enabledPriorities(pairs)
	}
	var picked []mysqldb.ScheduledTask
	if len(prios) > 0 {
		var err error
		picked, err = q.SelectDueForClaim(ctx, mysqldb.SelectDueForClaimParams{Priorities: prios, Now: nullTime(&w.Now), Limit: w.Limit})
		if err != nil {
			return nil, err
		}
	}
	// The claims are the picked rows with the lease applied here, exactly
	// as LeaseTasks writes it: the row locks keep anyone else from changing
	// them in between.
	rows := make([]taskrow.Row, len(picked))
	ids := make([][]byte, len(picked))
	for i, p := range picked {
		rows[i] = toRow(p)
		rows[i].LeaseOwner = owner
		rows[i].LeaseToken = p.LeaseToken + 1
		rows[i].AttemptKind, rows[i].AttemptFor = "", rows[i].NextRunAt // a scheduled occurrence
		// The attempt count as LeaseTasks writes it: on from an earlier
		// claim of the same occurrence, else 1.
		if p.AttemptFor.Valid && p.NextRunAt.Valid && p.AttemptFor.Time.Equal(p.NextRunAt.Time) {
			rows[i].Attempts++
		} else {
			rows[i].Attempts, rows[i].FirstAttemptAt = 1, &w.Now
		}
		ids[i] = p.ID
	}
	if len(ids) > 0 {
		n, err := q.LeaseTasks(ctx, mysqldb.LeaseTasksParams{
			Owner: sql.NullString{String: owner, Valid: true}, LeaseUntil: nullTime(&w.LeaseUntil),
			Now: nullTime(&w.Now), Ids: ids,
		})
		if err != nil {
			return nil, err
		}
		// lease_token changes on every row, so n counts matched rows even
		// without clientFoundRows; fewer would mean the claims lie.
		if n != int64(len(ids)) {
			return nil, fmt.Errorf("leased %d of %d locked rows", n, len(ids))
		}
	}
	return rows, nil
}

// CompleteClaims is one transaction of core.CompleteEach's statements: per
// completion, advance the task if its token is current, then record the
// fire and delete the occurrence from the queue of requests, requested or
// not (one more record when occurrences were skipped), a round trip each;
// BEGIN and COMMIT are two more per batch. A deadlock reruns it whole. It
// commits even when the ledger had an occurrence already: the task still
// advances and its lease is released (ErrAlreadyFired says so).
func (d *dialect) CompleteClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	done, err := again(ctx, func() ([]taskrow.Completed, error) {
		return core.InTx(ctx, d.db, d.q.WithTx, func(q *mysqldb.Queries) ([]taskrow.Completed, error) {
			return completeEach(ctx, q, owner, batch)
		})
	})
	return done, interpret("complete claims", "", err)
}

func completeEach(ctx context.Context, q *mysqldb.Queries, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	by := sql.NullString{String: owner, Valid: true}
	return core.CompleteEach(batch, func(c taskrow.Completion) (int64, error) {
		// AdvanceClaimedTask bumps version, so a matched row always counts.
		return q.AdvanceClaimedTask(ctx, mysqldb.AdvanceClaimedTaskParams{
			ScheduledFor: nullTime(&c.ScheduledFor), NextRunAt: nullTime(c.NextRunAt),
			KeepEnabled: c.KeepEnabled, FinishedAt: c.FinishedAt,
			ID: []byte(c.ID), LeaseToken: c.Token, Owner: by,
		})
	}, func(c taskrow.Completion) (int64, error) {
		started := nullTime(&c.StartedAt)
		started.Valid = !c.StartedAt.IsZero() // a skipped row never started
		return q.RecordFire(ctx, mysqldb.RecordFireParams{
			TaskID: []byte(c.ID), ScheduledFor: c.ScheduledFor, Owner: owner, StartedAt: started,
			FinishedAt: c.FinishedAt, Status: c.Status, Attempts: c.Attempts, Error: c.Error,
			Kind: c.Kind, Occurrences: c.Occurrences, LastScheduledFor: nullTime(&c.LastScheduledFor),
		})
	}, func(c taskrow.Completion) (int64, error) {
		return q.DeleteRequest(ctx, mysqldb.DeleteRequestParams{TaskID: []byte(c.ID), ScheduledFor: c.ScheduledFor})
	})
}

// RenewLeases is two statements: extend what owner holds among ids, then
// read the tokens back. No transaction is needed: a lease just extended
// cannot pass to anyone before the read.
func (d *dialect) RenewLeases(ctx context.Context, owner string, ids []string, lease time.Duration) (map[string]int64, error) {
	keys := make([][]byte, len(ids))
	for i, id := range ids {
		keys[i] = []byte(id)
	}
	by := sql.NullString{String: owner, Valid: true}
	_, err := again(ctx, func() (int64, error) {
		return d.q.RenewLeases(ctx, mysqldb.RenewLeasesParams{LeaseUs: lease.Microseconds(), Owner: by, Ids: keys})
	})
	if err != nil {
		return nil, interpret("renew claims", "", err)
	}
	rows, err := d.q.LeasesHeld(ctx, mysqldb.LeasesHeldParams{Owner: by, Ids: keys})
	if err != nil {
		return nil, interpret("renew claims", "", err)
	}
	return core.Held(rows, func(r mysqldb.LeasesHeldRow) (string, int64) { return string(r.ID), r.LeaseToken }), nil
}

func (d *dialect) StartRetry(ctx context.Context, c schedstore.Claim) (bool, error) {
	at := taskrow.Time(c.ScheduledFor)
	p := mysqldb.StartRetryParams{ID: []byte(c.Task.ID), LeaseToken: c.Token,
		Owner: sql.NullString{String: c.Owner, Valid: true}, ScheduledFor: nullTime(&at)}
	n, err := again(ctx, func() (int64, error) { return d.q.StartRetry(ctx, p) })
	return n > 0, interpret("start retry", c.Task.ID, err)
}

// ReleaseClaim: clearing lease_owner changes any row that matched, so the
// count holds without clientFoundRows.
func (d *dialect) ReleaseClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	p := mysqldb.ReleaseClaimParams{
		ID: []byte(c.Task.ID), LeaseToken: c.Token, Owner: sql.NullString{String: c.Owner, Valid: true},
	}
	n, err := again(ctx, func() (int64, error) { return d.q.ReleaseClaim(ctx, p) })
	return n > 0, interpret("release claim", c.Task.ID, err)
}

// ReturnClaim: as ReleaseClaim, clearing lease_owner changes any row that
// matched. A deadlock reruns it.
func (d *dialect) ReturnClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	at := taskrow.Time(c.ScheduledFor)
	p := mysqldb.ReturnClaimParams{ID: []byte(c.Task.ID), LeaseToken: c.Token,
		Owner: sql.NullString{String: c.Owner, Valid: true}, ScheduledFor: nullTime(&at)}
	n, err := again(ctx, func() (int64, error) { return d.q.ReturnClaim(ctx, p) })
	return n > 0, interpret("return claim", c.Task.ID, err)
}

// SetPause is one statement, version-checked (version = version + 1
// changes every matched row, so a match counts as affected). A deadlock
// reruns it.
func (d *dialect) SetPause(ctx context.Context, id string, p taskrow.PauseState, expectedVersion int64) (int64, error) {
	params := mysqldb.SetTaskPauseParams{ID: []byte(id), Enabled: p.Enabled, NextRunAt: nullTime(p.NextRunAt),
		PausedAt: nullTime(p.PausedAt), PauseReason: p.PauseReason, UpdatedAt: p.UpdatedAt, ExpectedVersion: expectedVersion}
	n, err := again(ctx, func() (int64, error) { return d.q.SetTaskPause(ctx, params) })
	return n, interpret("set pause", id, err)
}

func (d *dialect) NextDue(ctx context.Context) (time.Time, bool, error) {
	at, err := d.q.NextDue(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at.Time), at.Valid, nil
}

// ClaimClock is one statement, whichever the clock: the database's now
// (UTC) unless the caller passed one, a look at the queue, whether a task
// is due, and the distinct priorities of enabled tasks (ClaimClock,
// ClaimClockAt), so that ClaimDue's transaction spends no round trip on
// them, and is not begun when no task is due. An empty table gives no row,
// and no request can be queued then; only the database's now costs a
// second statement.
func (d *dialect) ClaimClock(ctx context.Context, now time.Time) (core.ClaimStart, error) {
	start := core.ClaimStart{Now: now}
	var pairs []mysqldb.ClaimPrioritiesRow
	if now.IsZero() {
		rows, err := d.q.ClaimClock(ctx)
		if err != nil {
			return core.ClaimStart{}, interpret("claim due", "", err)
		}
		for _, r := range rows {
			start.Now, start.RequestsDue, start.TasksDue = r.Now, r.RequestsDue, r.TasksDue
			pairs = append(pairs, mysqldb.ClaimPrioritiesRow{Enabled: r.Enabled, Priority: r.Priority})
		}
		if len(rows) == 0 {
			if start.Now, err = d.DatabaseNow(ctx); err != nil {
				return core.ClaimStart{}, err
			}
		}
	} else {
		rows, err := d.q.ClaimClockAt(ctx, mysqldb.ClaimClockAtParams{Now: now, DueAt: nullTime(&now)})
		if err != nil {
			return core.ClaimStart{}, interpret("claim due", "", err)
		}
		for _, r := range rows {
			start.RequestsDue, start.TasksDue = r.RequestsDue, r.TasksDue
			pairs = append(pairs, mysqldb.ClaimPrioritiesRow{Enabled: r.Enabled, Priority: r.Priority})
		}
	}
	start.Priorities = enabledPriorities(pairs)
	return start, nil
}

// enabledPriorities are the priorities of the enabled pairs, never nil
// (taskrow.ClaimWindow.Priorities: empty is "no enabled task").
func enabledPriorities(pairs []mysqldb.ClaimPrioritiesRow) []int32 {
	prios := make([]int32, 0, len(pairs))
	for _, p := range pairs {
		if p.Enabled {
			prios = append(prios, p.Priority)
		}
	}
	return prios
}
