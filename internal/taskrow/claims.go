package taskrow

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowrra/schedstore"
)

// MaxOwnerBytes bounds a claim owner's name, like an ID.
const MaxOwnerBytes = schedstore.MaxNameBytes

// ClaimWindow is ClaimDue's checked arguments: the clock to compare with
// and the lease end, and what the dialect learned about the table before
// the claim.
type ClaimWindow struct {
	Now        time.Time
	LeaseUntil time.Time
	Limit      int32
	// Priorities are the distinct priorities of enabled tasks, when the
	// dialect read them before the claim (core.Dialect.ClaimClock); nil
	// when it did not, and the dialect's ClaimDue reads them itself if it
	// needs them. Only MySQL does: without LATERAL its claim is one range
	// of the claim index per priority, so it must know them first, and
	// reading them in the same round trip as the clock keeps that read
	// out of the claim transaction. Empty but not nil: no enabled task,
	// nothing to claim. A priority that appears after they were read is
	// claimed next time.
	Priorities []int32
}

// CheckClaimArgs validates ClaimDue's arguments (not now, which the
// adapter may read from the database first).
func CheckClaimArgs(owner string, lease time.Duration, limit int) error {
	if err := checkOwner(owner); err != nil {
		return err
	}
	if lease < time.Microsecond {
		return &schedstore.FieldError{Field: "lease", Reason: fmt.Sprintf("%v is shorter than 1µs", lease)}
	}
	if limit < 1 || limit > 1<<20 {
		return &schedstore.FieldError{Field: "limit", Reason: fmt.Sprintf("%d is outside 1..%d", limit, 1<<20)}
	}
	return nil
}

// NewClaimWindow is the window for a claim at now.
func NewClaimWindow(now time.Time, lease time.Duration, limit int) ClaimWindow {
	now = Time(now)
	return ClaimWindow{Now: now, LeaseUntil: Time(now.Add(lease)), Limit: int32(limit)}
}

// CheckClaim validates a claim handed back to CompleteClaim, ReleaseClaim or
// ReturnClaim.
func CheckClaim(c schedstore.Claim) error {
	if c.Task == nil {
		return &schedstore.FieldError{Field: "Claim.Task", Reason: "is nil"}
	}
	if err := schedstore.ValidateID(c.Task.ID); err != nil {
		return err
	}
	return checkOwner(c.Owner)
}

func checkOwner(owner string) error {
	if err := schedstore.ValidateID(owner); err != nil {
		return &schedstore.FieldError{Field: "owner", Reason: err.(*schedstore.FieldError).Reason}
	}
	return nil
}

// RowsFrom maps a dialect's generated rows to Rows, in one allocation.
func RowsFrom[R any](generated []R, toRow func(R) Row) []Row { return Map(generated, toRow) }

// Map maps a dialect's generated rows to the shared form, in one allocation.
func Map[R, T any](generated []R, to func(R) T) []T {
	out := make([]T, len(generated))
	for i, g := range generated {
		out[i] = to(g)
	}
	return out
}

