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

// dialect is core.Dialect on MySQL and MariaDB. Every write that InnoDB
// may pick as a deadlock victim runs through again. MySQL has no UPDATE
// ... RETURNING, so ClaimDue and CompleteClaim are short transactions.
// generated is the part of dialect that core implements once for every
// dialect, over this one's generated types.
type generated = core.Generated[[]byte, mysqldb.ScheduledTask, sql.NullTime, mysqldb.CreateTaskParams, mysqldb.UpdateTaskParams, mysqldb.FindTaskByDefinitionParams]

type dialect struct {
	// The methods of the same shape in every dialect.
	generated

	db    *sql.DB
	q     *mysqldb.Queries
	owned bool // Close closes db
}

func newStore(db *sql.DB, owned bool) *Store {
	q := mysqldb.New(db)
	d := &dialect{db: db, q: q, owned: owned, generated: generated{
		Q: q, ID: func(id string) []byte { return []byte(id) }, ToRow: toRow, Interpret: interpret,
		CreateParams: createParams, UpdateParams: updateParams, FindParams: findParams, Retry: again[int64],
		Cutoff: func(t time.Time) sql.NullTime { return nullTime(&t) },
	}}
	return &Store{core.NewHandle(core.New(d, core.Options{EnsureLooksUpFirst: true}), db)}
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
	rows, err := again(ctx, func() ([]taskrow.Row, error) { return d.claimDue(ctx, owner, w) })
	return rows, interpret("claim due", "", err)
}

func (d *dialect) claimDue(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // a no-op after Commit
	q := d.q.WithTx(tx)
	// The distinct priorities (a loose index scan), so the locking read is
	// one range of scheduled_tasks_claim_idx per priority, in the claim's
	// order: it stops at LIMIT rows and locks only what it reads (see
	// queries/mysql/claims.sql). ClaimClock read them with the clock;
	// a window without them reads them here. No enabled task: nothing to
	// claim, and the commit below still ends the transaction.
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
	// With no rows picked, committing still ends the transaction's gap locks.
	return rows, tx.Commit()
}

// CompleteClaims is one transaction: per completion, advance the task if
// its token is current, then record the fire; two round trips each. A
// deadlock reruns it whole.
func (d *dialect) CompleteClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	done, err := again(ctx, func() ([]taskrow.Completed, error) { return d.completeClaims(ctx, owner, batch) })
	return done, interpret("complete claims", "", err)
}

func (d *dialect) completeClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // a no-op after Commit
	q := d.q.WithTx(tx)
	by := sql.NullString{String: owner, Valid: true}
	done, err := core.CompleteEach(batch, func(c taskrow.Completion) (int64, error) {
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
	if err != nil {
		return nil, err
	}
	// Committed even when the ledger had an occurrence already: the task
	// still advances and its lease is released (ErrAlreadyFired says so).
	return done, tx.Commit()
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
	held := make(map[string]int64, len(rows))
	for _, r := range rows {
		held[string(r.ID)] = r.LeaseToken
	}
	return held, nil
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

// EnsureTask: the store looks the definition up first (see
// core.Options.EnsureLooksUpFirst); between concurrent calls the unique
// ensure key still decides, and the losers' inserts fail with 1062
// (ErrAlreadyExists).
func (d *dialect) EnsureTask(ctx context.Context, r taskrow.Row) (bool, error) {
	p := ensureParams(r)
	n, err := again(ctx, func() (int64, error) { return d.q.EnsureTask(ctx, p) })
	return n > 0, interpret("ensure", r.ID, err)
}

func (d *dialect) ListFires(ctx context.Context, taskID string, limit int32) ([]schedstore.Fire, error) {
	rows, err := d.q.ListFires(ctx, mysqldb.ListFiresParams{TaskID: []byte(taskID), Limit: limit})
	if err != nil {
		return nil, interpret("list fires", taskID, err)
	}
	return taskrow.FiresFrom(rows, toFire), nil
}

// PruneFires: a range DELETE can lose a deadlock to RecordFire's inserts.
func (d *dialect) PruneFires(ctx context.Context, before time.Time) (int64, error) {
	n, err := again(ctx, func() (int64, error) { return d.q.PruneFires(ctx, before) })
	return n, interpret("prune fires", "", err)
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

func (d *dialect) Close() error {
	if d.owned {
		return d.db.Close()
	}
	return nil
}

// ListTasksPage is one statement (ListTasksPage): a range of
// scheduled_tasks_created_idx read in order. The zero Cursor is the zero
// time and "", before every storable task.
func (d *dialect) ListTasksPage(ctx context.Context, after schedstore.Cursor, limit int32) ([]*schedstore.Task, error) {
	rows, err := d.q.ListTasksPage(ctx, mysqldb.ListTasksPageParams{AfterCreatedAt: after.CreatedAt, AfterID: []byte(after.ID), Limit: limit})
	if err != nil {
		return nil, interpret("list page", "", err)
	}
	return taskrow.TasksFrom(rows, toRow)
}

// ClaimClock is one statement, whichever the clock: the database's now
// (UTC) unless the caller passed one, a look at the queue, and the
// distinct priorities of enabled tasks (ClaimClock, ClaimClockAt), so that
// ClaimDue's transaction spends no round trip on them. An empty table
// gives no row, and no request can be queued then; only the database's
// now costs a second statement.
func (d *dialect) ClaimClock(ctx context.Context, now time.Time) (core.ClaimStart, error) {
	start := core.ClaimStart{Now: now}
	var pairs []mysqldb.ClaimPrioritiesRow
	if now.IsZero() {
		rows, err := d.q.ClaimClock(ctx)
		if err != nil {
			return core.ClaimStart{}, interpret("claim due", "", err)
		}
		for _, r := range rows {
			start.Now, start.RequestsDue = r.Now, r.RequestsDue
			pairs = append(pairs, mysqldb.ClaimPrioritiesRow{Enabled: r.Enabled, Priority: r.Priority})
		}
		if len(rows) == 0 {
			if start.Now, err = d.DatabaseNow(ctx); err != nil {
				return core.ClaimStart{}, err
			}
		}
	} else {
		rows, err := d.q.ClaimClockAt(ctx, now)
		if err != nil {
			return core.ClaimStart{}, interpret("claim due", "", err)
		}
		for _, r := range rows {
			start.RequestsDue = r.RequestsDue
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
