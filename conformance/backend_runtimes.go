package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testRunTimes(t *testing.T, s *suite) {
	s.leaf(t, "sets_times_and_updated_at", func(t *testing.T, b schedstore.Store) {
		// Created long ago, so an UpdatedAt left as it was shows.
		created := mustCreate(t, b, taskWith("rt", func(t *schedstore.Task) { t.CreatedAt = past }))
		last := base.Add(-time.Hour + 789*time.Nanosecond).In(kolkata)
		next := base.Add(time.Hour + 999*time.Nanosecond).In(stJohns)
		before := time.Now()
		if err := b.UpdateRunTimes(t.Context(), "rt", last, next); err != nil {
			t.Fatalf("UpdateRunTimes: %v", err)
		}
		after := time.Now()
		got := mustGet(t, b, "rt")
		want := *created
		want.LastRunAt = at(base.Add(-time.Hour))
		want.NextRunAt = at(base.Add(time.Hour))
		want.Version++
		diff(t, "Get after UpdateRunTimes (UpdatedAt aside)", &want, got, ignoreUpdatedAt)
		wantNow(t, "UpdatedAt after UpdateRunTimes", got.UpdatedAt, before, after)
		if got.UpdatedAt.Before(created.UpdatedAt) {
			t.Errorf("UpdatedAt went back from %v to %v", created.UpdatedAt, got.UpdatedAt)
		}
	})

	s.leaf(t, "zero_stores_nil", func(t *testing.T, b schedstore.Store) {
		created := mustCreate(t, b, taskWith("rt", func(t *schedstore.Task) { t.LastRunAt = at(past) }))
		for i, c := range []struct {
			name       string
			last, next time.Time
		}{
			{"zero last", time.Time{}, base},
			{"zero next (a fired one-time task)", base, time.Time{}},
			{"both zero", time.Time{}, time.Time{}},
		} {
			if err := b.UpdateRunTimes(t.Context(), "rt", c.last, c.next); err != nil {
				t.Fatalf("UpdateRunTimes, %s: %v", c.name, err)
			}
			want := *created
			want.LastRunAt, want.NextRunAt = nil, nil
			want.Version += int64(i + 1)
			if !c.last.IsZero() {
				want.LastRunAt = at(c.last)
			}
			if !c.next.IsZero() {
				want.NextRunAt = at(c.next)
			}
			diff(t, "Get after UpdateRunTimes, "+c.name, &want, mustGet(t, b, "rt"), ignoreUpdatedAt)
		}
	})

	s.leaf(t, "missing_id", func(t *testing.T, b schedstore.Store) {
		wantIs(t, "UpdateRunTimes of a missing ID",
			b.UpdateRunTimes(t.Context(), "ghost", base, base.Add(time.Hour)), schedstore.ErrNotFound)
		wantEmpty(t, "after UpdateRunTimes of a missing ID", b)
	})

	s.leaf(t, "only_that_row", func(t *testing.T, b schedstore.Store) {
		other := mustCreate(t, b, sampleTask("other"))
		mustCreate(t, b, sampleTask("target"))
		if err := b.UpdateRunTimes(t.Context(), "target", base, base.Add(time.Minute)); err != nil {
			t.Fatalf("UpdateRunTimes: %v", err)
		}
		diff(t, "the row not updated", other, mustGet(t, b, "other"))
	})

	s.leaf(t, "moves_task_into_due", func(t *testing.T, b schedstore.Store) {
		created := mustCreate(t, b, dueTask("later", 0, at(base.Add(time.Hour))))
		wantNone(t, "ListDue before UpdateRunTimes", mustListDue(t, b, base))
		if err := b.UpdateRunTimes(t.Context(), "later", past, base); err != nil {
			t.Fatalf("UpdateRunTimes: %v", err)
		}
		want := *created
		want.LastRunAt, want.NextRunAt = at(past), at(base)
		want.Version++
		diff(t, "ListDue after UpdateRunTimes", []*schedstore.Task{&want}, mustListDue(t, b, base), ignoreUpdatedAt)
	})
}
