package core

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/lifecycle"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// Store implements schedstore.Store over a Dialect. Safe for concurrent use
// when the Dialect is.
type Store struct {
	d     Dialect
	opts  Options
	guard lifecycle.Guard
}

var _ schedstore.Store = (*Store)(nil)

// New returns a Store over d.
func New(d Dialect, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{d: d, opts: opts}
}

// Create implements schedstore.Backend.
func (s *Store) Create(ctx context.Context, t *schedstore.Task) error {
	if err := s.guard.Enter(ctx); err != nil {
		return err
	}
	r, err := taskrow.ForCreate(t, s.opts.Now())
	if err != nil {
		return err
	}
	if err := s.d.CreateTask(ctx, r); err != nil {
		return err
	}
	r.WriteBack(t)
	return nil
}

// Update implements schedstore.Backend.
func (s *Store) Update(ctx context.Context, t *schedstore.Task) error {
	if err := s.guard.Enter(ctx); err != nil {
		return err
	}
	r, err := taskrow.ForUpdate(t, s.opts.Now())
	if err != nil {
		return err
	}
	n, err := s.d.UpdateTask(ctx, r, t.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		// Why did nothing match? Only a versioned update asks the
		// database again, so only that error path costs a round trip more.
		return taskrow.UnmatchedUpdate(r.ID, t.Version, func() (bool, error) { return s.d.TaskExists(ctx, r.ID) })
	}
	r.WriteBackUpdate(t)
	return nil
}

// Delete implements schedstore.Backend.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return false, err
	}
	if schedstore.ValidateID(id) != nil {
		return false, nil // no such row can exist
	}
	n, err := s.d.DeleteTask(ctx, id)
	return n > 0, err
}

// Get implements schedstore.Backend.
func (s *Store) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if schedstore.ValidateID(id) != nil {
		return nil, taskrow.NotFound(id) // no such row can exist
	}
	r, err := s.d.GetTask(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.Task()
}

// ListAll implements schedstore.Backend.
func (s *Store) ListAll(ctx context.Context) ([]*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.d.ListAllTasks(ctx)
}

// ListEnabled implements schedstore.Backend.
func (s *Store) ListEnabled(ctx context.Context) ([]*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.d.ListEnabledTasks(ctx)
}

// ListPage implements schedstore.Store.
func (s *Store) ListPage(ctx context.Context, after schedstore.Cursor, limit int) ([]*schedstore.Task, schedstore.Cursor, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, schedstore.Cursor{}, err
	}
	after, err := taskrow.CheckPage(after, limit)
	if err != nil {
		return nil, schedstore.Cursor{}, err
	}
	tasks, err := s.d.ListTasksPage(ctx, after, int32(limit))
	if err != nil {
		return nil, schedstore.Cursor{}, err
	}
	return tasks, taskrow.NextCursor(tasks, limit), nil
}

// ListAllSeq implements schedstore.Store: ListPage after ListPage.
func (s *Store) ListAllSeq(ctx context.Context, after schedstore.Cursor) iter.Seq2[*schedstore.Task, error] {
	return taskrow.Pages(ctx, after, s.ListPage)
}

// ListDue implements schedstore.Backend.
func (s *Store) ListDue(ctx context.Context, now time.Time) ([]*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.d.ListDueTasks(ctx, taskrow.DueCutoff(now, s.opts.Now))
}

// UpdateRunTimes implements schedstore.Backend.
func (s *Store) UpdateRunTimes(ctx context.Context, id string, lastRun, nextRun time.Time) error {
	if err := s.guard.Enter(ctx); err != nil {
		return err
	}
	rt, err := taskrow.ForRunTimes(id, lastRun, nextRun, s.opts.Now())
	if err != nil {
		return err
	}
	if rt.Missing {
		return taskrow.NotFound(id)
	}
	n, err := s.d.UpdateRunTimes(ctx, id, rt)
	if err != nil {
		return err
	}
	if n == 0 { // version = version + 1 changes every matched row: 0 means none matched
		return taskrow.NotFound(id)
	}
	return nil
}

// Clear implements schedstore.Backend.
func (s *Store) Clear(ctx context.Context) (int64, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return 0, err
	}
	return s.d.ClearTasks(ctx)
}

// FindByDefinition implements schedstore.Backend.
func (s *Store) FindByDefinition(ctx context.Context, taskName string, typ schedstore.ScheduleType,
	schedule string, args []any, kwargs map[string]any) (*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.find(ctx, taskName, typ, schedule, args, kwargs)
}

func (s *Store) find(ctx context.Context, taskName string, typ schedstore.ScheduleType,
	schedule string, args []any, kwargs map[string]any) (*schedstore.Task, error) {
	def, err := taskrow.NewDefinition(taskName, typ, schedule, args, kwargs)
	if err != nil {
		return nil, err
	}
	r, err := s.d.FindTask(ctx, taskName, string(typ), schedule, def)
	if err != nil {
		return nil, err
	}
	return r.Task()
}

