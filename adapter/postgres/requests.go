package postgres

import (
	"context"
	"time"

	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// ClaimRequests reads the candidates, then leases their tasks one
// statement each.
func (d *dialect) ClaimRequests(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	cands, err := d.q.RequestCandidates(ctx, pgdb.RequestCandidatesParams{Now: w.Now, MaxRequests: core.CandidateLimit(w.Limit)})
	if err != nil {
		return nil, interpret("claim requests", "", err)
	}
	list := make([]core.Candidate, len(cands))
	for i, c := range cands {
		list[i] = core.Candidate{TaskID: c.TaskID, ScheduledFor: c.ScheduledFor, Kind: c.Kind}
	}
	rows, err := core.LeaseEach(list, w.Limit, func(c core.Candidate) (taskrow.Row, bool, error) {
		leased, err := d.q.LeaseForRequest(ctx, pgdb.LeaseForRequestParams{
			Owner: &owner, LeaseUntil: w.LeaseUntil, RequestFor: c.ScheduledFor, Now: w.Now,
			RequestKind: &c.Kind, ID: c.TaskID,
		})
		if err != nil || len(leased) == 0 {
			return taskrow.Row{}, false, err
		}
		return toRow(leased[0]), true, nil
	})
	return rows, interpret("claim requests", "", err)
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
