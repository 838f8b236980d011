package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowrra/schedstore"
)

// reconcile adopts the backend's UpdatedAt for a task last changed by
// UpdateRunTimes, after checking that it is a time of that call.
func (r *modelRun) reconcile(want, got *schedstore.Task) {
	w, ok := r.fuzzy[want.ID]
	if !ok || want.ID != got.ID {
		return
	}
	r.checkNow("UpdatedAt after UpdateRunTimes of "+want.ID, got.UpdatedAt, w)
	want.UpdatedAt = got.UpdatedAt
	r.m.mu.Lock()
	row := r.m.rows[want.ID]
	row.UpdatedAt = got.UpdatedAt
	r.m.rows[want.ID] = row
	r.m.mu.Unlock()
	delete(r.fuzzy, want.ID)
}

func (r *modelRun) checkNow(what string, got time.Time, w window) {
	if !isStamp(got) || got.Before(w.before.Add(-clockTolerance).Truncate(time.Microsecond)) || got.After(w.after.Add(clockTolerance)) {
		r.failf("%s = %v: want a UTC time in whole microseconds between %v and %v", what, got, w.before.UTC(), w.after.UTC())
	}
}

func (r *modelRun) note(format string, args ...any) {
	const keep = 20
	if len(r.recent) == keep {
		r.recent = r.recent[1:]
	}
	r.recent = append(r.recent, fmt.Sprintf("%d: ", r.step)+fmt.Sprintf(format, args...))
}

func (r *modelRun) failf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("seed %d (replay: %s=%d), call %d: %s\nlast calls:\n  %s",
		r.seed, seedEnv, r.seed, r.step, fmt.Sprintf(format, args...), strings.Join(r.recent, "\n  "))
}

func (r *modelRun) diff(what string, want, got any, opts ...cmp.Option) {
	r.t.Helper()
	if d := cmp.Diff(want, got, taskOpts, cmp.Options(opts)); d != "" {
		r.failf("%s differs from the model (-model +backend):\n%s", what, d)
	}
}

// sameErr fails unless the backend and the model failed alike: the same
// sentinel, and for invalid input the same field.
func (r *modelRun) sameErr(call string, errB, errM error) {
	r.t.Helper()
	cb, cm := errClass(errB), errClass(errM)
	r.counts[strings.TrimSpace(strings.SplitN(call, "(", 2)[0])+": "+cm]++
	if cb != cm {
		r.failf("%s: backend returned %v (%s), model %v (%s)", call, errB, cb, errM, cm)
	}
}

func errClass(err error) string {
	var fe *schedstore.FieldError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &fe) && errors.Is(err, schedstore.ErrInvalidTask):
		return "invalid " + fe.Field
	case errors.Is(err, schedstore.ErrNotFound):
		return "not found"
	case errors.Is(err, schedstore.ErrAlreadyExists):
		return "already exists"
	case errors.Is(err, schedstore.ErrConflict):
		return "conflict"
	case errors.Is(err, schedstore.ErrLeaseLost):
		return "lease lost"
	case errors.Is(err, schedstore.ErrAlreadyFired):
		return "already fired"
	}
	return "other error"
}

func (r *modelRun) summary() string {
	keys := slices.Sorted(maps.Keys(r.counts))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, r.counts[k])
	}
	return strings.Join(parts, ", ")
}

func cloneTask(t *schedstore.Task) *schedstore.Task {
	c := *t
	if t.LastRunAt != nil {
		c.LastRunAt = at(*t.LastRunAt)
	}
	if t.NextRunAt != nil {
		c.NextRunAt = at(*t.NextRunAt)
	}
	return &c
}

func describe(t *schedstore.Task) string {
	return fmt.Sprintf("%q %q %s %q args=%s kwargs=%s enabled=%v prio=%d last=%v next=%v created=%v version=%d",
		t.ID, t.TaskName, t.ScheduleType, t.Schedule, show(t.Args), show(t.Kwargs),
		t.Enabled, t.Priority, t.LastRunAt, t.NextRunAt, t.CreatedAt, t.Version)
}

// show spells args and kwargs for a failure message: %#v would print a
// json.RawMessage as bytes and hide which spelling a call used.
func show(v any) string {
	switch x := v.(type) {
	case json.RawMessage:
		return "json.RawMessage(`" + string(x) + "`)"
	case []any:
		if x == nil {
			return "nil"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		if x == nil {
			return "nil"
		}
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%q: %s", k, show(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%#v", v)
}