// Close implements schedstore.Backend: idempotent; it closes the pool only
// if the dialect's Open made it.
func (s *Store) Close() error {
	return s.guard.Close(func() error {
		if s.opts.Close == nil {
			return nil
		}
		return s.opts.Close()
	})
}

// ClaimDue implements schedstore.Store. The dialect's ClaimClock comes
// first: the database's clock when now is zero, whether a request is due,
// whether a task is, and what the dialect's claim wants to know ahead
// (MySQL: the priorities), in one round trip at most (but for MySQL's
// clock over an empty table). Then the requests due, when there may be
// any, and the claim of due tasks for the slots left, when there may be
// any.
func (s *Store) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if err := taskrow.CheckClaimArgs(owner, lease, limit); err != nil {
		return nil, err
	}
	if !now.IsZero() {
		now = taskrow.Time(now) // the requests due are those at the window's now
	}
	start, err := s.d.ClaimClock(ctx, now)
	if err != nil {
		return nil, err
	}
	w := taskrow.NewClaimWindow(start.Now, lease, limit)
	w.Priorities = start.Priorities
	// Requested occurrences (Trigger, Backfill) first, task by task.
	var rows []taskrow.Row
	if start.RequestsDue {
		cands, err := s.d.RequestCandidates(ctx, w.Now, CandidateLimit(w.Limit))
		if err != nil {
			return nil, err
		}
		rows, err = LeaseEach(cands, w.Limit, func(c Candidate) (taskrow.Row, bool, error) {
			return s.d.LeaseForRequest(ctx, owner, w, c)
		})
		if err != nil {
			return nil, err
		}
	}
	if left := int(w.Limit) - len(rows); left > 0 && start.TasksDue {
		due := w
		due.Limit = int32(left)
		more, err := s.d.ClaimDue(ctx, owner, due)
		if err != nil {
			return nil, err
		}
		rows = append(rows, more...)
	}
	return taskrow.Claims(rows, w)
}

// CompleteClaim implements schedstore.Store.
func (s *Store) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	errs, err := s.CompleteClaims(ctx, []schedstore.Completion{{Claim: c, NextRun: nextRun}})
	if err != nil {
		return err
	}
	return errs[0]
}

// maxBatch bounds one dialect call of CompleteClaims and RenewClaims; a
// longer batch is split, each part its own transaction.
const maxBatch = 1000

// CompleteClaims implements schedstore.Store.
func (s *Store) CompleteClaims(ctx context.Context, batch []schedstore.Completion) ([]error, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if len(batch) == 0 {
		return []error{}, nil
	}
	owner, err := oneOwner(len(batch), func(i int) schedstore.Claim { return batch[i].Claim })
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	rows := make([]taskrow.Completion, len(batch))
	for i, in := range batch {
		if rows[i], err = taskrow.NewCompletion(in, now); err != nil {
			return nil, fmt.Errorf("completion %d: %w", i, err)
		}
	}
	errs := make([]error, 0, len(batch))
	for part := range slices.Chunk(rows, maxBatch) {
		done, err := s.d.CompleteClaims(ctx, owner, part)
		if err != nil {
			return nil, err
		}
		for _, d := range done {
			c := batch[len(errs)].Claim
			errs = append(errs, taskrow.CompletionResult(c, d.Advanced, d.Recorded))
		}
	}
	return errs, nil
}

// RenewClaims implements schedstore.Store.
func (s *Store) RenewClaims(ctx context.Context, claims []schedstore.Claim, lease time.Duration) ([]error, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
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
	errs := make([]error, 0, len(claims))
	for part := range slices.Chunk(claims, maxBatch) {
		ids := make([]string, len(part))
		for i, c := range part {
			ids[i] = c.Task.ID
		}
		held, err := s.d.RenewLeases(ctx, owner, ids, lease)
		if err != nil {
			return nil, err
		}
		for _, c := range part {
			token, ok := held[c.Task.ID]
			errs = append(errs, taskrow.CompletionResult(c, ok && token == c.Token, true))
		}
	}
	return errs, nil
}

// StartRetry implements schedstore.Store.
func (s *Store) StartRetry(ctx context.Context, c schedstore.Claim) (schedstore.Claim, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return c, err
	}
	if err := taskrow.CheckClaim(c); err != nil {
		return c, err
	}
	counted, err := s.d.StartRetry(ctx, c)
	if err != nil {
		return c, err
	}
	if err := taskrow.CompletionResult(c, counted, true); err != nil {
		return c, err
	}
	c.Attempt++
	return c, nil
}

// oneOwner returns the owner every claim of a batch shares.
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

// ReleaseClaim implements schedstore.Store.
func (s *Store) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	return s.handBack(ctx, c, s.d.ReleaseClaim)
}

// ReturnClaim implements schedstore.Store: ReleaseClaim's checks and
// errors, and the dialect's ReturnClaim, which also uncounts the attempt.
func (s *Store) ReturnClaim(ctx context.Context, c schedstore.Claim) error {
	return s.handBack(ctx, c, s.d.ReturnClaim)
}