// Claims turns freshly leased rows into claims, in ListDue's order
// (Priority descending, NextRunAt, ID): UPDATE ... RETURNING has no order.
// It sorts rows in place.
func Claims(rows []Row, w ClaimWindow) ([]schedstore.Claim, error) {
	// Requested occurrences first, in the order they were claimed (the
	// queue's); then the due ones in ListDue's order.
	slices.SortStableFunc(rows, func(a, b Row) int {
		if ar, br := a.AttemptKind != "", b.AttemptKind != ""; ar || br {
			switch {
			case ar && br:
				return 0
			case ar:
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
			return c
		}
		if c := a.NextRunAt.Compare(*b.NextRunAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]schedstore.Claim, 0, len(rows))
	for _, r := range rows {
		t, err := r.Task()
		if err != nil {
			return nil, err
		}
		scheduledFor, kind := t.NextRunAt, schedstore.FireScheduled
		if r.AttemptKind != "" && r.AttemptFor != nil {
			scheduledFor, kind = r.AttemptFor, schedstore.FireKind(r.AttemptKind)
		}
		out = append(out, schedstore.Claim{
			Task:         t,
			Kind:         kind,
			ScheduledFor: Time(*scheduledFor),
			Owner:        r.LeaseOwner,
			Token:        r.LeaseToken,
			ClaimedAt:    w.Now,
			LeaseUntil:   w.LeaseUntil,
			Attempt:      int(r.Attempts),
			FirstAttemptAt: func() time.Time {
				if r.FirstAttemptAt != nil {
					return Time(*r.FirstAttemptAt)
				}
				return w.Now
			}(),
		})
	}
	return out, nil
}

// Completion is one checked write of CompleteClaims.
type Completion struct {
	ID           string
	Token        int64
	ScheduledFor time.Time
	NextRunAt    *time.Time
	KeepEnabled  bool // false: no next run, so the task is disabled
	Status       string
	Attempts     int32
	StartedAt    time.Time
	FinishedAt   time.Time
	Error        string
	Kind         string
	// The occurrences the ledger row stands for: ScheduledFor through
	// LastScheduledFor (equal for one).
	Occurrences      int32
	LastScheduledFor time.Time
	// SkippedCount > 0: record a skipped row too, for SkippedFirst through
	// SkippedLast.
	SkippedFirst, SkippedLast time.Time
	SkippedCount              int32
}

// SkippedFire is the skipped row c records besides its own (when
// SkippedCount > 0), as a completion of its own: status skipped, kind
// scheduled, one attempt, no start (a zero StartedAt is stored as NULL).
func (c Completion) SkippedFire() Completion {
	return Completion{ID: c.ID, Token: c.Token, ScheduledFor: c.SkippedFirst, Status: string(schedstore.FireSkipped),
		Attempts: 1, FinishedAt: c.FinishedAt, Kind: string(schedstore.FireScheduled),
		Occurrences: c.SkippedCount, LastScheduledFor: c.SkippedLast}
}

// Completed is what CompleteClaims did for one completion.
type Completed struct {
	Advanced bool // the token was current: the task advanced and its lease was released
	Recorded bool // the ledger did not hold the occurrence: it was recorded
}

// NewCompletion validates a completion, finished at now when it says no
// time.
func NewCompletion(in schedstore.Completion, now time.Time) (Completion, error) {
	c := in.Claim
	if err := CheckClaim(c); err != nil {
		return Completion{}, err
	}
	if in.NextRun != nil {
		if err := schedstore.ValidateTime("NextRun", *in.NextRun); err != nil {
			return Completion{}, err
		}
	}
	status := in.Status
	if status == "" {
		status = schedstore.FireSucceeded
	}
	if !status.Valid() {
		return Completion{}, &schedstore.FieldError{Field: "Status",
			Reason: fmt.Sprintf("%q is not succeeded, failed, missed or skipped", status)}
	}
	kind := c.Kind
	if kind == "" {
		kind = schedstore.FireScheduled
	}
	if !kind.Valid() {
		return Completion{}, &schedstore.FieldError{Field: "Claim.Kind",
			Reason: fmt.Sprintf("%q is not scheduled, manual or backfill", kind)}
	}
	occurrences, last, err := occurrenceRun("", in.Occurrences, c.ScheduledFor, in.LastScheduledFor)
	if err != nil {
		return Completion{}, err
	}
	var skippedFirst, skippedLast time.Time
	var skippedCount int32
	if s := in.Skipped; s != nil {
		if err := schedstore.ValidateTime("Skipped.First", s.First); err != nil {
			return Completion{}, err
		}
		if s.Count < 1 {
			return Completion{}, &schedstore.FieldError{Field: "Skipped.Count", Reason: fmt.Sprintf("%d is below 1", s.Count)}
		}
		if skippedCount, skippedLast, err = occurrenceRun("Skipped.", s.Count, s.First, s.Last); err != nil {
			return Completion{}, err
		}
		skippedFirst = Time(s.First)
	}
	attempts := in.Attempts
	if attempts < 0 {
		return Completion{}, &schedstore.FieldError{Field: "Attempts", Reason: fmt.Sprintf("%d is negative", attempts)}
	}
	if attempts == 0 {
		attempts = c.Attempt
	}
	if attempts < 1 {
		attempts = 1 // a claim made before attempts were counted
	}
	if attempts > 1<<31-1 {
		return Completion{}, &schedstore.FieldError{Field: "Attempts", Reason: fmt.Sprintf("%d is too large", attempts)}
	}
	finished := in.FinishedAt
	if finished.IsZero() {
		finished = now
	}
	started := c.FirstAttemptAt
	if started.IsZero() || started.After(finished) {
		started = finished
	}
	return Completion{
		ID:           c.Task.ID,
		Token:        c.Token,
		ScheduledFor: Time(c.ScheduledFor),
		NextRunAt:    TimePtr(in.NextRun),
		KeepEnabled:  in.NextRun != nil,
		Status:       string(status),
		Attempts:     int32(attempts),
		StartedAt:    Time(started),
		FinishedAt:   Time(finished),
		Error:        FireError(in.Error),
		Kind:         string(kind),

		Occurrences: occurrences, LastScheduledFor: last,
		SkippedFirst: skippedFirst, SkippedLast: skippedLast, SkippedCount: skippedCount,
	}, nil
}

// occurrenceRun checks a run of count occurrences from first to last (0 and
// a zero last: just first) and returns them as stored.
func occurrenceRun(prefix string, count int, first, last time.Time) (int32, time.Time, error) {
	switch {
	case count < 0:
		return 0, time.Time{}, &schedstore.FieldError{Field: prefix + "Occurrences", Reason: fmt.Sprintf("%d is negative", count)}
	case count > 1<<31-1:
		return 0, time.Time{}, &schedstore.FieldError{Field: prefix + "Occurrences", Reason: fmt.Sprintf("%d is too large", count)}
	case count == 0:
		count = 1
	}
	if last.IsZero() {
		return int32(count), Time(first), nil
	}
	if err := schedstore.ValidateTime(prefix+"LastScheduledFor", last); err != nil {
		return 0, time.Time{}, err
	}
	if last.Before(first) {
		return 0, time.Time{}, &schedstore.FieldError{Field: prefix + "LastScheduledFor",
			Reason: fmt.Sprintf("%s is before the first occurrence %s", last.UTC().Format(time.RFC3339Nano),
				first.UTC().Format(time.RFC3339Nano))}
	}
	return int32(count), Time(last), nil
}

// FireError makes an error text storable: valid UTF-8 without NUL
// characters, at most schedstore.MaxFireErrorBytes, cut at a rune boundary.
func FireError(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= schedstore.MaxFireErrorBytes {
		return s
	}
	cut := schedstore.MaxFireErrorBytes - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// FireLimit is ListFires' limit for SQL: limit <= 0 means all.
func FireLimit(limit int) int32 {
	if limit <= 0 || limit > 1<<31-1 {
		return 1<<31 - 1
	}
	return int32(limit)
}

// CompletionResult maps what CompleteClaim (or ReleaseClaim, ReturnClaim
// or StartRetry, recorded true) changed to the contract's errors.
func CompletionResult(c schedstore.Claim, completed, recorded bool) error {
	switch {
	case !completed:
		return fmt.Errorf("%w: task %q, token %d, owner %q", schedstore.ErrLeaseLost, c.Task.ID, c.Token, c.Owner)
	case !recorded:
		return fmt.Errorf("%w: task %q at %s", schedstore.ErrAlreadyFired, c.Task.ID,
			c.ScheduledFor.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// NewFire builds a ledger entry from stored values.
func NewFire(taskID string, scheduledFor time.Time, owner string, startedAt *time.Time, finishedAt time.Time,
	status string, attempts int64, errText string) schedstore.Fire {
	return schedstore.Fire{TaskID: taskID, ScheduledFor: Time(scheduledFor), Owner: owner, StartedAt: TimePtr(startedAt),
		FinishedAt: Time(finishedAt), Status: schedstore.FireStatus(status), Attempts: int(attempts), Error: errText,
		Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: Time(scheduledFor)}
}

// WithRun sets what a ledger row stands for: its kind, and the
// occurrences from ScheduledFor through last (nil: ScheduledFor alone, as
// for rows recorded before they were kept).
func WithRun(f schedstore.Fire, kind string, occurrences int64, last *time.Time) schedstore.Fire {
	f.Kind, f.Occurrences = schedstore.FireKind(kind), int(occurrences)
	if last != nil {
		f.LastScheduledFor = Time(*last)
	}
	return f
}

// FiresFrom maps a dialect's generated ledger rows to fires, in order.
func FiresFrom[F any](rows []F, toFire func(F) schedstore.Fire) []schedstore.Fire {
	out := make([]schedstore.Fire, len(rows))
	for i, r := range rows {
		out[i] = toFire(r)
	}
	return out
}
