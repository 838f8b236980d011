package conformance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// model is the reference Store: rows in a map behind a mutex, validated
// and encoded by internal/taskrow exactly as the SQL adapters do, so the
// randomized test can hold a database to it and the suite can be proven
// against it before any adapter exists. Its Store methods are in
// modelstore.go.
type model struct {
	mu    sync.Mutex
	rows  map[string]modelRow
	fires map[fireKey]schedstore.Fire // the ledger
	// requests is the queue of Trigger and Backfill: by ledger key, with
	// the kind and when it was requested.
	requests map[fireKey]modelRequest
	closed   bool
	// now is the clock; the randomized test sets it to the times the
	// backend under test reported, so both assign the same values.
	now func() time.Time
}

var _ schedstore.Store = (*model)(nil)

// modelRow is a stored row with the columns only Store methods read or
// write: the lease (its owner and token are in Row) and Ensure's key.
type modelRow struct {
	taskrow.Row
	LeaseUntil time.Time // zero: no lease
	// EnsureKey is the definition's fingerprint on a row Ensure created,
	// cleared when Update changes the definition, as ensure_sha256 is.
	EnsureKey string
}

// fireKey is the ledger's primary key: the task and the occurrence, in
// whole microseconds as stored.
type fireKey struct {
	taskID       string
	scheduledFor int64 // UnixMicro
}

func newModel() *model {
	return &model{rows: map[string]modelRow{}, fires: map[fireKey]schedstore.Fire{},
		requests: map[fireKey]modelRequest{}, now: time.Now}
}

// enter locks m and reports why a call may not proceed.
func (m *model) enter(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return schedstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		m.mu.Unlock()
		return err
	}
	return nil
}

func (m *model) Create(ctx context.Context, t *schedstore.Task) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	r, err := taskrow.ForCreate(t, m.now())
	if err != nil {
		return err
	}
	if _, ok := m.rows[r.ID]; ok {
		return fmt.Errorf("%w: %q", schedstore.ErrAlreadyExists, r.ID)
	}
	m.rows[r.ID] = modelRow{Row: r}
	r.WriteBack(t)
	return nil
}

func (m *model) Update(ctx context.Context, t *schedstore.Task) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	r, err := taskrow.ForUpdate(t, m.now())
	if err != nil {
		return err
	}
	old, ok := m.rows[r.ID]
	if !ok {
		return fmt.Errorf("%w: %q", schedstore.ErrNotFound, r.ID)
	}
	if t.Version != 0 && t.Version != old.Version {
		return fmt.Errorf("%w: task %q is at version %d, not %d", schedstore.ErrConflict, r.ID, old.Version, t.Version)
	}
	// Update replaces the task's fields only: a live lease stays, and
	// Ensure's key stays only while the row still has that definition.
	stored := modelRow{Row: r, LeaseUntil: old.LeaseUntil}
	stored.CreatedAt, stored.Version = old.CreatedAt, old.Version+1
	stored.LeaseOwner, stored.LeaseToken = old.LeaseOwner, old.LeaseToken
	// The attempt count is the occurrence's, not the definition's.
	stored.Attempts, stored.FirstAttemptAt = old.Attempts, old.FirstAttemptAt
	stored.AttemptFor, stored.AttemptKind = old.AttemptFor, old.AttemptKind
	// The pause is Pause's and Resume's, but enabling the task ends it.
	if !r.Enabled {
		stored.PausedAt, stored.PauseReason = old.PausedAt, old.PauseReason
	}
	if old.Fingerprint == r.Fingerprint {
		stored.EnsureKey = old.EnsureKey
	}
	m.rows[r.ID] = stored
	r.WriteBackUpdate(t)
	return nil
}

func (m *model) Delete(ctx context.Context, id string) (bool, error) {
	if err := m.enter(ctx); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	_, ok := m.rows[id]
	delete(m.rows, id)
	m.dropFires(id) // the ledger's foreign key cascades
	return ok, nil
}

func (m *model) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	r, ok := m.rows[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	return r.Task()
}

