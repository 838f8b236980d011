package conformance

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// taskOpts compares tasks as the contract promises them. cmp would use
// time.Time's Equal method, which ignores the zone; the contract also
// promises UTC, so a time must be the same instant and in time.UTC. Nil and
// empty Args or Kwargs stay apart: read-back values are never nil.
var taskOpts = cmp.Options{
	cmp.Comparer(func(a, b time.Time) bool {
		return a.Equal(b) && a.Location() == b.Location()
	}),
}

// ignoreUpdatedAt is for comparisons after a write whose UpdatedAt comes
// from the backend's clock and was not written back (UpdateRunTimes).
var ignoreUpdatedAt = cmpopts.IgnoreFields(schedstore.Task{}, "UpdatedAt")

// clockTolerance bounds how far a backend's "now" may sit outside the
// interval the test observed around the call. It absorbs a database server
// whose clock differs slightly from the test's, yet still catches a time
// stored in the wrong zone (every zone offset in use is at least 30 minutes).
const clockTolerance = time.Minute

// normalize returns what a backend must read back for in: times in UTC
// truncated to the microsecond, Args and Kwargs canonical JSON decoded with
// json.Number, RetryDelay in whole microseconds. It applies the rules
// through internal/taskrow, the codec every adapter stores with.
func normalize(t testing.TB, in *schedstore.Task) *schedstore.Task {
	t.Helper()
	def, err := taskrow.NewDefinition(in.TaskName, in.ScheduleType, in.Schedule, in.Args, in.Kwargs)
	if err != nil {
		t.Fatalf("normalize %q: %v", in.ID, err)
	}
	args, err := taskrow.DecodeArgs(def.Args)
	if err != nil {
		t.Fatalf("normalize %q: args: %v", in.ID, err)
	}
	kwargs, err := taskrow.DecodeKwargs(def.Kwargs)
	if err != nil {
		t.Fatalf("normalize %q: kwargs: %v", in.ID, err)
	}
	out := *in
	out.Args = args
	out.Kwargs = kwargs
	out.LastRunAt = taskrow.TimePtr(in.LastRunAt)
	out.NextRunAt = taskrow.TimePtr(in.NextRunAt)
	out.CreatedAt = taskrow.Time(in.CreatedAt)
	out.UpdatedAt = taskrow.Time(in.UpdatedAt)
	out.RetryDelay = in.RetryDelay.Truncate(time.Microsecond)
	out.PausedAt = taskrow.TimePtr(in.PausedAt)
	withDefaultPolicies(&out)
	return &out
}

// diff reports want and got apart with cmp.Diff; extra options narrow the
// comparison.
func diff(t testing.TB, what string, want, got any, opts ...cmp.Option) bool {
	t.Helper()
	if d := cmp.Diff(want, got, taskOpts, cmp.Options(opts)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
		return false
	}
	return true
}

// wantIs fails t unless errors.Is(err, target).
func wantIs(t testing.TB, what string, err, target error) bool {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want one wrapping %v", what, err, target)
		return false
	}
	return true
}

// wantField fails t unless err wraps ErrInvalidTask through a *FieldError
// naming field, the contract's way of saying which input was bad.
func wantField(t testing.TB, what string, err error, field string) {
	t.Helper()
	if !wantIs(t, what, err, schedstore.ErrInvalidTask) {
		return
	}
	var fe *schedstore.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("%s: error %v wraps ErrInvalidTask but no *schedstore.FieldError", what, err)
		return
	}
	if fe.Field != field {
		t.Errorf("%s: FieldError.Field = %q, want %q (error: %v)", what, fe.Field, field, err)
	}
}

// isStamp reports whether at has the stored form: set, UTC, whole µs.
func isStamp(at time.Time) bool {
	return !at.IsZero() && at.Location() == time.UTC && at.Nanosecond()%1000 == 0
}

// wantNow fails t unless got is a stored-form time that the backend could
// have taken as "now" during a call made between before and after.
func wantNow(t testing.TB, what string, got, before, after time.Time) {
	t.Helper()
	if !isStamp(got) {
		t.Errorf("%s = %v: want a UTC time in whole microseconds", what, got)
		return
	}
	lo := before.Add(-clockTolerance).Truncate(time.Microsecond)
	hi := after.Add(clockTolerance)
	if got.Before(lo) || got.After(hi) {
		t.Errorf("%s = %v: want the time of the call, between %v and %v", what, got, before.UTC(), after.UTC())
	}
}

// wantNone fails t unless a list call returned no tasks.
func wantNone(t testing.TB, what string, got []*schedstore.Task) {
	t.Helper()
	if len(got) != 0 {
		t.Errorf("%s: got tasks %q, want none", what, ids(got))
	}
}

func ids(tasks []*schedstore.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.ID
	}
	return out
}

// sortByID orders tasks by ID, for tests about content rather than order.
func sortByID(tasks []*schedstore.Task) []*schedstore.Task {
	slices.SortFunc(tasks, func(a, b *schedstore.Task) int { return strings.Compare(a.ID, b.ID) })
	return tasks
}

// withDefaultPolicies sets t's zero policies to what they read back as.
func withDefaultPolicies(t *schedstore.Task) {
	misfire, maxCatchUp, overlap := taskrow.Policies(t)
	t.Misfire, t.MaxCatchUp, t.Overlap = schedstore.MisfirePolicy(misfire), int(maxCatchUp), schedstore.OverlapPolicy(overlap)
}
