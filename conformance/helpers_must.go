package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// mustCreate creates in, checks the write-back every Create owes its caller
// and returns the task the backend must now read back.
func mustCreate(t testing.TB, b schedstore.Store, in *schedstore.Task) *schedstore.Task {
	t.Helper()
	if err := b.Create(t.Context(), in); err != nil {
		t.Fatalf("Create(%q): %v", in.ID, err)
	}
	if in.ID == "" {
		t.Fatalf("Create wrote back an empty ID")
	}
	if !isStamp(in.CreatedAt) {
		t.Errorf("Create(%q) wrote back CreatedAt %v: want UTC, whole microseconds", in.ID, in.CreatedAt)
	}
	if !in.UpdatedAt.Equal(in.CreatedAt) || in.UpdatedAt.Location() != time.UTC {
		t.Errorf("Create(%q) wrote back UpdatedAt %v, want CreatedAt %v", in.ID, in.UpdatedAt, in.CreatedAt)
	}
	if in.Version != 1 {
		t.Errorf("Create(%q) wrote back Version %d, want 1", in.ID, in.Version)
	}
	return normalize(t, in)
}

// mustCreateAll creates the tasks in order and returns the read-back form
// of each, keyed by ID.
func mustCreateAll(t testing.TB, b schedstore.Store, in ...*schedstore.Task) map[string]*schedstore.Task {
	t.Helper()
	out := make(map[string]*schedstore.Task, len(in))
	for _, task := range in {
		w := mustCreate(t, b, task)
		out[w.ID] = w
	}
	return out
}

// pick returns the tasks of byID in the order of ids, the expected result
// of a list call.
func pick(t testing.TB, byID map[string]*schedstore.Task, ids ...string) []*schedstore.Task {
	t.Helper()
	out := make([]*schedstore.Task, 0, len(ids))
	for _, id := range ids {
		task, ok := byID[id]
		if !ok {
			t.Fatalf("test bug: no task %q", id)
		}
		out = append(out, task)
	}
	return out
}

func mustGet(t testing.TB, b schedstore.Store, id string) *schedstore.Task {
	t.Helper()
	got, err := b.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	return got
}

func mustListAll(t testing.TB, b schedstore.Store) []*schedstore.Task {
	t.Helper()
	got, err := b.ListAll(t.Context())
	if err != nil {
		t.Fatalf("ListAll: %v", err)
	}
	return got
}

func mustListEnabled(t testing.TB, b schedstore.Store) []*schedstore.Task {
	t.Helper()
	got, err := b.ListEnabled(t.Context())
	if err != nil {
		t.Fatalf("ListEnabled: %v", err)
	}
	return got
}

func mustListDue(t testing.TB, b schedstore.Store, now time.Time) []*schedstore.Task {
	t.Helper()
	got, err := b.ListDue(t.Context(), now)
	if err != nil {
		t.Fatalf("ListDue(%v): %v", now, err)
	}
	return got
}

func mustFind(t testing.TB, b schedstore.Store, d *schedstore.Task) *schedstore.Task {
	t.Helper()
	got, err := b.FindByDefinition(t.Context(), d.TaskName, d.ScheduleType, d.Schedule, d.Args, d.Kwargs)
	if err != nil {
		t.Fatalf("FindByDefinition(%q, %q, %q, %v, %v): %v", d.TaskName, d.ScheduleType, d.Schedule, d.Args, d.Kwargs, err)
	}
	return got
}

// wantEmpty fails t unless the backend stores no task: the proof that a
// rejected call wrote nothing.
func wantEmpty(t testing.TB, what string, b schedstore.Store) {
	t.Helper()
	if got := mustListAll(t, b); len(got) != 0 {
		t.Errorf("%s: ListAll has %d tasks, want none; first: %+v", what, len(got), got[0])
	}
}
