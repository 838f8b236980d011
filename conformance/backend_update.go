package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testUpdate(t *testing.T, s *suite) {
	s.leaf(t, "replaces_all_but_id_and_created_at", func(t *testing.T, b schedstore.Store) {
		created := mustCreate(t, b, taskWith("upd", func(t *schedstore.Task) { t.CreatedAt = base }))
		up := &schedstore.Task{
			ID:           "upd",
			TaskName:     "renamed",
			ScheduleType: schedstore.ScheduleCron,
			Schedule:     "*/5 * * * *",
			Args:         []any{"new", 1.5, nil},
			Kwargs:       map[string]any{"n": []any{1, 2}},
			Enabled:      false,
			LastRunAt:    at(base.Add(time.Minute).In(kolkata)),
			NextRunAt:    at(base.Add(2 * time.Minute).In(stJohns)),
			CreatedAt:    base.Add(99 * time.Hour), // must be ignored
			UpdatedAt:    base,                     // must be replaced
			Description:  "changed",
			MaxRetries:   7,
			RetryDelay:   1500 * time.Millisecond,
			Priority:     -4,
		}
		before := time.Now()
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		after := time.Now()
		wantNow(t, "written-back UpdatedAt", up.UpdatedAt, before, after)
		want := normalize(t, up)
		want.CreatedAt = created.CreatedAt
		want.Version = created.Version + 1 // Version counts changes; 0 in *t asked for no check
		diff(t, "Get after Update", want, mustGet(t, b, "upd"))
	})

	s.leaf(t, "clears_optional_fields", func(t *testing.T, b schedstore.Store) {
		created := mustCreate(t, b, taskWith("clr", func(t *schedstore.Task) { t.LastRunAt = at(base) }))
		up := &schedstore.Task{ID: "clr", TaskName: "bare", ScheduleType: schedstore.ScheduleInterval, Schedule: "5m"}
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		got := mustGet(t, b, "clr")
		want := &schedstore.Task{
			ID: "clr", TaskName: "bare", ScheduleType: schedstore.ScheduleInterval, Schedule: "5m",
			Args: []any{}, Kwargs: map[string]any{},
			CreatedAt: created.CreatedAt, UpdatedAt: up.UpdatedAt, Version: created.Version + 1,
		}
		withDefaultPolicies(want)
		diff(t, "Get after an Update that clears every optional field", want, got)
	})

	s.leaf(t, "missing_id", func(t *testing.T, b schedstore.Store) {
		wantIs(t, "Update of a missing ID", b.Update(t.Context(), sampleTask("ghost")), schedstore.ErrNotFound)
		wantEmpty(t, "after Update of a missing ID", b)
	})

	s.leaf(t, "only_that_row", func(t *testing.T, b schedstore.Store) {
		other := mustCreate(t, b, sampleTask("other"))
		mustCreate(t, b, sampleTask("target"))
		up := taskWith("target", func(t *schedstore.Task) { t.TaskName = "changed" })
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		diff(t, "the row not updated", other, mustGet(t, b, "other"))
	})

	s.leaf(t, "updated_at_moves_forward", func(t *testing.T, b schedstore.Store) {
		created := mustCreate(t, b, sampleTask("fwd"))
		up := sampleTask("fwd")
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		if up.UpdatedAt.Before(created.UpdatedAt) {
			t.Errorf("UpdatedAt went back from %v to %v", created.UpdatedAt, up.UpdatedAt)
		}
		diff(t, "Get UpdatedAt", up.UpdatedAt, mustGet(t, b, "fwd").UpdatedAt)
	})

	s.leaf(t, "version", func(t *testing.T, b schedstore.Store) { testVersion(t, b) })
}

// testVersion walks one task through optimistic updates: a matching
// Version succeeds and is written back bumped, a stale one fails with
// ErrConflict and changes nothing, zero skips the check, and every change
// of the row (UpdateRunTimes too) bumps the stored Version.
func testVersion(t *testing.T, b schedstore.Store) {
	created := mustCreate(t, b, sampleTask("ver")) // checks the written-back Version 1
	up := taskWith("ver", setDesc("by version 1"))
	up.Version = 1
	if err := b.Update(t.Context(), up); err != nil {
		t.Fatalf("Update at the stored Version: %v", err)
	}
	if up.Version != 2 {
		t.Errorf("Update at Version 1 wrote back Version %d, want 2", up.Version)
	}
	want := normalize(t, up)
	want.CreatedAt = created.CreatedAt
	diff(t, "Get after a versioned Update", want, mustGet(t, b, "ver"))

	stale := taskWith("ver", setDesc("stale"))
	stale.Version = 1
	wantIs(t, "Update at a stale Version", b.Update(t.Context(), stale), schedstore.ErrConflict)
	if stale.Version != 1 {
		t.Errorf("the failed Update changed the caller's Version to %d", stale.Version)
	}
	diff(t, "Get after the conflicting Update", want, mustGet(t, b, "ver"))

	blind := taskWith("ver", setDesc("last writer wins"))
	if err := b.Update(t.Context(), blind); err != nil {
		t.Fatalf("Update with Version 0: %v", err)
	}
	if blind.Version != 0 {
		t.Errorf("Update with Version 0 wrote back Version %d, want 0 (not known without a read)", blind.Version)
	}
	if got := mustGet(t, b, "ver").Version; got != 3 {
		t.Errorf("Version after two Updates = %d, want 3", got)
	}

	if err := b.UpdateRunTimes(t.Context(), "ver", base, base.Add(time.Hour)); err != nil {
		t.Fatalf("UpdateRunTimes: %v", err)
	}
	if got := mustGet(t, b, "ver").Version; got != 4 {
		t.Errorf("Version after UpdateRunTimes = %d, want 4", got)
	}
	// An editor that read the task before the run times moved must not
	// write the old run times back.
	stale = taskWith("ver", setDesc("read before the run"))
	stale.Version = 3
	wantIs(t, "Update at the Version before UpdateRunTimes", b.Update(t.Context(), stale), schedstore.ErrConflict)

	missing := sampleTask("ghost")
	missing.Version = 1
	wantIs(t, "versioned Update of a missing ID", b.Update(t.Context(), missing), schedstore.ErrNotFound)
}
