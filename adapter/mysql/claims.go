package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// ClaimDue implements schedstore.Store. MySQL has no UPDATE ... RETURNING,
// so it is a short transaction: select and lock the due rows (FOR UPDATE
// SKIP LOCKED), lease them, commit. A deadlock reruns it whole.
func (b *Backend) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	if err := b.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if err := taskrow.CheckClaimArgs(owner, lease, limit); err != nil {
		return nil, err
	}
	return again(ctx, func() ([]schedstore.Claim, error) { return b.claimDue(ctx, owner, now, lease, limit) })
}

func (b *Backend) claimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, interpret("claim due", "", err)
	}
	defer tx.Rollback() // a no-op after Commit
	q := b.q.WithTx(tx)
	if now.IsZero() {
		if now, err = q.DatabaseNow(ctx); err != nil { // UTC: Open sets time_zone
			return nil, interpret("claim due", "", err)
		}
	}
	w := taskrow.NewClaimWindow(now, lease, limit)
	// The distinct priorities first (a loose index scan), so the locking
	// read is one range of scheduled_tasks_claim_idx per priority, in the
	// claim's order: it stops at LIMIT rows and locks only what it reads
	// (see queries/mysql/claims.sql). No enabled task: nothing to claim,
	// and the commit below still ends the transaction.
	pairs, err := q.ClaimPriorities(ctx)
	if err != nil {
		return nil, interpret("claim due", "", err)
	}
	var prios []int32
	for _, p := range pairs {
		if p.Enabled {
			prios = append(prios, p.Priority)
		}
	}
	var picked []mysqldb.ScheduledTask
	if len(prios) > 0 {
		picked, err = q.SelectDueForClaim(ctx, mysqldb.SelectDueForClaimParams{Priorities: prios, Now: nullTime(&w.Now), Limit: w.Limit})
	}
	if err != nil {
		return nil, interpret("claim due", "", err)
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
		ids[i] = p.ID
	}
	if len(ids) > 0 {
		n, err := q.LeaseTasks(ctx, mysqldb.LeaseTasksParams{
			Owner: sql.NullString{String: owner, Valid: true}, LeaseUntil: nullTime(&w.LeaseUntil), Ids: ids,
		})
		if err != nil {
			return nil, interpret("claim due", "", err)
		}
		// lease_token changes on every row, so n counts matched rows even
		// without clientFoundRows; fewer would mean the claims lie.
		if n != int64(len(ids)) {
			return nil, fmt.Errorf("schedstore: mysql claim due: leased %d of %d locked rows", n, len(ids))
		}
	}
	// With no rows picked, committing still ends the transaction's gap locks.
	if err := tx.Commit(); err != nil {
		return nil, interpret("claim due", "", err)
	}
	return taskrow.Claims(rows, func(r taskrow.Row) taskrow.Row { return r }, w)
}

// CompleteClaim implements schedstore.Store in one transaction: advance
// the task if the token is current, then record the fire. A deadlock
// reruns it whole.
func (b *Backend) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	done, err := taskrow.NewCompletion(c, nextRun, b.now())
	if err != nil {
		return err
	}
	_, err = again(ctx, func() (struct{}, error) { return struct{}{}, b.complete(ctx, c, done) })
	return err
}

func (b *Backend) complete(ctx context.Context, c schedstore.Claim, done taskrow.Completion) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	defer tx.Rollback() // a no-op after Commit
	q := b.q.WithTx(tx)
	id := []byte(c.Task.ID)
	// AdvanceClaimedTask bumps version, so a matched row always counts.
	advanced, err := q.AdvanceClaimedTask(ctx, mysqldb.AdvanceClaimedTaskParams{
		ScheduledFor: nullTime(&done.ScheduledFor), NextRunAt: nullTime(done.NextRunAt),
		KeepEnabled: done.KeepEnabled, FiredAt: done.FiredAt,
		ID: id, LeaseToken: c.Token, Owner: sql.NullString{String: c.Owner, Valid: true},
	})
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	if advanced == 0 {
		return taskrow.CompletionResult(c, false, false) // rolled back: nothing was written
	}
	recorded, err := q.RecordFire(ctx, mysqldb.RecordFireParams{
		TaskID: id, ScheduledFor: done.ScheduledFor, Owner: c.Owner, FiredAt: done.FiredAt,
	})
	if err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	// Committed even when the ledger had the occurrence already: the task
	// still advances and its lease is released (ErrAlreadyFired says so).
	if err := tx.Commit(); err != nil {
		return interpret("complete claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, true, recorded > 0)
}

// ReleaseClaim implements schedstore.Store. Clearing lease_owner changes
// any row that matched, so the count holds without clientFoundRows.
func (b *Backend) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	if err := b.guard.Enter(ctx); err != nil {
		return err
	}
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	p := mysqldb.ReleaseClaimParams{
		ID: []byte(c.Task.ID), LeaseToken: c.Token, Owner: sql.NullString{String: c.Owner, Valid: true},
	}
	n, err := again(ctx, func() (int64, error) { return b.q.ReleaseClaim(ctx, p) })
	if err != nil {
		return interpret("release claim", c.Task.ID, err)
	}
	return taskrow.CompletionResult(c, n > 0, true)
}
