package conformance

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// The model's schedstore.Store methods. They follow the statements in
// queries/postgres/claims.sql one for one (the same rules hold in every
// dialect), with the arguments checked by internal/taskrow as every
// adapter checks them.

func (m *model) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if err := taskrow.CheckClaimArgs(owner, lease, limit); err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = m.now() // the model's "database clock"
	}
	w := taskrow.NewClaimWindow(now, lease, limit)
	var picked []taskrow.Row
	for _, r := range m.rows {
		// A lease ends at LeaseUntil: lease_until <= now is expired.
		if isDue(r.Row, w.Now) && (r.LeaseUntil.IsZero() || !r.LeaseUntil.After(w.Now)) {
			picked = append(picked, r.Row)
		}
	}
	slices.SortFunc(picked, byDue)
	picked = picked[:min(len(picked), limit)]
	for i, p := range picked {
		r := m.rows[p.ID]
		r.LeaseOwner, r.LeaseUntil = owner, w.LeaseUntil
		r.LeaseToken++ // every claim is a new fencing token
		m.rows[p.ID] = r
		picked[i] = r.Row
	}
	return taskrow.Claims(picked, w)
}

// holds reports whether c's token is still current: the row's lease is
// the one c took. Expiry alone does not end it; a new claim does.
func (m *model) holds(c schedstore.Claim) (modelRow, bool) {
	r, ok := m.rows[c.Task.ID]
	return r, ok && r.LeaseOwner == c.Owner && r.LeaseToken == c.Token
}

func (m *model) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	done, err := taskrow.NewCompletion(c, nextRun, m.now())
	if err != nil {
		return err
	}
	r, ok := m.holds(c)
	if !ok {
		return taskrow.CompletionResult(c, false, false)
	}
	r.LastRunAt, r.NextRunAt = at(done.ScheduledFor), done.NextRunAt
	r.Enabled = r.Enabled && done.KeepEnabled
	r.LeaseOwner, r.LeaseUntil = "", time.Time{}
	r.Version++
	r.UpdatedAt = done.FiredAt
	m.rows[r.ID] = r
	// The ledger keeps the first record of an occurrence; the task is
	// advanced either way.
	k := fireKey{r.ID, done.ScheduledFor.UnixMicro()}
	_, fired := m.fires[k]
	if !fired {
		m.fires[k] = taskrow.NewFire(r.ID, done.ScheduledFor, c.Owner, done.FiredAt)
	}
	return taskrow.CompletionResult(c, true, !fired)
}

func (m *model) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	r, ok := m.holds(c)
	if ok {
		// The token stays: a second release of c finds no owner and fails.
		r.LeaseOwner, r.LeaseUntil = "", time.Time{}
		m.rows[r.ID] = r
	}
	return taskrow.CompletionResult(c, ok, true)
}

func (m *model) Ensure(ctx context.Context, t *schedstore.Task) (*schedstore.Task, bool, error) {
	if err := m.enter(ctx); err != nil {
		return nil, false, err
	}
	defer m.mu.Unlock()
	r, err := taskrow.ForCreate(t, m.now())
	if err != nil {
		return nil, false, err
	}
	// EnsureTask inserts only WHERE NOT EXISTS a row with the definition,
	// whoever made it; the adapter then returns that row.
	matches, err := m.matching(t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	if err != nil {
		return nil, false, err
	}
	if len(matches) > 0 {
		return matches[0], false, nil
	}
	if _, ok := m.rows[r.ID]; ok {
		return nil, false, fmt.Errorf("%w: %q", schedstore.ErrAlreadyExists, r.ID)
	}
	for _, other := range m.rows {
		if other.EnsureKey == r.Fingerprint {
			// ON CONFLICT (ensure_sha256) DO NOTHING, and then no row has the
			// definition: what a key left behind by a definition change would
			// do. Update clears the key, so this never happens.
			return nil, false, fmt.Errorf("schedstore: ensure %q: key held by %q, which has another definition", t.TaskName, other.ID)
		}
	}
	m.rows[r.ID] = modelRow{Row: r, EnsureKey: r.Fingerprint}
	r.WriteBack(t) // as Create does
	stored, err := r.Task()
	return stored, true, err
}

func (m *model) ListFires(ctx context.Context, taskID string, limit int) ([]schedstore.Fire, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := []schedstore.Fire{}
	for k, f := range m.fires {
		if k.taskID == taskID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b schedstore.Fire) int { return b.ScheduledFor.Compare(a.ScheduledFor) })
	if limit > 0 {
		out = out[:min(len(out), limit)]
	}
	return out, nil
}

func (m *model) PruneFires(ctx context.Context, olderThan time.Time) (int64, error) {
	if err := m.enter(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	if err := schedstore.ValidateTime("olderThan", olderThan); err != nil {
		return 0, err
	}
	var n int64
	for k, f := range m.fires {
		// Exactly "before": a sub-microsecond olderThan is not rounded.
		if f.FiredAt.Before(olderThan) {
			delete(m.fires, k)
			n++
		}
	}
	return n, nil
}

// dropFires deletes a task's fires, as the ledger's ON DELETE CASCADE does.
func (m *model) dropFires(taskID string) {
	for k := range m.fires {
		if k.taskID == taskID {
			delete(m.fires, k)
		}
	}
}

func (m *model) NextDue(ctx context.Context) (time.Time, bool, error) {
	if err := m.enter(ctx); err != nil {
		return time.Time{}, false, err
	}
	defer m.mu.Unlock()
	var earliest *time.Time
	for _, r := range m.rows {
		if r.Enabled && r.NextRunAt != nil && (earliest == nil || r.NextRunAt.Before(*earliest)) {
			earliest = r.NextRunAt
		}
	}
	if earliest == nil {
		return time.Time{}, false, nil
	}
	return *earliest, true, nil
}
