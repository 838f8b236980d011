package schedstore

import (
	"context"
	"errors"
	"iter"
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
	//
	// A claim starts an attempt at its occurrence, counted in the database
	// before the caller runs anything: Claim.Attempt is 1 for a fresh
	// occurrence and goes on from the last count when the occurrence was
	// claimed before (a scheduler died holding it, or handed it back).
	//
	// Its cost does not grow with the number of due tasks: it reads the
	// index in ListDue's order, one range per distinct Priority of the
	// enabled tasks, and stops after limit rows (plus rows under a live
	// lease or being claimed right now, which it steps over); so it grows
	// with the number of distinct priorities instead, which should stay
	// small (a handful of levels, not a timestamp).
	ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Claim, error)
	// CompleteClaim is CompleteClaims for one claim that succeeded.
	CompleteClaim(ctx context.Context, c Claim, nextRun *time.Time) error
	// CompleteClaims records a batch of finished occurrences in one transaction
	// (one per 1000 completions: a longer batch is split). For each Completion
	// whose claim's token is still current, it records the occurrence and its
	// outcome in the fire ledger, sets LastRunAt to the occurrence and
	// NextRunAt to NextRun (nil: no next run, and the task is disabled, as for
	// a finished one-time task), bumps Version and releases the lease. The
	// returned slice has one entry per completion: nil, ErrLeaseLost (nothing
	// changed for it) or ErrAlreadyFired (advanced, but the ledger already held
	// the occurrence). A stale claim fails alone; the others commit. The error
	// is for the batch as a whole (invalid input, the database): then nothing
	// was written (of a split batch, the parts before the failing one were).
	// Every claim in a batch has the same Owner.
	CompleteClaims(ctx context.Context, batch []Completion) ([]error, error)
	// RenewClaims extends the lease of each claim to the database's now +
	// lease, only while its token is still current. The returned slice has
	// one entry per claim: nil, or ErrLeaseLost when another owner holds
	// the task now, or the task is gone (the caller must stop the work).
	// Every claim has the same Owner; each 1000 claims of the batch are one
	// statement on PostgreSQL and SQLite, two on MySQL.
	RenewClaims(ctx context.Context, claims []Claim, lease time.Duration) ([]error, error)
	// StartRetry counts the next attempt at c's occurrence before it runs
	// and returns c with Attempt increased: a scheduler that dies during the
	// retry cannot make the count start over. ErrLeaseLost if the token is
	// no longer current.
	StartRetry(ctx context.Context, c Claim) (Claim, error)
	// Trigger queues one run of the task now, outside its schedule (a
	// manual fire): the next ClaimDue, on any scheduler, claims it before
	// the due occurrences, as soon as the task is not running. It fires
	// whether or not the task is enabled or paused, and its completion
	// leaves NextRunAt and LastRunAt as they are. It returns the
	// occurrence (the database's now), the fire ledger's key for it.
	// ErrNotFound for an unknown ID.
	Trigger(ctx context.Context, id string) (time.Time, error)
	// Backfill queues each occurrence of the task's schedule in [from, to)
	// that neither the fire ledger nor the queue holds, to be fired by the
	// schedulers like a trigger (kind backfill), oldest first, within
	// their concurrency. It returns those occurrences; with dryRun it
	// queues nothing. The same backfill again queues nothing. An interval
	// schedule's grid is the task's (anchored at NextRunAt, else
	// LastRunAt, else CreatedAt). At most MaxBackfill occurrences
	// (ErrInvalidTask beyond).
	Backfill(ctx context.Context, id string, from, to time.Time, dryRun bool) ([]time.Time, error)
	// ReleaseClaim gives the lease back without recording anything
	// (graceful shutdown): the occurrence is claimable again at once, and
	// the attempt the claim started stays counted. ErrLeaseLost if the
	// token is no longer current. For a claim whose attempt never ran, use
	// ReturnClaim.
	ReleaseClaim(ctx context.Context, c Claim) error
	// ReturnClaim hands back a claim whose attempt never started (one a
	// scheduler held queued, or was about to start, when it stopped): it
	// gives the lease back as ReleaseClaim does and also uncounts the
	// attempt the claim counted, the last one counted for its occurrence
	// (c.Attempt for c as ClaimDue or StartRetry returned it), so the next
	// claim of the occurrence is attempt c.Attempt again, not c.Attempt+1.
	// A returned attempt 1 leaves the task as if never attempted: the next
	// claim is attempt 1 with its own FirstAttemptAt. A returned Trigger or
	// Backfill claim leaves its request queued, claimable again as the same
	// attempt. Nothing is recorded. ErrLeaseLost, with nothing changed, if
	// the token is no longer current (or c.ScheduledFor is not the
	// occurrence the lease is for, as for StartRetry). Returning a claim
	// whose attempt did run would let the occurrence run once more than
	// MaxRetries allows: for that, use ReleaseClaim.
	ReturnClaim(ctx context.Context, c Claim) error
	// Ensure creates t unless a task with the same definition (TaskName,
	// ScheduleType, Schedule, Args, Kwargs) exists, and returns the stored
	// task and whether it was created. Concurrent Ensure calls with one
	// definition create exactly one row: a unique key decides, not a
	// lookup first. (A plain Create is not deduplicated; a Create racing an
	// Ensure can still add a second row with the same definition.)
	Ensure(ctx context.Context, t *Task) (task *Task, created bool, err error)
	// ListFires returns a task's fire ledger rows, newest occurrence first,
	// at most limit (limit <= 0: all).
	ListFires(ctx context.Context, taskID string, limit int) ([]Fire, error)
	// NextDue returns the earliest NextRunAt among enabled tasks, due or
	// not, leased or not; ok is false when none has one. A scheduler sleeps
	// until then (an index lookup, not a read of every task).
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// PruneFires deletes fires that finished before olderThan and returns
	// how many. Keep at least the longest lease of history: pruning does not
	// weaken the guarantee for occurrences that can still be claimed.
	PruneFires(ctx context.Context, olderThan time.Time) (int64, error)
	// ListPage is one page of ListAll: at most limit tasks after the
	// cursor, in ListAll's order (CreatedAt, then ID). The zero Cursor is
	// the start of the list; [CursorOf] the last task of a page gives the
	// next one. It is one statement, a range of the index on
	// (created_at, id) read in order, so a page costs its own rows
	// whatever the size of the table; pages read one after another are not
	// one snapshot (a task created meanwhile after the cursor shows up,
	// one deleted does not). next is the cursor after the last task
	// returned, or the zero Cursor when the page had fewer than limit tasks
	// (the list has ended). limit is 1 to 1<<20 (else a *FieldError).
	ListPage(ctx context.Context, after Cursor, limit int) (tasks []*Task, next Cursor, err error)
	// ListAllSeq is the streaming form of ListAll: the tasks after the
	// cursor (the zero Cursor: all of them), in ListAll's order, read in
	// pages of ListPageSize tasks through ListPage, one round trip per
	// page, so its memory does not grow with the table. The context is
	// checked before every page; an error (ErrClosed, the context's, the
	// database's) is yielded once, with a nil task, and ends the sequence.
	// Breaking out of the loop stops reading: nothing is left open.
	ListAllSeq(ctx context.Context, after Cursor) iter.Seq2[*Task, error]
	// Pause disables the task id and records when (now) and why (reason,
	// at most MaxPauseReasonBytes; "" for none), bumping Version, and
	// returns the stored task. Pausing a paused task replaces the reason
	// and keeps PausedAt. A claim in flight still completes (and records
	// its fire), but the task stays disabled. ErrNotFound for an unknown
	// ID. Safe against concurrent writers: a version-checked write, retried
	// on a fresh read.
	Pause(ctx context.Context, id, reason string) (*Task, error)
	// Resume enables the task id again, clears its pause and sets NextRunAt
	// to the next slot after now (the stored NextRunAt if it is still in
	// the future; else the schedule's next slot after now, on the interval's
	// grid), bumping Version, and returns the stored task. The occurrences
	// that came due while it was paused are neither fired nor recorded,
	// whatever the misfire policy: no burst. A one-time task whose instant
	// has passed has no next slot: Resume clears its pause but leaves it
	// disabled with no NextRunAt (as a fired one-time task is); reschedule
	// it with Update. Resume also enables a task that was disabled without
	// Pause. ErrNotFound for an unknown ID.
	Resume(ctx context.Context, id string) (*Task, error)
}