func (m *model) ListAll(ctx context.Context) ([]*schedstore.Task, error) {
	return m.list(ctx, func(taskrow.Row) bool { return true }, byCreated)
}

func (m *model) ListEnabled(ctx context.Context) ([]*schedstore.Task, error) {
	return m.list(ctx, func(r taskrow.Row) bool { return r.Enabled }, func(a, b taskrow.Row) int {
		switch {
		case a.NextRunAt == nil && b.NextRunAt != nil:
			return 1
		case a.NextRunAt != nil && b.NextRunAt == nil:
			return -1
		case a.NextRunAt != nil:
			if c := a.NextRunAt.Compare(*b.NextRunAt); c != 0 {
				return c
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func (m *model) ListDue(ctx context.Context, now time.Time) ([]*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if now.IsZero() {
		now = m.now()
	}
	// Stored times are whole microseconds, so comparing them with now
	// truncated gives the same answer as with now exact.
	now = taskrow.Time(now)
	return m.sorted(func(r taskrow.Row) bool { return isDue(r, now) }, byDue)
}

func isDue(r taskrow.Row, now time.Time) bool {
	return r.Enabled && r.NextRunAt != nil && !r.NextRunAt.After(now)
}

// byDue is ListDue's order, which ClaimDue follows too.
func byDue(a, b taskrow.Row) int {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c
	}
	if c := a.NextRunAt.Compare(*b.NextRunAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func byCreated(a, b taskrow.Row) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (m *model) list(ctx context.Context, keep func(taskrow.Row) bool, order func(a, b taskrow.Row) int) ([]*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return m.sorted(keep, order)
}

func (m *model) sorted(keep func(taskrow.Row) bool, order func(a, b taskrow.Row) int) ([]*schedstore.Task, error) {
	var rows []taskrow.Row
	for _, r := range m.rows {
		if keep(r.Row) {
			rows = append(rows, r.Row)
		}
	}
	slices.SortFunc(rows, order)
	return taskrow.Tasks(rows)
}

func (m *model) UpdateRunTimes(ctx context.Context, id string, lastRun, nextRun time.Time) error {
	if err := m.enter(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	rt, err := taskrow.ForRunTimes(id, lastRun, nextRun, m.now())
	if err != nil {
		return err
	}
	r, ok := m.rows[id]
	if rt.Missing || !ok {
		return fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	r.LastRunAt, r.NextRunAt, r.UpdatedAt = rt.LastRunAt, rt.NextRunAt, rt.UpdatedAt
	r.Version++ // Version counts every change of the row
	m.rows[id] = r
	return nil
}

func (m *model) Clear(ctx context.Context) (int64, error) {
	if err := m.enter(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	n := int64(len(m.rows))
	clear(m.rows)
	clear(m.fires)
	clear(m.requests)
	return n, nil
}

func (m *model) FindByDefinition(ctx context.Context, taskName string, typ schedstore.ScheduleType, schedule string,
	args []any, kwargs map[string]any) (*schedstore.Task, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	matches, err := m.matching(taskName, typ, schedule, args, kwargs)
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("%w: no task %q with that definition", schedstore.ErrNotFound, taskName)
	}
	return matches[0], nil
}

// matching returns every task with the definition, in ListAll order. The
// contract lets FindByDefinition return any of them; the randomized test
// accepts whichever the backend picks.
func (m *model) matching(taskName string, typ schedstore.ScheduleType, schedule string,
	args []any, kwargs map[string]any) ([]*schedstore.Task, error) {
	def, err := taskrow.NewDefinition(taskName, typ, schedule, args, kwargs)
	if err != nil {
		return nil, err
	}
	return m.sorted(func(r taskrow.Row) bool {
		return r.Fingerprint == def.Fingerprint && r.TaskName == taskName && r.ScheduleType == string(typ) &&
			r.Schedule == schedule && r.Args == def.Args && r.Kwargs == def.Kwargs
	}, byCreated)
}

func (m *model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
