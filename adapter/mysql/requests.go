package mysql

import (
	"context"
	"database/sql"
	"time"

	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func (d *dialect) RequestCandidates(ctx context.Context, now time.Time, limit int32) ([]core.Candidate, error) {
	rows, err := d.q.RequestCandidates(ctx, mysqldb.RequestCandidatesParams{Now: now, Limit: limit})
	return taskrow.Map(rows, func(c mysqldb.RequestCandidatesRow) core.Candidate {
		return core.Candidate{TaskID: string(c.TaskID), ScheduledFor: c.ScheduledFor, Kind: c.Kind}
	}), interpret("claim requests", "", err)
}

// LeaseForRequest is an UPDATE (MySQL has no RETURNING), then the read of
// the leased row, which is this owner's until the lease ends.
func (d *dialect) LeaseForRequest(ctx context.Context, owner string, w taskrow.ClaimWindow, c core.Candidate) (taskrow.Row, bool, error) {
	by := sql.NullString{String: owner, Valid: true}
	n, err := again(ctx, func() (int64, error) {
		return d.q.LeaseForRequest(ctx, mysqldb.LeaseForRequestParams{
			Owner: by, LeaseUntil: nullTime(&w.LeaseUntil), RequestFor: nullTime(&c.ScheduledFor), Now: nullTime(&w.Now),
			RequestKind: sql.NullString{String: c.Kind, Valid: true}, ID: []byte(c.TaskID), RequestAt: c.ScheduledFor,
		})
	})
	if err != nil || n == 0 {
		return taskrow.Row{}, false, interpret("claim requests", c.TaskID, err)
	}
	r, err := d.q.GetLeasedTask(ctx, mysqldb.GetLeasedTaskParams{ID: []byte(c.TaskID), Owner: by})
	if err != nil {
		return taskrow.Row{}, false, interpret("claim requests", c.TaskID, err)
	}
	return toRow(r), true, nil
}

// QueueRequests is one transaction of one statement per occurrence.
func (d *dialect) QueueRequests(ctx context.Context, taskID, kind string, requestedAt time.Time, at []time.Time) ([]time.Time, error) {
	queued, err := again(ctx, func() ([]time.Time, error) {
		return core.InTx(ctx, d.db, d.q.WithTx, func(q *mysqldb.Queries) ([]time.Time, error) {
			return core.QueueEach(at, func(a time.Time) (int64, error) {
				return q.QueueRequest(ctx, mysqldb.QueueRequestParams{TaskID: []byte(taskID), ScheduledFor: a, Kind: kind, RequestedAt: requestedAt})
			})
		})
	})
	return queued, interpret("queue requests", taskID, err)
}

func (d *dialect) TakenOccurrences(ctx context.Context, taskID string, from, to time.Time) ([]time.Time, error) {
	at, err := d.q.TakenOccurrences(ctx, mysqldb.TakenOccurrencesParams{TaskID: []byte(taskID), FromAt: from, ToAt: to})
	return at, interpret("backfill", taskID, err)
}

func (d *dialect) NextRequest(ctx context.Context) (time.Time, bool, error) {
	at, err := d.q.NextRequest(ctx)
	if err != nil || len(at) == 0 {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.Time(at[0]), true, nil
}