// ListPageSize is how many tasks Store.ListAllSeq reads per page.
const ListPageSize = 1000

// Cursor is a position in ListAll's order (CreatedAt, then ID in byte
// order): the tasks after it are those created later, and those created at
// the same microsecond with a greater ID. The zero Cursor is before every
// task. A Cursor need not name a stored task.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// CursorOf is t's position: a page after it starts with the task that
// follows t in ListAll's order.
func CursorOf(t *Task) Cursor { return Cursor{CreatedAt: t.CreatedAt, ID: t.ID} }

// IsZero reports whether c is the start of the list.
func (c Cursor) IsZero() bool { return c.CreatedAt.IsZero() && c.ID == "" }

// Claim is a leased occurrence of a task.
type Claim struct {
	Task         *Task     // the task as it was claimed
	ScheduledFor time.Time // the occurrence: the task's NextRunAt when claimed
	Owner        string
	Token        int64     // fencing token: CompleteClaim succeeds only while it is current
	ClaimedAt    time.Time // the clock ClaimDue compared with (the database's when now was zero)
	LeaseUntil   time.Time
	// Attempt is the attempt at the occurrence this claim stands for,
	// 1-based, counted across every claim and retry of the occurrence.
	Attempt int
	// FirstAttemptAt is when attempt 1 of the occurrence was claimed (the
	// clock ClaimDue compared with): the start the ledger records.
	FirstAttemptAt time.Time
	// Kind is FireScheduled for a due occurrence, FireManual or
	// FireBackfill for a requested one (Trigger, Backfill), whose
	// completion does not advance the task.
	Kind FireKind
}

