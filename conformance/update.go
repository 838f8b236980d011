package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testUpdate(t *testing.T, s *suite) {
	s.leaf(t, "replaces_all_but_id_and_created_at", func(t *testing.T, b schedstore.Backend) {
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
		diff(t, "Get after Update", want, mustGet(t, b, "upd"))
	})

	s.leaf(t, "clears_optional_fields", func(t *testing.T, b schedstore.Backend) {
		created := mustCreate(t, b, taskWith("clr", func(t *schedstore.Task) { t.LastRunAt = at(base) }))
		up := &schedstore.Task{ID: "clr", TaskName: "bare", ScheduleType: schedstore.ScheduleInterval, Schedule: "5m"}
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		got := mustGet(t, b, "clr")
		want := &schedstore.Task{
			ID: "clr", TaskName: "bare", ScheduleType: schedstore.ScheduleInterval, Schedule: "5m",
			Args: []any{}, Kwargs: map[string]any{},
			CreatedAt: created.CreatedAt, UpdatedAt: up.UpdatedAt,
		}
		diff(t, "Get after an Update that clears every optional field", want, got)
	})

	s.leaf(t, "missing_id", func(t *testing.T, b schedstore.Backend) {
		wantIs(t, "Update of a missing ID", b.Update(t.Context(), sampleTask("ghost")), schedstore.ErrNotFound)
		wantEmpty(t, "after Update of a missing ID", b)
	})

	s.leaf(t, "only_that_row", func(t *testing.T, b schedstore.Backend) {
		other := mustCreate(t, b, sampleTask("other"))
		mustCreate(t, b, sampleTask("target"))
		up := taskWith("target", func(t *schedstore.Task) { t.TaskName = "changed" })
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		diff(t, "the row not updated", other, mustGet(t, b, "other"))
	})

	s.leaf(t, "updated_at_moves_forward", func(t *testing.T, b schedstore.Backend) {
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
}
