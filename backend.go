package schedstore

import (
	"context"
	"time"
)

// Backend is the storage contract every dialect implements. All methods are
// safe for concurrent use. After Close, every method returns ErrClosed.
type Backend interface {
	// Create stores t. An empty t.ID gets a new UUID; a zero t.CreatedAt gets
	// the current time; UpdatedAt is set to CreatedAt. All three are written
	// back into *t. A duplicate ID returns ErrAlreadyExists.
	Create(ctx context.Context, t *Task) error
	// Update replaces every field but ID and CreatedAt, and sets UpdatedAt
	// to now (written back into *t). A missing ID returns ErrNotFound. A
	// non-zero t.Version must match the stored one (else ErrConflict and
	// nothing changes); it is then bumped in *t. Zero: last writer wins.
	Update(ctx context.Context, t *Task) error
	// Delete removes the task and reports whether a row was deleted.
	Delete(ctx context.Context, id string) (bool, error)
	// Get returns the task, or ErrNotFound.
	Get(ctx context.Context, id string) (*Task, error)
	// ListAll returns every task, ordered by CreatedAt, then ID.
	ListAll(ctx context.Context) ([]*Task, error)
	// ListEnabled returns the enabled tasks, ordered by NextRunAt (nulls
	// last), then ID.
	ListEnabled(ctx context.Context) ([]*Task, error)
	// ListDue returns the enabled tasks with NextRunAt <= now, ordered by
	// Priority descending, NextRunAt ascending, then ID. A zero now means
	// the current time.
	ListDue(ctx context.Context, now time.Time) ([]*Task, error)
	// UpdateRunTimes sets LastRunAt, NextRunAt and UpdatedAt (to now), and
	// bumps Version. A zero lastRun or nextRun stores no time (nil when read
	// back), as for a one-time task that has fired. A missing ID returns
	// ErrNotFound.
	UpdateRunTimes(ctx context.Context, id string, lastRun, nextRun time.Time) error
	// Clear deletes every task and returns how many were deleted.
	Clear(ctx context.Context) (int64, error)
	// FindByDefinition returns a task whose TaskName, ScheduleType,
	// Schedule, Args and Kwargs equal the given ones, or ErrNotFound. Args
	// and Kwargs compare as JSON values: key order and white space do not
	// matter, nil args equal [] and nil kwargs equal {}.
	FindByDefinition(ctx context.Context, taskName string, typ ScheduleType, schedule string,
		args []any, kwargs map[string]any) (*Task, error)
	// Close releases the backend's resources. It is idempotent. A backend
	// built over a pool the caller owns leaves that pool open.
	Close() error
}