// MaxBackfill bounds the occurrences one Backfill call may queue.
const MaxBackfill = 10000

// FireStatus is the outcome of a fired occurrence.
type FireStatus string

// Outcomes recorded in the fire ledger.
const (
	FireSucceeded FireStatus = "succeeded" // an attempt succeeded
	FireFailed    FireStatus = "failed"    // every attempt failed, or it could not be run
	// FireMissed: not fired, by the misfire policy or past the misfire
	// grace; one row stands for a run of Occurrences missed occurrences.
	FireMissed FireStatus = "missed"
	// FireSkipped: not fired because the task's previous occurrence was
	// still running (OverlapSkip); one row stands for Occurrences of them.
	FireSkipped FireStatus = "skipped"
)

// Valid reports whether s is a known outcome.
func (s FireStatus) Valid() bool {
	return s == FireSucceeded || s == FireFailed || s == FireMissed || s == FireSkipped
}

// FireKind says why an occurrence was fired.
type FireKind string

// Kinds of fires.
const (
	FireScheduled FireKind = "scheduled" // by the schedule
	FireManual    FireKind = "manual"    // Store.Trigger: run now, outside the schedule
	FireBackfill  FireKind = "backfill"  // Store.Backfill: a past occurrence fired on request
)

// Valid reports whether k is a known kind.
func (k FireKind) Valid() bool { return k == FireScheduled || k == FireManual || k == FireBackfill }

// MaxFireErrorBytes bounds Fire.Error: longer errors are cut at a UTF-8
// boundary when they are recorded.
const MaxFireErrorBytes = 1024

// Fire is one row of the fire ledger: an occurrence that was fired, once,
// and how it ended.
type Fire struct {
	TaskID       string
	ScheduledFor time.Time // the occurrence
	Owner        string    // the scheduler that recorded it
	// StartedAt is when the first attempt started (lateness is StartedAt -
	// ScheduledFor); nil for fires recorded before schedstore kept it.
	StartedAt  *time.Time
	FinishedAt time.Time // when the last attempt ended and the outcome was recorded
	Status     FireStatus
	Attempts   int    // attempts made, at least 1 (1 for missed and skipped rows)
	Error      string // the last attempt's error; "" when it succeeded
	Kind       FireKind
	// Occurrences is how many occurrences the row stands for: 1, or more
	// for a missed or skipped row, which covers ScheduledFor through
	// LastScheduledFor without a row each.
	Occurrences      int
	LastScheduledFor time.Time
}

// Completion is one finished occurrence for CompleteClaims.
type Completion struct {
	Claim   Claim
	NextRun *time.Time // nil: no next run; the task is disabled
	Status  FireStatus // "" means FireSucceeded
	// Attempts made; 0 means Claim.Attempt.
	Attempts int
	// Error is the last attempt's error, cut to MaxFireErrorBytes.
	Error string
	// FinishedAt is when the last attempt ended; zero means now.
	FinishedAt time.Time
	// Occurrences and LastScheduledFor, for a missed or skipped
	// completion standing for several occurrences (0 and zero: just the
	// claimed one).
	Occurrences      int
	LastScheduledFor time.Time
	// Skipped, when set, is recorded too, in the same transaction: the
	// occurrences that came due while this one ran (OverlapSkip).
	Skipped *SkippedRun
}

// SkippedRun is a run of occurrences recorded as one skipped ledger row.
type SkippedRun struct {
	First, Last time.Time // the first and last skipped occurrence
	Count       int
}
