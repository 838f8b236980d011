package taskrow

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/flowrra/schedstore"
)

// MaxOwnerBytes bounds a claim owner's name, like an ID.
const MaxOwnerBytes = schedstore.MaxNameBytes

// ClaimWindow is ClaimDue's checked arguments: the clock to compare with
// and the lease end.
type ClaimWindow struct {
	Now        time.Time
	LeaseUntil time.Time
	Limit      int32
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

// CheckClaim validates a claim handed back to CompleteClaim or ReleaseClaim.
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
func RowsFrom[R any](generated []R, toRow func(R) Row) []Row {
	rows := make([]Row, len(generated))
	for i, g := range generated {
		rows[i] = toRow(g)
	}
	return rows
}

// Claims turns freshly leased rows into claims, in ListDue's order
// (Priority descending, NextRunAt, ID): UPDATE ... RETURNING has no order.
// It sorts rows in place.
func Claims(rows []Row, w ClaimWindow) ([]schedstore.Claim, error) {
	slices.SortFunc(rows, func(a, b Row) int {
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
		out = append(out, schedstore.Claim{
			Task:         t,
			ScheduledFor: *t.NextRunAt,
			Owner:        r.LeaseOwner,
			Token:        r.LeaseToken,
			ClaimedAt:    w.Now,
			LeaseUntil:   w.LeaseUntil,
		})
	}
	return out, nil
}

// Completion is CompleteClaim's checked write.
type Completion struct {
	ScheduledFor time.Time
	NextRunAt    *time.Time
	KeepEnabled  bool // false: no next run, so the task is disabled
	FiredAt      time.Time
}

// NewCompletion validates a completion of c at now.
func NewCompletion(c schedstore.Claim, nextRun *time.Time, now time.Time) (Completion, error) {
	if err := CheckClaim(c); err != nil {
		return Completion{}, err
	}
	if nextRun != nil {
		if err := schedstore.ValidateTime("nextRun", *nextRun); err != nil {
			return Completion{}, err
		}
	}
	return Completion{
		ScheduledFor: Time(c.ScheduledFor),
		NextRunAt:    TimePtr(nextRun),
		KeepEnabled:  nextRun != nil,
		FiredAt:      Time(now),
	}, nil
}

// FireLimit is ListFires' limit for SQL: limit <= 0 means all.
func FireLimit(limit int) int32 {
	if limit <= 0 || limit > 1<<31-1 {
		return 1<<31 - 1
	}
	return int32(limit)
}

// CompletionResult maps what CompleteClaim (or ReleaseClaim, recorded
// true) changed to the contract's errors.
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
func NewFire(taskID string, scheduledFor time.Time, owner string, firedAt time.Time) schedstore.Fire {
	return schedstore.Fire{TaskID: taskID, ScheduledFor: Time(scheduledFor), Owner: owner, FiredAt: Time(firedAt)}
}

// FiresFrom maps a dialect's generated ledger rows to fires, in order.
func FiresFrom[F any](rows []F, toFire func(F) schedstore.Fire) []schedstore.Fire {
	out := make([]schedstore.Fire, len(rows))
	for i, r := range rows {
		out[i] = toFire(r)
	}
	return out
}