// handBack is ReleaseClaim and ReturnClaim over the dialect's statement.
func (s *Store) handBack(ctx context.Context, c schedstore.Claim, hand func(context.Context, schedstore.Claim) (bool, error)) error {
	if err := s.guard.Enter(ctx); err != nil {
		return err
	}
	if err := taskrow.CheckClaim(c); err != nil {
		return err
	}
	done, err := hand(ctx, c)
	if err != nil {
		return err
	}
	return taskrow.CompletionResult(c, done, true)
}

// Ensure implements schedstore.Store: the unique ensure key decides between
// concurrent calls; see taskrow.Ensure. With Options.EnsureLooksUpFirst the
// lookup comes first, as a plain read.
func (s *Store) Ensure(ctx context.Context, t *schedstore.Task) (*schedstore.Task, bool, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, false, err
	}
	r, err := taskrow.ForCreate(t, s.opts.Now())
	if err != nil {
		return nil, false, err
	}
	find := func(ctx context.Context) (*schedstore.Task, error) {
		return s.find(ctx, t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	}
	if s.opts.EnsureLooksUpFirst {
		if existing, err := find(ctx); !errors.Is(err, schedstore.ErrNotFound) {
			return existing, false, err
		}
	}
	return taskrow.Ensure(ctx, t, r, func(ctx context.Context) (bool, error) { return s.d.EnsureTask(ctx, r) }, find)
}

// ListFires implements schedstore.Store.
func (s *Store) ListFires(ctx context.Context, taskID string, limit int) ([]schedstore.Fire, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.d.ListFires(ctx, taskID, taskrow.FireLimit(limit))
}

// PruneFires implements schedstore.Store.
func (s *Store) PruneFires(ctx context.Context, olderThan time.Time) (int64, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return 0, err
	}
	if err := schedstore.ValidateTime("olderThan", olderThan); err != nil {
		return 0, err
	}
	return s.d.PruneFires(ctx, taskrow.StrictBound(olderThan)) // rounds up: finished_at < olderThan
}

// NextDue implements schedstore.Store: the earlier of the first due
// occurrence and the oldest request (Trigger, Backfill).
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return time.Time{}, false, err
	}
	at, ok, err := s.d.NextDue(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	req, queued, err := s.d.NextRequest(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	if queued && (!ok || req.Before(at)) {
		return req, true, nil
	}
	return at, ok, nil
}

// pauseAttempts bounds how often Pause and Resume read again after a
// concurrent write changed the task between their read and their write.
const pauseAttempts = 10

// Pause implements schedstore.Store.
func (s *Store) Pause(ctx context.Context, id, reason string) (*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	if err := schedstore.ValidatePauseReason(reason); err != nil {
		return nil, err
	}
	return s.setPause(ctx, id, "pause", func(t *schedstore.Task, now time.Time) (taskrow.PauseState, bool) {
		return taskrow.Paused(t, reason, now), true
	})
}

// Resume implements schedstore.Store. An enabled task (so not paused) is
// returned as it is, unchanged.
func (s *Store) Resume(ctx context.Context, id string) (*schedstore.Task, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	return s.setPause(ctx, id, "resume", func(t *schedstore.Task, now time.Time) (taskrow.PauseState, bool) {
		if t.Enabled && t.PausedAt == nil {
			return taskrow.PauseState{}, false
		}
		return taskrow.Resumed(t, now), true
	})
}

// setPause reads the task, lets decide what to write (write false: nothing)
// and writes it only if the task's version is still the one read; a
// concurrent write in between makes it read again.
func (s *Store) setPause(ctx context.Context, id, op string,
	decide func(t *schedstore.Task, now time.Time) (p taskrow.PauseState, write bool)) (*schedstore.Task, error) {
	if schedstore.ValidateID(id) != nil {
		return nil, taskrow.NotFound(id) // no such row can exist
	}
	for range pauseAttempts {
		r, err := s.d.GetTask(ctx, id)
		if err != nil {
			return nil, err
		}
		t, err := r.Task()
		if err != nil {
			return nil, err
		}
		p, write := decide(t, s.opts.Now())
		if !write {
			return t, nil
		}
		n, err := s.d.SetPause(ctx, id, p, r.Version)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			p.Apply(t)
			return t, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: %s task %q: it kept changing under concurrent writes", schedstore.ErrConflict, op, id)
}

// Handle is a Store with the database handle it runs on, for a dialect
// package's Store type to embed: DB returns the handle.
type Handle[H any] struct {
	*Store
	db H
}

// NewHandle pairs s with db.
func NewHandle[H any](s *Store, db H) Handle[H] { return Handle[H]{Store: s, db: db} }

// DB returns the underlying pool or handle, for callers that need to reach
// past the contract (health checks, metrics, backups).
func (h Handle[H]) DB() H { return h.db }
