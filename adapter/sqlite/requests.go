package sqlite

import (
	"context"
	"time"

	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func (d *dialect) RequestCandidates(ctx context.Context, now time.Time, limit int32) ([]core.Candidate, error) {
	rows, err := d.q.RequestCandidates(ctx, sqlitedb.RequestCandidatesParams{NowUs: taskrow.Micros(now), MaxRequests: int64(limit)})
	return taskrow.Map(rows, func(c sqlitedb.RequestCandidatesRow) core.Candidate {
		return core.Candidate{TaskID: c.TaskID, ScheduledFor: taskrow.FromMicros(c.ScheduledForUs), Kind: c.Kind}
	}), interpret("claim requests", "", err)
}

// LeaseForRequest is one statement (UPDATE ... RETURNING).
func (d *dialect) LeaseForRequest(ctx context.Context, owner string, w taskrow.ClaimWindow, c core.Candidate) (taskrow.Row, bool, error) {
	nowUs, untilUs, forUs := taskrow.Micros(w.Now), taskrow.Micros(w.LeaseUntil), taskrow.Micros(c.ScheduledFor)
	leased, err := d.q.LeaseForRequest(ctx, sqlitedb.LeaseForRequestParams{
		Owner: &owner, LeaseUntilUs: &untilUs, RequestForUs: &forUs, NowUs: &nowUs, RequestKind: &c.Kind, ID: c.TaskID,
	})
	if err != nil || len(leased) == 0 {
		return taskrow.Row{}, false, interpret("claim requests", c.TaskID, err)
	}
	return toRow(leased[0]), true, nil
}

// QueueRequests is one transaction (BEGIN IMMEDIATE) of one statement per
// occurrence.
func (d *dialect) QueueRequests(ctx context.Context, taskID, kind string, requestedAt time.Time, at []time.Time) ([]time.Time, error) {
	queued, err := core.InTx(ctx, d.db, d.q.WithTx, func(q *sqlitedb.Queries) ([]time.Time, error) {
		return core.QueueEach(at, func(a time.Time) (int64, error) {
			return q.QueueRequest(ctx, sqlitedb.QueueRequestParams{TaskID: taskID, ScheduledForUs: taskrow.Micros(a),
				Kind: kind, RequestedAtUs: taskrow.Micros(requestedAt)})
		})
	})
	return queued, interpret("queue requests", taskID, err)
}

func (d *dialect) TakenOccurrences(ctx context.Context, taskID string, from, to time.Time) ([]time.Time, error) {
	us, err := d.q.TakenOccurrences(ctx, sqlitedb.TakenOccurrencesParams{TaskID: taskID, FromUs: taskrow.Micros(from), ToUs: taskrow.Micros(to)})
	out := make([]time.Time, len(us))
	for i, u := range us {
		out[i] = taskrow.FromMicros(u)
	}
	return out, interpret("backfill", taskID, err)
}

func (d *dialect) NextRequest(ctx context.Context) (time.Time, bool, error) {
	us, err := d.q.NextRequest(ctx)
	if err != nil || len(us) == 0 {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.FromMicros(us[0]), true, nil
}
