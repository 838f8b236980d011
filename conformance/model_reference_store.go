package conformance

import (
	"context"
	"fmt"
	"iter"
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
	requested := m.claimRequests(owner, w)
	limit -= len(requested)
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
		// The claim starts an attempt: on from an earlier claim of the same
		// occurrence, else the first.
		if r.AttemptFor != nil && r.AttemptFor.Equal(*r.NextRunAt) {
			r.Attempts++
		} else {
			r.Attempts, r.FirstAttemptAt = 1, at(w.Now)
		}
		r.AttemptFor, r.AttemptKind = at(*r.NextRunAt), ""
		m.rows[p.ID] = r
		picked[i] = r.Row
	}
	return taskrow.Claims(append(requested, picked...), w)
}

// holds reports whether c's token is still current: the row's lease is
// the one c took. Expiry alone does not end it; a new claim does.
func (m *model) holds(c schedstore.Claim) (modelRow, bool) {
	r, ok := m.rows[c.Task.ID]
	return r, ok && r.LeaseOwner == c.Owner && r.LeaseToken == c.Token
}

func (m *model) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	errs, err := m.CompleteClaims(ctx, []schedstore.Completion{{Claim: c, NextRun: nextRun}})
	if err != nil {
		return err
	}
	return errs[0]
}

// oneOwner is the check every batch call makes first: one owner for all.
func oneOwner(n int, claim func(int) schedstore.Claim) (string, error) {
	owner := claim(0).Owner
	for i := 1; i < n; i++ {
		if claim(i).Owner != owner {
			return "", &schedstore.FieldError{Field: "Claim.Owner",
				Reason: fmt.Sprintf("claims of several owners (%q, %q) in one batch", owner, claim(i).Owner)}
		}
	}
	return owner, nil
}

func (m *model) CompleteClaims(ctx context.Context, batch []schedstore.Completion) ([]error, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if len(batch) == 0 {
		return []error{}, nil
	}
	if _, err := oneOwner(len(batch), func(i int) schedstore.Claim { return batch[i].Claim }); err != nil {
		return nil, err
	}
	now := m.now()
	done := make([]taskrow.Completion, len(batch))
	for i, in := range batch {
		var err error
		if done[i], err = taskrow.NewCompletion(in, now); err != nil {
			return nil, fmt.Errorf("completion %d: %w", i, err)
		}
	}
	errs := make([]error, len(batch))
	for i, d := range done {
		c := batch[i].Claim
		r, ok := m.holds(c)
		if !ok {
			errs[i] = taskrow.CompletionResult(c, false, false)
			continue
		}
		if r.AttemptKind != "" {
			// A requested occurrence: the task does not advance; the
			// request leaves the queue, and the row keeps the marker that
			// stops a stale claim of it.
			delete(m.requests, fireKey{r.ID, d.ScheduledFor.UnixMicro()})
			r.AttemptKind, r.Attempts = "", 0
		} else {
			r.LastRunAt, r.NextRunAt = at(d.ScheduledFor), d.NextRunAt
			r.Enabled = r.Enabled && d.KeepEnabled
		}
		r.LeaseOwner, r.LeaseUntil = "", time.Time{}
		r.Version++
		r.UpdatedAt = d.FinishedAt
		m.rows[r.ID] = r
		// The ledger keeps the first record of an occurrence; the task is
		// advanced either way.
		k := fireKey{r.ID, d.ScheduledFor.UnixMicro()}
		_, fired := m.fires[k]
		if !fired {
			m.fires[k] = modelFire(r.ID, c.Owner, d)
		}
		if d.SkippedCount > 0 {
			s := d.SkippedFire()
			if k := (fireKey{r.ID, s.ScheduledFor.UnixMicro()}); m.fires[k].TaskID == "" {
				m.fires[k] = modelFire(r.ID, c.Owner, s)
			}
		}
		errs[i] = taskrow.CompletionResult(c, true, !fired)
	}
	return errs, nil
}

func (m *model) RenewClaims(ctx context.Context, claims []schedstore.Claim, lease time.Duration) ([]error, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if len(claims) == 0 {
		return []error{}, nil
	}
	owner, err := oneOwner(len(claims), func(i int) schedstore.Claim { return claims[i] })
	if err != nil {
		return nil, err
	}
	if err := taskrow.CheckClaimArgs(owner, lease, 1); err != nil {
		return nil, err
	}
	for i, c := range claims {
		if err := taskrow.CheckClaim(c); err != nil {
			return nil, fmt.Errorf("claim %d: %w", i, err)
		}
	}
	// RenewLeases extends every lease the owner holds on the named tasks,
	// whichever token it carries, on the "database clock".
	until := taskrow.Time(m.now().Add(lease))
	for _, c := range claims {
		if r, ok := m.rows[c.Task.ID]; ok && r.LeaseOwner == owner {
			r.LeaseUntil = until
			m.rows[r.ID] = r
		}
	}
	errs := make([]error, len(claims))
	for i, c := range claims {
		_, ok := m.holds(c)
		errs[i] = taskrow.CompletionResult(c, ok, true)
	}
	return errs, nil
}

