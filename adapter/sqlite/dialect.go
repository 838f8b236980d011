package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/flowrra/schedstore"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// dialect is core.Dialect on SQLite: one statement per method, but for
// CompleteClaims and QueueRequests, one transaction each (a statement
// writes one table, and a batch is one commit).
// Times are INTEGER Unix microseconds.
type dialect struct {
	generated
	ledger
	db *sql.DB
	q  *sqlitedb.Queries
}

// generated and ledger are the parts of dialect that core implements once
// for every dialect, over this one's generated types.
type generated = core.Generated[string, sqlitedb.ScheduledTask, *int64, sqlitedb.CreateTaskParams, sqlitedb.UpdateTaskParams,
	sqlitedb.FindTaskByDefinitionParams, sqlitedb.EnsureTaskParams, sqlitedb.ListTasksPageParams]
type ledger = core.Ledger[sqlitedb.ScheduledTaskFire, sqlitedb.ListFiresParams, int64]

// newStore: owned says whether Close closes db.
func newStore(db *sql.DB, owned bool) *Store {
	q, calls := prepare(db), core.Calls{Interpret: interpret}
	d := &dialect{db: db, q: q, generated: generated{
		Calls: calls, Q: q, ID: core.TextID, ToRow: toRow,
		Cutoff:       func(t time.Time) *int64 { us := taskrow.Micros(t); return &us },
		CreateParams: createParams, UpdateParams: updateParams, FindParams: findParams, EnsureParams: ensureParams,
		PageParams: pageParams,
	}, ledger: ledger{Calls: calls, Q: q, ToFire: toFire, FiresParams: firesParams, Stamp: taskrow.Micros}}
	closeDB := core.CloseIf(owned, db.Close)
	closeAll := func() error {
		err := q.Close()
		if closeDB != nil {
			err = errors.Join(err, closeDB())
		}
		return err
	}
	return &Store{core.NewHandle(core.New(d, core.Options{Close: closeAll}), db)}
}

// prepare compiles every query once, for the life of the Store: SQLite
// spends about as long compiling a statement as running a point query (Get
// took half the time prepared; bench/scale/README.md). The queries with an
// IN list of varying length (sqlc.slice) still compile per call. A schema
// that is not (fully) migrated yet cannot be prepared against: the Store
// then runs its queries unprepared, with the same results and errors at
// the old cost (sqlc's Prepare leaves the statements it had prepared
// before the failing one open until db closes).
func prepare(db *sql.DB) *sqlitedb.Queries {
	q, err := sqlitedb.Prepare(context.Background(), db)
	if err != nil {
		return sqlitedb.New(db)
	}
	return q
}

var _ core.Dialect = (*dialect)(nil)

func (d *dialect) UpdateRunTimes(ctx context.Context, id string, rt taskrow.RunTimes) (int64, error) {
	n, err := d.q.UpdateRunTimes(ctx, sqlitedb.UpdateRunTimesParams{
		ID: id, LastRunAtUs: taskrow.MicrosPtr(rt.LastRunAt), NextRunAtUs: taskrow.MicrosPtr(rt.NextRunAt),
		UpdatedAtUs: taskrow.Micros(rt.UpdatedAt),
	})
	return n, interpret("update run times", id, err)
}

// DatabaseNow is the process's clock: SQLite runs in-process.
func (d *dialect) DatabaseNow(context.Context) (time.Time, error) { return time.Now(), nil }

// ClaimDue reads the distinct priorities of enabled tasks
// (ClaimPriorities), then claims in one statement (UPDATE ... RETURNING)
// with one range per priority: SQLite runs one writer at a time, so no row
// locks are needed. The priorities are a parameter, not a subquery of the
// claim, so that the claim compiles small: with ANALYZE's statistics
// SQLite compiles a prepared statement again whenever its parameters are
// bound, and the recursive view cost a claim about a fifth more compiled
// in (bench/scale/README.md). A priority that appears in between is
// claimed next time; no enabled task, no claim statement.
func (d *dialect) ClaimDue(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error) {
	prios := w.Priorities
	if prios == nil {
		read, err := d.q.ClaimPriorities(ctx)
		if err != nil {
			return nil, interpret("claim due", "", err)
		}
		prios = make([]int32, len(read))
		for i, p := range read {
			prios[i] = int32(p)
		}
	}
	if len(prios) == 0 {
		return nil, nil
	}
	nowUs, untilUs := taskrow.Micros(w.Now), taskrow.Micros(w.LeaseUntil)
	rows, err := d.q.ClaimDueTasks(ctx, sqlitedb.ClaimDueTasksParams{
		Owner: &owner, LeaseUntilUs: &untilUs, NowUs: &nowUs, Priorities: jsonInts(prios), MaxClaims: int64(w.Limit),
	})
	return taskrow.RowsFrom(rows, toRow), interpret("claim due", "", err)
}

// jsonInts is ps as a JSON array, for json_each.
func jsonInts(ps []int32) string {
	b := []byte{'['}
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	return string(append(b, ']'))
}

