package bench

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// TestBaselineAgrees checks that each baseline does the same thing as
// schedstore, so that the benchmarks compare like with like: reads of the
// same columns (every one SELECT * returns, the attempt and lease columns
// a claim writes included) and the same rows, in the same order; writes of
// the same columns (the policies, and the pause an enabling Update ends),
// which schedstore reads back as its own. It seeds minRows tasks (100 due)
// per dialect.
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

// policied sets policies other than the defaults on a copy of task, so that
// a write that left a policy column out would read back differently.
func policied(task *schedstore.Task) *schedstore.Task {
	c := *task
	c.Misfire, c.MaxCatchUp, c.MisfireGrace = schedstore.MisfireAll, 7, 90*time.Second
	c.Overlap, c.Jitter = schedstore.OverlapBufferOne, 1500*time.Millisecond
	return &c
}

func checkAgreement[R any](t *testing.T, ours schedstore.Store, base baseline[R], fx *fixture) {
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
		return base.toRow(r).Task()
	}
	// baseRow reads id through the baseline: every column schedstore maps.
	baseRow := func(id string) taskrow.Row {
		t.Helper()
		r, err := base.get(ctx, id)
		if err != nil {
			t.Fatalf("baseline get %s: %v", id, err)
		}
		return base.toRow(r)
	}

	t.Run("columns", func(t *testing.T) {
		var got []string
		for _, c := range strings.Split(base.readColumns(), ",") {
			got = append(got, strings.TrimSpace(c))
		}
		want, err := base.starColumns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the baseline reads %d columns %v;\nSELECT * (schedstore's reads) returns %d: %v",
				len(got), got, len(want), want)
		}
	})

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
			got, err := base.toRow(r).Task()
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
		// Policies other than the defaults the benchmark's rows have: both
		// sides must store them.
		o := policied(fx.create)
		v := valuesOf(t, o)
		v.ID = "agree-create"
		v.CreatedAt = time.Now().UTC()
		v.UpdatedAt = v.CreatedAt
		if err := base.create(ctx, &v); err != nil {
			t.Fatal(err)
		}
		if err := ours.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		got, err := ours.Get(ctx, v.ID)
		want, werr := ours.Get(ctx, o.ID)
		if err == nil && werr == nil {
			got.ID, got.CreatedAt, got.UpdatedAt = want.ID, want.CreatedAt, want.UpdatedAt
		}
		same("Create, read back by schedstore", got, err, want, werr)
		if want != nil && (want.Misfire != schedstore.MisfireAll || want.MaxCatchUp != 7 || want.Jitter == 0) {
			t.Errorf("Create stored the policies %s, %d, %v, %s, %v", want.Misfire, want.MaxCatchUp,
				want.MisfireGrace, want.Overlap, want.Jitter)
		}
		gotRow, wantRow := baseRow(v.ID), baseRow(o.ID)
		gotRow.ID, gotRow.CreatedAt, gotRow.UpdatedAt = wantRow.ID, wantRow.CreatedAt, wantRow.UpdatedAt
		if !reflect.DeepEqual(gotRow, wantRow) {
			t.Errorf("Create, read back by the baseline:\nbaseline   %+v\nschedstore %+v", gotRow, wantRow)
		}
		// Same fingerprint: both are found by definition (the oldest first).
		if _, err := ours.FindByDefinition(ctx, o.TaskName, o.ScheduleType, o.Schedule, o.Args, o.Kwargs); err != nil {
			t.Errorf("FindByDefinition after Create: %v", err)
		}
		if n, err := base.deleteCreated(ctx); err != nil || n != 2 {
			t.Errorf("deleteCreated = %d, %v; want 2", n, err)
		}
	})

	t.Run("Update", func(t *testing.T) {
		// Baseline on one rotation task, schedstore on the next, both paused
		// first: each Update enables its task, so it ends the pause, and sets
		// policies other than the defaults. Both must read back as their
		// task, with the real fingerprint, and agree column by column.
		tasks := []*schedstore.Task{policied(fx.update[0]), policied(fx.update[1])}
		for _, task := range tasks {
			if p, err := ours.Pause(ctx, task.ID, "agree"); err != nil || p.PausedAt == nil {
				t.Fatalf("Pause(%s): %+v, %v", task.ID, p, err)
			}
		}
		v := valuesOf(t, tasks[0])
		v.UpdatedAt = time.Now().UTC()
		if n, err := base.update(ctx, &v); err != nil || n != 1 {
			t.Fatalf("baseline update: %d rows, %v", n, err)
		}
		o := *tasks[1]
		if err := ours.Update(ctx, &o); err != nil {
			t.Fatal(err)
		}
		var read []*schedstore.Task
		for _, want := range tasks {
			got, err := ours.FindByDefinition(ctx, want.TaskName, want.ScheduleType, want.Schedule, want.Args, want.Kwargs)
			if err != nil {
				t.Fatalf("FindByDefinition(%s) after Update: %v", want.TaskName, err)
			}
			if got.ID != want.ID || got.Version != 3 || !got.NextRunAt.Equal(*want.NextRunAt) ||
				got.Description != want.Description || got.Priority != want.Priority || !got.Enabled ||
				got.PausedAt != nil || got.PauseReason != "" || got.Misfire != want.Misfire ||
				got.MaxCatchUp != want.MaxCatchUp || got.MisfireGrace != want.MisfireGrace ||
				got.Overlap != want.Overlap || got.Jitter != want.Jitter {
				t.Errorf("after Pause and Update: %+v; want %+v, unpaused, at version 3", got, want)
			}
			read = append(read, got)
		}
		// The two rows differ only where their tasks do.
		gotRow, wantRow := baseRow(tasks[0].ID), baseRow(tasks[1].ID)
		gotRow.ID, gotRow.TaskName, gotRow.Fingerprint = wantRow.ID, wantRow.TaskName, wantRow.Fingerprint
		gotRow.NextRunAt, gotRow.Priority, gotRow.UpdatedAt = wantRow.NextRunAt, wantRow.Priority, wantRow.UpdatedAt
		if !reflect.DeepEqual(gotRow, wantRow) {
			t.Errorf("Update, read back by the baseline:\nbaseline   %+v\nschedstore %+v", gotRow, wantRow)
		}
		if len(read) == 2 {
			got, want := *read[0], *read[1]
			got.ID, got.TaskName, got.NextRunAt, got.Priority, got.UpdatedAt = want.ID, want.TaskName, want.NextRunAt, want.Priority, want.UpdatedAt
			same("Update, read back by schedstore", &got, nil, &want, nil)
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
	// Last: a claim leases rows and writes the attempt columns, which the
	// benchmarks' rows leave at their defaults (NULL and 0).
	t.Run("claimed rows", func(t *testing.T) {
		if _, err := ours.Trigger(ctx, fx.getID); err != nil {
			t.Fatal(err)
		}
		// The trigger first, then the first due task (dueAt is past: the
		// database clock, time.Time{}, sees every seeded task due).
		claims, err := ours.ClaimDue(ctx, "agree", time.Time{}, time.Minute, 2)
		if err != nil || len(claims) != 2 {
			t.Fatalf("ClaimDue: %d claims, %v; want 2", len(claims), err)
		}
		kinds := map[schedstore.FireKind]bool{}
		for _, c := range claims {
			kinds[c.Kind] = true
			r := baseRow(c.Task.ID)
			kind := string(c.Kind)
			if c.Kind == schedstore.FireScheduled {
				kind = ""
			}
			if r.LeaseOwner != "agree" || r.LeaseToken != c.Token || int(r.Attempts) != c.Attempt ||
				r.AttemptFor == nil || !r.AttemptFor.Equal(c.ScheduledFor) ||
				r.FirstAttemptAt == nil || !r.FirstAttemptAt.Equal(c.FirstAttemptAt) || r.AttemptKind != kind {
				t.Errorf("claimed %s (%s), read by the baseline: lease %q %d, attempts %d for %v (%q) since %v; claim %+v",
					c.Task.ID, c.Kind, r.LeaseOwner, r.LeaseToken, r.Attempts, r.AttemptFor, r.AttemptKind,
					r.FirstAttemptAt, c)
			}
			got, err := baseTask(base.get(ctx, c.Task.ID))
			want, werr := ours.Get(ctx, c.Task.ID)
			same("Get of a claimed task", got, err, want, werr)
		}
		if !kinds[schedstore.FireManual] || !kinds[schedstore.FireScheduled] {
			t.Errorf("claimed kinds %v; want manual and scheduled", kinds)
		}
	})
}