func (m *model) StartRetry(ctx context.Context, c schedstore.Claim) (schedstore.Claim, error) {
	if err := m.enter(ctx); err != nil {
		return c, err
	}
	defer m.mu.Unlock()
	if err := taskrow.CheckClaim(c); err != nil {
		return c, err
	}
	r, ok := m.holds(c)
	ok = ok && r.AttemptFor != nil && r.AttemptFor.Equal(taskrow.Time(c.ScheduledFor))
	if !ok {
		return c, taskrow.CompletionResult(c, false, true)
	}
	r.Attempts++
	m.rows[r.ID] = r
	c.Attempt++
	return c, nil
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

func (m *model) ReturnClaim(ctx context.Context, c schedstore.Claim) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	// Fenced as StartRetry is: the token and the occurrence.
	r, ok := m.holds(c)
	ok = ok && r.AttemptFor != nil && r.AttemptFor.Equal(taskrow.Time(c.ScheduledFor))
	if !ok {
		return taskrow.CompletionResult(c, false, true)
	}
	r.LeaseOwner, r.LeaseUntil = "", time.Time{}
	// The attempt the claim counted is uncounted; attempt 1 leaves the row
	// as never attempted, so no completed-request marker either.
	if r.Attempts > 1 {
		r.Attempts--
	} else {
		r.Attempts, r.AttemptFor, r.FirstAttemptAt, r.AttemptKind = 0, nil, nil, ""
	}
	m.rows[r.ID] = r
	return nil
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
		if f.FinishedAt.Before(olderThan) {
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
	for k := range m.requests { // the queue's foreign key cascades too
		if k.taskID == taskID {
			delete(m.requests, k)
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
	// The oldest request (Trigger, Backfill) counts too.
	for _, q := range m.requests {
		if earliest == nil || q.requestedAt.Before(*earliest) {
			earliest = at(q.requestedAt)
		}
	}
	if earliest == nil {
		return time.Time{}, false, nil
	}
	return *earliest, true, nil
}

// ListPage is ListAll from the cursor on, cut at limit.
func (m *model) ListPage(ctx context.Context, after schedstore.Cursor, limit int) ([]*schedstore.Task, schedstore.Cursor, error) {
	if err := m.enter(ctx); err != nil {
		return nil, schedstore.Cursor{}, err
	}
	defer m.mu.Unlock()
	after, err := taskrow.CheckPage(after, limit)
	if err != nil {
		return nil, schedstore.Cursor{}, err
	}
	cur := taskrow.Row{CreatedAt: after.CreatedAt, ID: after.ID}
	tasks, err := m.sorted(func(r taskrow.Row) bool { return byCreated(r, cur) > 0 }, byCreated)
	if err != nil {
		return nil, schedstore.Cursor{}, err
	}
	tasks = tasks[:min(len(tasks), limit)]
	return tasks, taskrow.NextCursor(tasks, limit), nil
}

// ListAllSeq is ListPage after ListPage, as every adapter does it.
func (m *model) ListAllSeq(ctx context.Context, after schedstore.Cursor) iter.Seq2[*schedstore.Task, error] {
	return taskrow.Pages(ctx, after, m.ListPage)
}

// modelFire is the ledger row a completion records (a zero StartedAt: none).
func modelFire(id, owner string, d taskrow.Completion) schedstore.Fire {
	var started *time.Time
	if !d.StartedAt.IsZero() {
		started = &d.StartedAt
	}
	f := taskrow.NewFire(id, d.ScheduledFor, owner, started, d.FinishedAt, d.Status, int64(d.Attempts), d.Error)
	return taskrow.WithRun(f, d.Kind, int64(d.Occurrences), &d.LastScheduledFor)
}

func (m *model) Pause(ctx context.Context, id, reason string) (*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if err := schedstore.ValidatePauseReason(reason); err != nil {
		return nil, err
	}
	return m.setPause(id, func(t *schedstore.Task) (taskrow.PauseState, bool) {
		return taskrow.Paused(t, reason, m.now()), true
	})
}

func (m *model) Resume(ctx context.Context, id string) (*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return m.setPause(id, func(t *schedstore.Task) (taskrow.PauseState, bool) {
		if t.Enabled && t.PausedAt == nil {
			return taskrow.PauseState{}, false // an enabled task is left as it is
		}
		return taskrow.Resumed(t, m.now()), true
	})
}

func (m *model) setPause(id string, decide func(*schedstore.Task) (taskrow.PauseState, bool)) (*schedstore.Task, error) {
	r, ok := m.rows[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	t, err := r.Task()
	if err != nil {
		return nil, err
	}
	p, write := decide(t)
	if !write {
		return t, nil
	}
	r.Enabled, r.NextRunAt, r.PausedAt, r.PauseReason, r.UpdatedAt = p.Enabled, p.NextRunAt, p.PausedAt, p.PauseReason, p.UpdatedAt
	r.Version++
	m.rows[id] = r
	p.Apply(t)
	return t, nil
}
