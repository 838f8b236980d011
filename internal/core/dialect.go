package core

import (
	"context"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// Dialect is what a database adapter implements: row operations, each one
// statement where the dialect can (else a few, or one transaction, of the
// dialect's own shape), over rows in the shared form. Arguments are already validated and normalized (UTC,
// whole microseconds). Errors come back interpreted: sql.ErrNoRows and its
// kin as schedstore.ErrNotFound, unique violations as
// schedstore.ErrAlreadyExists, rejected values as schedstore.ErrInvalidTask.
//
// Lists return decoded tasks rather than rows, so that a dialect decodes
// its generated rows straight into one backing array
// ([taskrow.TasksFrom]).
type Dialect interface {
	// CreateTask inserts r.
	CreateTask(ctx context.Context, r taskrow.Row) error
	// UpdateTask replaces the task r.ID (all but CreatedAt), bumping its
	// version, where expectedVersion is 0 or the stored version, and
	// returns how many rows matched.
	UpdateTask(ctx context.Context, r taskrow.Row, expectedVersion int64) (matched int64, err error)
	// TaskExists reports whether a task has the ID.
	TaskExists(ctx context.Context, id string) (bool, error)
	// DeleteTask deletes a task and returns how many rows it deleted.
	DeleteTask(ctx context.Context, id string) (int64, error)
	// GetTask reads a task (ErrNotFound when there is none).
	GetTask(ctx context.Context, id string) (taskrow.Row, error)
	// ListAllTasks, ListEnabledTasks and ListDueTasks decode in
	// Backend's orders; ListDueTasks takes the cutoff to compare NextRunAt with.
	ListAllTasks(ctx context.Context) ([]*schedstore.Task, error)
	ListEnabledTasks(ctx context.Context) ([]*schedstore.Task, error)
	ListDueTasks(ctx context.Context, cutoff time.Time) ([]*schedstore.Task, error)
	// ListTasksPage decodes at most limit tasks after the cursor in
	// ListAll's order, reading the index on (created_at, id); the zero
	// Cursor is before every task. after.CreatedAt is already in the
	// stored form.
	ListTasksPage(ctx context.Context, after schedstore.Cursor, limit int32) ([]*schedstore.Task, error)
	// UpdateRunTimes writes rt to the task id, bumping its version, and
	// returns how many rows matched.
	UpdateRunTimes(ctx context.Context, id string, rt taskrow.RunTimes) (matched int64, err error)
	// ClearTasks deletes every task and returns how many.
	ClearTasks(ctx context.Context) (int64, error)
	// FindTask reads a task with def's fingerprint and the given fields
	// (ErrNotFound when there is none).
	FindTask(ctx context.Context, taskName, scheduleType, schedule string, def taskrow.Definition) (taskrow.Row, error)

	// DatabaseNow reads the database's clock (an embedded database's is
	// the process's).
	DatabaseNow(ctx context.Context) (time.Time, error)
	// ClaimClock starts a claim at now (already normalized), or at the
	// database's clock when now is zero (DatabaseNow): the claim's now,
	// whether a request (Trigger, Backfill) is due at it, so that a claim
	// reads the queue only when there is something in it, whether a task
	// is, so that a claim that would find nothing stops there, and what
	// the dialect's ClaimDue wants to know first (ClaimStart.Priorities),
	// in one round trip at most (MySQL, with the database's clock and no
	// task, reads its clock in a second). A dialect that does not look
	// says RequestsDue and TasksDue true (StartAt).
	ClaimClock(ctx context.Context, now time.Time) (ClaimStart, error)
	// ClaimDue leases to owner, until w.LeaseUntil, at most w.Limit enabled
	// tasks due at w.Now and not under a live lease, skipping locked rows,
	// and returns them as leased (LeaseOwner, LeaseToken), in any order.
	ClaimDue(ctx context.Context, owner string, w taskrow.ClaimWindow) ([]taskrow.Row, error)
	// CompleteClaims, in one transaction, for each completion whose token
	// is still owner's: advances the task as it says, releases its lease
	// (Advanced), and records the occurrence and its outcome unless the
	// ledger holds it already (Recorded). A stale completion changes
	// nothing. The result has one entry per completion, in order.
	CompleteClaims(ctx context.Context, owner string, batch []taskrow.Completion) ([]taskrow.Completed, error)
	// RenewLeases sets the lease of every task in ids that owner holds to
	// end at the database's now + lease, and returns the tokens of those
	// tasks (the tasks owner holds among ids), by ID.
	RenewLeases(ctx context.Context, owner string, ids []string, lease time.Duration) (map[string]int64, error)
	// StartRetry counts one more attempt at c's occurrence if c's token and
	// owner are current.
	StartRetry(ctx context.Context, c schedstore.Claim) (counted bool, err error)
	// RequestCandidates reads the oldest request of each task due at now
	// (Trigger, Backfill), oldest first, at most limit: a plain read.
	RequestCandidates(ctx context.Context, now time.Time, limit int32) ([]Candidate, error)
	// LeaseForRequest leases c's task to owner, until w.LeaseUntil, for
	// c, if the task is under no live lease and c is still queued, and
	// returns it as leased, with AttemptFor and AttemptKind set to c; ok is
	// false when it did not.
	LeaseForRequest(ctx context.Context, owner string, w taskrow.ClaimWindow, c Candidate) (r taskrow.Row, ok bool, err error)
	// QueueRequests queues the occurrences at of task taskID as requests of
	// kind, requested at requestedAt, each unless the fire ledger or the
	// queue holds it, and returns those it queued, in one transaction.
	QueueRequests(ctx context.Context, taskID, kind string, requestedAt time.Time, at []time.Time) ([]time.Time, error)
	// TakenOccurrences returns the occurrences of taskID in [from, to) that
	// the fire ledger or the queue holds.
	TakenOccurrences(ctx context.Context, taskID string, from, to time.Time) ([]time.Time, error)
	// NextRequest returns the oldest request's time; ok is false when the
	// queue is empty.
	NextRequest(ctx context.Context) (at time.Time, ok bool, err error)
	// ReleaseClaim clears c's lease if c's token and owner are current.
	ReleaseClaim(ctx context.Context, c schedstore.Claim) (released bool, err error)
	// ReturnClaim clears c's lease and uncounts the attempt it counted
	// (attempt 1: the row as never attempted; see schedstore.Store) if c's
	// token, owner and occurrence (attempt_for) are current.
	ReturnClaim(ctx context.Context, c schedstore.Claim) (returned bool, err error)
	// EnsureTask inserts r unless a task with its fingerprint as ensure key
	// exists; inserted is false when one did. A taken ID is ErrAlreadyExists
	// (on MySQL, so is the ensure key's conflict).
	EnsureTask(ctx context.Context, r taskrow.Row) (inserted bool, err error)
	// ListFires returns a task's fires, newest occurrence first, at most limit.
	ListFires(ctx context.Context, taskID string, limit int32) ([]schedstore.Fire, error)
	// PruneFires deletes the fires recorded before before and returns how many.
	PruneFires(ctx context.Context, before time.Time) (int64, error)
	// SetPause writes p to the task id where its version is
	// expectedVersion, bumping it, and returns how many rows matched.
	SetPause(ctx context.Context, id string, p taskrow.PauseState, expectedVersion int64) (matched int64, err error)
	// NextDue returns the earliest NextRunAt of an enabled task; ok is
	// false when none has one.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
}

// ClaimStart is what Dialect.ClaimClock learns before a claim.
type ClaimStart struct {
	// Now is the claim's clock: the caller's, or the database's when the
	// caller passed none.
	Now time.Time
	// RequestsDue is false only when the dialect looked at the queue of
	// requests and none is due at Now: the claim then skips
	// RequestCandidates.
	RequestsDue bool
	// TasksDue is false only when the dialect looked and no enabled task is
	// due and free of a live lease at Now: the claim then skips the
	// dialect's ClaimDue, so a claim that finds nothing costs the one
	// statement that said so.
	TasksDue bool
	// Priorities become the claim window's (taskrow.ClaimWindow.Priorities):
	// the distinct priorities of enabled tasks when the dialect read them
	// in the same round trip as the rest (MySQL), else nil.
	Priorities []int32
}

// StartAt is the ClaimStart of a dialect that reads nothing ahead of a
// claim at now: the queue is read to know whether a request is due, and
// the due tasks are claimed.
func StartAt(now time.Time) ClaimStart {
	return ClaimStart{Now: now, RequestsDue: true, TasksDue: true}
}

// Options are how dialects differ in what Store decides.
type Options struct {
	// Now is the process clock (time.Now when nil): CreatedAt, UpdatedAt,
	// PausedAt, the FinishedAt of a completion that gives none, and a zero
	// ListDue cutoff.
	Now func() time.Time
	// EnsureLooksUpFirst: Ensure reads the definition before inserting,
	// instead of inserting first. MySQL sets it: an INSERT that checks for
	// the definition itself takes shared gap locks that concurrent Ensure
	// calls deadlock on.
	EnsureLooksUpFirst bool
	// Close releases what the dialect owns (a pool Open made; nil for one
	// the application passed in). Store.Close calls it once.
	Close func() error
}

// CloseIf is Options.Close for a pool the dialect owns when owned (Open
// made it): close, else nil.
func CloseIf(owned bool, close func() error) func() error {
	if !owned {
		return nil
	}
	return close
}
