package postgres

import (
	"context"
	"time"

	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func (d *dialect) RequestCandidates(ctx context.Context, now time.Time, limit int32) ([]core.Candidate, error) {
	rows, err := d.q.RequestCandidates(ctx, pgdb.RequestCandidatesParams{Now: now, MaxRequests: limit})
	return taskrow.Map(rows, func(c pgdb.RequestCandidatesRow) core.Candidate {
		return core.Candidate{TaskID: c.TaskID, ScheduledFor: c.ScheduledFor, Kind: c.Kind}
	}), interpret("claim requests", "", err)
}

// LeaseForRequest is one statement (UPDATE ... RETURNING).
func (d *dialect) LeaseForRequest(ctx context.Context, owner string, w taskrow.ClaimWindow, c core.Candidate) (taskrow.Row, bool, error) {
	leased, err := d.q.LeaseForRequest(ctx, pgdb.LeaseForRequestParams{
		Owner: &owner, LeaseUntil: w.LeaseUntil, RequestFor: c.ScheduledFor, Now: w.Now, RequestKind: &c.Kind, ID: c.TaskID,
	})
	if err != nil || len(leased) == 0 {
		return taskrow.Row{}, false, interpret("claim requests", c.TaskID, err)
	}
	return toRow(leased[0]), true, nil
}

// QueueRequests is one transaction of one statement per occurrence.
func (d *dialect) QueueRequests(ctx context.Context, taskID, kind string, requestedAt time.Time, at []time.Time) ([]time.Time, error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return nil, interpret("queue requests", taskID, err)
	}
	defer tx.Rollback(ctx) // a no-op after Commit
	q := d.q.WithTx(tx)
	queued, err := core.QueueEach(at, func(a time.Time) (int64, error) {
		return q.QueueRequest(ctx, pgdb.QueueRequestParams{TaskID: taskID, ScheduledFor: a, Kind: kind, RequestedAt: requestedAt})
	})
	if err == nil {
		err = tx.Commit(ctx)
	}
	return queued, interpret("queue requests", taskID, err)
}

func (d *dialect) TakenOccurrences(ctx context.Context, taskID string, from, to time.Time) ([]time.Time, error) {
	at, err := d.q.TakenOccurrences(ctx, pgdb.TakenOccurrencesParams{TaskID: taskID, FromAt: from, ToAt: to})
	return at, interpret("backfill", taskID, err)
}

func (d *dialect) NextRequest(ctx context.Context) (time.Time, bool, error) {
	at, err := d.q.NextRequest(ctx)
	if err != nil || len(at) == 0 {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at[0]), true, nil
}
