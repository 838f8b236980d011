package schedstore

import (
	"context"
	"errors"
	"time"
)

// More sentinels, for Store.
var (
	// ErrLeaseLost: the claim's fencing token is no longer current (its lease
	// expired and another owner claimed the task, or it was released).
	// Nothing was changed.
	ErrLeaseLost = errors.New("schedstore: lease lost")
	// ErrAlreadyFired: CompleteClaim found the occurrence already in the
	// fire ledger (the task's NextRunAt had been set back to an occurrence
	// that had fired). The task was advanced and its lease released; the
	// ledger still holds the occurrence once.
	ErrAlreadyFired = errors.New("schedstore: occurrence already fired")
	// ErrConflict: Update was given a stale Version. Nothing was changed.
	ErrConflict = errors.New("schedstore: version conflict")
)

// Store extends Backend for many scheduler instances sharing one database:
// leased claims, a fire ledger that holds each occurrence at most once,
// race-free idempotent creation, and optimistic updates (Task.Version).
// Every adapter implements it.
//
// Clock: ClaimDue compares NextRunAt and lease expiry with one clock, the
// database's when now is zero (what schedstore run does), so instances
// with skewed clocks still agree on what is due and when a lease ends. A
// non-zero now is used for both instead (tests, simulations). SQLite runs
// in-process, so its database clock is the caller's.
type Store interface {
	Backend
	// ClaimDue picks at most limit enabled tasks that are due at now and
	// not under a live lease, in ListDue's order, skipping rows another
	// instance is claiming at this moment (no waiting), and leases each to
	// owner until now+lease. Each Claim names the occurrence it claims
	// (ScheduledFor = the task's NextRunAt) and carries a fencing token.
	// Its cost does not grow with the number of due tasks: it reads the
	// index in ListDue's order, one range per distinct Priority of the
	// enabled tasks, and stops after limit rows (plus rows under a live
	// lease or being claimed right now, which it steps over); so it grows
	// with the number of distinct priorities instead, which should stay
	// small (a handful of levels, not a timestamp).
	ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Claim, error)
	// CompleteClaim records the fire (task, occurrence, owner, fired now) in
	// the ledger, sets LastRunAt to the occurrence and NextRunAt to nextRun
	// (nil: no next run, and the task is disabled, as for a finished
	// one-time task), bumps Version and releases the lease, in one
	// transaction, only if the claim's token is still current: otherwise
	// ErrLeaseLost and nothing changes.
	CompleteClaim(ctx context.Context, c Claim, nextRun *time.Time) error
	// ReleaseClaim gives the lease back without firing (graceful shutdown):
	// the occurrence is claimable again at once. ErrLeaseLost if the token
	// is no longer current.
	ReleaseClaim(ctx context.Context, c Claim) error
	// Ensure creates t unless a task with the same definition (TaskName,
	// ScheduleType, Schedule, Args, Kwargs) exists, and returns the stored
	// task and whether it was created. Concurrent Ensure calls with one
	// definition create exactly one row: a unique key decides, not a
	// lookup first. (A plain Create is not deduplicated; a Create racing an
	// Ensure can still add a second row with the same definition.)
	Ensure(ctx context.Context, t *Task) (task *Task, created bool, err error)
	// ListFires returns a task's fires, newest occurrence first, at most
	// limit (limit <= 0: all).
	ListFires(ctx context.Context, taskID string, limit int) ([]Fire, error)
	// NextDue returns the earliest NextRunAt among enabled tasks, due or
	// not, leased or not; ok is false when none has one. A scheduler sleeps
	// until then (an index lookup, not a read of every task).
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// PruneFires deletes fires recorded before olderThan and returns how
	// many. Keep at least the longest lease of history: pruning does not
	// weaken the guarantee for occurrences that can still be claimed.
	PruneFires(ctx context.Context, olderThan time.Time) (int64, error)
}

// Claim is a leased occurrence of a task.
type Claim struct {
	Task         *Task     // the task as it was claimed
	ScheduledFor time.Time // the occurrence: the task's NextRunAt when claimed
	Owner        string
	Token        int64     // fencing token: CompleteClaim succeeds only while it is current
	ClaimedAt    time.Time // the clock ClaimDue compared with (the database's when now was zero)
	LeaseUntil   time.Time
}

// Fire is one ledger row: an occurrence that fired.
type Fire struct {
	TaskID       string
	ScheduledFor time.Time
	Owner        string
	FiredAt      time.Time
}
