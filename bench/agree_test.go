package bench

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// TestBaselineAgrees checks that each baseline does the same thing as
// schedstore, so that the benchmarks compare like with like: the same rows
// read, in the same order, and writes schedstore reads back as its own.
// It seeds minRows tasks (100 due) per dialect.
func TestBaselineAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a database per dialect")
	}
	t.Run("db=postgres", func(t *testing.T) {
		ours, base := openPostgres(t)
		checkAgreement(t, ours, base, prepare(t, ours, base, minRows))
	})
	t.Run("db=mysql", func(t *testing.T) {
		ours, base := openMySQL(t)
		checkAgreement(t, ours, base, prepare(t, ours, base, minRows))
	})
	t.Run("db=sqlite", func(t *testing.T) {
		ours, base := openSQLite(t)
		checkAgreement(t, ours, base, prepare(t, ours, base, minRows))
	})
}

func checkAgreement[R any](t *testing.T, ours schedstore.Backend, base baseline[R], fx *fixture) {
	ctx := context.Background()
	same := func(what string, got *schedstore.Task, gotErr error, want *schedstore.Task, wantErr error) {
		t.Helper()
		if gotErr != nil || wantErr != nil {
			t.Fatalf("%s: baseline: %v; schedstore: %v", what, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nbaseline   %+v\nschedstore %+v", what, got, want)
		}
	}
	baseTask := func(r R, err error) (*schedstore.Task, error) {
		if err != nil {
			return nil, err
		}
		return base.toTask(r)
	}

	t.Run("ListDue", func(t *testing.T) {
		rows, err := base.listDue(ctx, dueAt)
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := ours.ListDue(ctx, dueAt)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != dueCount || len(tasks) != dueCount {
			t.Fatalf("baseline %d rows, schedstore %d tasks; want %d", len(rows), len(tasks), dueCount)
		}
		for i, r := range rows {
			got, err := base.toTask(r)
			same("ListDue row "+tasks[i].ID, got, err, tasks[i], nil)
		}
	})

	t.Run("Get", func(t *testing.T) {
		got, err := baseTask(base.get(ctx, fx.getID))
		want, werr := ours.Get(ctx, fx.getID)
		same("Get", got, err, want, werr)
	})

	t.Run("FindByDefinition", func(t *testing.T) {
		f := fx.findTask
		got, err := baseTask(base.findByDefinition(ctx, fx.findFingerprint, f.TaskName, string(f.ScheduleType), f.Schedule))
		want, werr := ours.FindByDefinition(ctx, f.TaskName, f.ScheduleType, f.Schedule, f.Args, f.Kwargs)
		same("FindByDefinition", got, err, want, werr)
	})

	t.Run("Create", func(t *testing.T) {
		v := fx.createVals
		v.ID = "agree-create"
		v.CreatedAt = time.Now().UTC()
		v.UpdatedAt = v.CreatedAt
		if err := base.create(ctx, &v); err != nil {
			t.Fatal(err)
		}
		o := *fx.create
		if err := ours.Create(ctx, &o); err != nil {
			t.Fatal(err)
		}
		got, err := ours.Get(ctx, v.ID)
		want, werr := ours.Get(ctx, o.ID)
		if err == nil && werr == nil {
			got.ID, got.CreatedAt, got.UpdatedAt = want.ID, want.CreatedAt, want.UpdatedAt
		}
		same("Create, read back by schedstore", got, err, want, werr)
		// Same fingerprint: both are found by definition (the oldest first).
		if _, err := ours.FindByDefinition(ctx, o.TaskName, o.ScheduleType, o.Schedule, o.Args, o.Kwargs); err != nil {
			t.Errorf("FindByDefinition after Create: %v", err)
		}
		if n, err := base.deleteCreated(ctx); err != nil || n != 2 {
			t.Errorf("deleteCreated = %d, %v; want 2", n, err)
		}
	})

	t.Run("Update", func(t *testing.T) {
		// Baseline on one rotation task, schedstore on the next: both must
		// read back as their task, with the real fingerprint.
		v := fx.updateVals[0]
		v.UpdatedAt = time.Now().UTC()
		if n, err := base.update(ctx, &v); err != nil || n != 1 {
			t.Fatalf("baseline update: %d rows, %v", n, err)
		}
		o := *fx.update[1]
		if err := ours.Update(ctx, &o); err != nil {
			t.Fatal(err)
		}
		for _, want := range []*schedstore.Task{fx.update[0], &o} {
			got, err := ours.FindByDefinition(ctx, want.TaskName, want.ScheduleType, want.Schedule, want.Args, want.Kwargs)
			if err != nil {
				t.Fatalf("FindByDefinition(%s) after Update: %v", want.TaskName, err)
			}
			if got.ID != want.ID || got.Version != 2 || !got.NextRunAt.Equal(*want.NextRunAt) ||
				got.Description != want.Description || got.Priority != want.Priority {
				t.Errorf("after Update: %+v; want %+v at version 2", got, want)
			}
		}
	})

	t.Run("UpdateRunTimes", func(t *testing.T) {
		if n, err := base.updateRunTimes(ctx, fx.runTimesIDs[0], fx.lastRun, fx.nextRun, time.Now().UTC()); err != nil || n != 1 {
			t.Fatalf("baseline: %d rows, %v", n, err)
		}
		if err := ours.UpdateRunTimes(ctx, fx.runTimesIDs[1], fx.lastRun, fx.nextRun); err != nil {
			t.Fatal(err)
		}
		for _, id := range fx.runTimesIDs[:2] {
			got, err := ours.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !got.LastRunAt.Equal(fx.lastRun) || !got.NextRunAt.Equal(fx.nextRun) || got.Version != 2 {
				t.Errorf("%s after UpdateRunTimes: last %v, next %v, version %d", id, got.LastRunAt, got.NextRunAt, got.Version)
			}
		}
	})

	t.Run("due set unchanged", func(t *testing.T) {
		tasks, err := ours.ListDue(ctx, dueAt)
		if err != nil || len(tasks) != dueCount {
			t.Errorf("ListDue after the writes: %d tasks, %v; want %d", len(tasks), err, dueCount)
		}
	})
}