// CompleteClaims is one transaction (BEGIN IMMEDIATE with DSN's settings)
// of core.CompleteEach's statements: per completion, advance the task and,
// if its token was current, record the fire and delete the occurrence from
// the queue of requests, requested or not (one more record when
// occurrences were skipped). SQLite runs in-process: the
// statements cost no round trips, and the batch one commit.
func (d *dialect) CompleteClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	done, err := core.InTx(ctx, d.db, d.q.WithTx, func(q *sqlitedb.Queries) ([]taskrow.Completed, error) {
		return completeEach(ctx, q, owner, batch)
	})
	return done, interpret("complete claims", "", err)
}

func completeEach(ctx context.Context, q *sqlitedb.Queries, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error) {
	return core.CompleteEach(batch, func(c taskrow.Completion) (int64, error) {
		scheduledFor := taskrow.Micros(c.ScheduledFor)
		return q.AdvanceClaimedTask(ctx, sqlitedb.AdvanceClaimedTaskParams{
			ScheduledForUs: &scheduledFor, NextRunAtUs: taskrow.MicrosPtr(c.NextRunAt),
			KeepEnabled: boolInt(c.KeepEnabled), FinishedAtUs: taskrow.Micros(c.FinishedAt),
			ID: c.ID, LeaseToken: c.Token, Owner: &owner,
		})
	}, func(c taskrow.Completion) (int64, error) {
		var started *int64
		if !c.StartedAt.IsZero() {
			us := taskrow.Micros(c.StartedAt)
			started = &us
		}
		last := taskrow.Micros(c.LastScheduledFor)
		return q.RecordFire(ctx, sqlitedb.RecordFireParams{
			TaskID: c.ID, ScheduledForUs: taskrow.Micros(c.ScheduledFor), Owner: owner, StartedAtUs: started,
			FinishedAtUs: taskrow.Micros(c.FinishedAt), Status: c.Status, Attempts: int64(c.Attempts), Error: c.Error,
			Kind: c.Kind, Occurrences: int64(c.Occurrences), LastScheduledForUs: &last,
		})
	}, func(c taskrow.Completion) (int64, error) {
		return q.DeleteRequest(ctx, sqlitedb.DeleteRequestParams{TaskID: c.ID, ScheduledForUs: taskrow.Micros(c.ScheduledFor)})
	})
}

// RenewLeases is one statement (UPDATE ... RETURNING); the lease ends at
// the process's clock + lease, SQLite's database clock.
func (d *dialect) RenewLeases(ctx context.Context, owner string, ids []string, lease time.Duration) (map[string]int64, error) {
	until := taskrow.Micros(time.Now().Add(lease))
	rows, err := d.q.RenewLeases(ctx, sqlitedb.RenewLeasesParams{LeaseUntilUs: &until, Owner: &owner, Ids: ids})
	if err != nil {
		return nil, interpret("renew claims", "", err)
	}
	return core.Held(rows, func(r sqlitedb.RenewLeasesRow) (string, int64) { return r.ID, r.LeaseToken }), nil
}

func (d *dialect) StartRetry(ctx context.Context, c schedstore.Claim) (bool, error) {
	at := taskrow.Micros(c.ScheduledFor)
	n, err := d.q.StartRetry(ctx, sqlitedb.StartRetryParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
		ScheduledForUs: &at})
	return n > 0, interpret("start retry", c.Task.ID, err)
}

func (d *dialect) ReleaseClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	n, err := d.q.ReleaseClaim(ctx, sqlitedb.ReleaseClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner})
	return n > 0, interpret("release claim", c.Task.ID, err)
}

func (d *dialect) ReturnClaim(ctx context.Context, c schedstore.Claim) (bool, error) {
	at := taskrow.Micros(c.ScheduledFor)
	n, err := d.q.ReturnClaim(ctx, sqlitedb.ReturnClaimParams{ID: c.Task.ID, LeaseToken: c.Token, Owner: &c.Owner,
		ScheduledForUs: &at})
	return n > 0, interpret("return claim", c.Task.ID, err)
}

// SetPause is one statement, version-checked.
func (d *dialect) SetPause(ctx context.Context, id string, p taskrow.PauseState, expectedVersion int64) (int64, error) {
	n, err := d.q.SetTaskPause(ctx, sqlitedb.SetTaskPauseParams{ID: id, Enabled: boolInt(p.Enabled),
		NextRunAtUs: taskrow.MicrosPtr(p.NextRunAt), PausedAtUs: taskrow.MicrosPtr(p.PausedAt),
		PauseReason: p.PauseReason, UpdatedAtUs: taskrow.Micros(p.UpdatedAt), ExpectedVersion: expectedVersion})
	return n, interpret("set pause", id, err)
}

func (d *dialect) NextDue(ctx context.Context) (time.Time, bool, error) {
	us, err := d.q.NextDue(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && us == nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, interpret("next due", "", err)
	}
	return taskrow.FromMicros(*us), true, nil
}

// ClaimClock is the caller's clock or the process's; the queue is read
// every claim, which costs no round trip in-process.
func (d *dialect) ClaimClock(_ context.Context, now time.Time) (core.ClaimStart, error) {
	if now.IsZero() {
		now = time.Now()
	}
	return core.StartAt(now), nil
}
