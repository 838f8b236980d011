package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func task(id string, typ schedstore.ScheduleType, sched string, next *time.Time) *schedstore.Task {
	return &schedstore.Task{ID: id, TaskName: "job." + id, ScheduleType: typ, Schedule: sched,
		Enabled: true, NextRunAt: next}
}

// recorder is a Fire function that remembers what fired and stops the loop
// after limit fires.
type recorder struct {
	fires  []Fire
	limit  int
	cancel context.CancelFunc
	err    error // returned by every fire
}

func (r *recorder) fire(_ context.Context, f Fire) error {
	r.fires = append(r.fires, f)
	if len(r.fires) == r.limit {
		r.cancel()
	}
	return r.err
}

func TestIntervalStaysOnGrid(t *testing.T) {
	mem := newMem(task("a", schedstore.ScheduleInterval, "10s", at(0)))
	clk := &fakeClock{now: t0.Add(3 * time.Second)} // 3s late at start
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{limit: 4, cancel: cancel}
	r := &Runner{Backend: mem, Fire: rec.fire, Clock: clk}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	var got []time.Time
	for _, f := range rec.fires {
		got = append(got, f.ScheduledFor)
	}
	want := []time.Time{*at(0), *at(10 * time.Second), *at(20 * time.Second), *at(30 * time.Second)}
	if !slicesEqual(got, want) {
		t.Fatalf("scheduled_for = %v, want %v", got, want)
	}
	task := mem.get("a")
	if !task.LastRunAt.Equal(*at(30 * time.Second)) || !task.NextRunAt.Equal(*at(40 * time.Second)) {
		t.Fatalf("LastRunAt, NextRunAt = %v, %v; want t0+30s, t0+40s", task.LastRunAt, task.NextRunAt)
	}
	// Fires happen when due, not when the loop last woke.
	for _, f := range rec.fires[1:] {
		if !f.FiredAt.Equal(f.ScheduledFor) {
			t.Errorf("fired at %v for %v: the loop overslept", f.FiredAt, f.ScheduledFor)
		}
	}
}

func TestIntervalAfterDowntimeFiresOnceThenSkips(t *testing.T) {
	mem := newMem(task("a", schedstore.ScheduleInterval, "10s", at(0)))
	clk := &fakeClock{now: t0.Add(95 * time.Second)}
	r := &Runner{Backend: mem, Fire: func(context.Context, Fire) error { return nil }, Clock: clk}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mem.get("a"); !got.NextRunAt.Equal(*at(100 * time.Second)) {
		t.Fatalf("NextRunAt = %v, want t0+100s (next slot on the grid)", got.NextRunAt)
	}
}

func TestCronNext(t *testing.T) {
	mem := newMem(task("c", schedstore.ScheduleCron, "*/15 * * * *", at(0)))
	clk := &fakeClock{now: t0.Add(time.Second)}
	r := &Runner{Backend: mem, Fire: func(context.Context, Fire) error { return nil }, Clock: clk}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := mem.get("c")
	if !got.NextRunAt.Equal(*at(15 * time.Minute)) || !got.LastRunAt.Equal(t0) {
		t.Fatalf("NextRunAt, LastRunAt = %v, %v; want t0+15m, t0", got.NextRunAt, got.LastRunAt)
	}
}

func TestOneTimeFiresOnceAndIsDisabled(t *testing.T) {
	mem := newMem(task("o", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0)))
	clk := &fakeClock{now: t0.Add(time.Second)}
	n := 0
	r := &Runner{Backend: mem, Fire: func(context.Context, Fire) error { n++; return nil }, Clock: clk}
	for range 3 {
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Hour)
	}
	got := mem.get("o")
	if n != 1 || got.Enabled || got.NextRunAt != nil || !got.LastRunAt.Equal(t0) {
		t.Fatalf("fires=%d Enabled=%v NextRunAt=%v LastRunAt=%v; want 1, false, nil, t0",
			n, got.Enabled, got.NextRunAt, got.LastRunAt)
	}
}

func TestOneTimeDisableKeepsConcurrentEdits(t *testing.T) {
	mem := newMem(task("o", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0)))
	fire := func(ctx context.Context, f Fire) error {
		// Someone edits the task while it fires.
		tk, _ := mem.Get(ctx, f.ID)
		tk.Description = "edited"
		return mem.Update(ctx, tk)
	}
	r := &Runner{Backend: mem, Fire: fire, Clock: &fakeClock{now: t0}}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mem.get("o"); got.Description != "edited" || got.Enabled {
		t.Fatalf("Description=%q Enabled=%v; want the edit kept and the task disabled", got.Description, got.Enabled)
	}
}

func TestOneTimeDisableRetriesAfterConflict(t *testing.T) {
	mem := newMem(task("o", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0)))
	mem.beforeUpdate = func(id string) {
		// An edit lands between the runner's Get and its Update.
		tk, _ := mem.Get(context.Background(), id)
		tk.Priority = 7
		if err := mem.Update(context.Background(), tk); err != nil {
			t.Error(err)
		}
	}
	r := &Runner{Backend: mem, Fire: func(context.Context, Fire) error { return nil }, Clock: &fakeClock{now: t0}}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mem.get("o"); got.Priority != 7 || got.Enabled {
		t.Fatalf("Priority=%d Enabled=%v; want the edit kept and the task disabled", got.Priority, got.Enabled)
	}
}

func TestRunOnceFiresOnlyWhatIsDue(t *testing.T) {
	mem := newMem(
		task("low", schedstore.ScheduleInterval, "1m", at(-time.Minute)),
		task("future", schedstore.ScheduleInterval, "1m", at(time.Minute)),
		task("high", schedstore.ScheduleInterval, "1m", at(0)),
	)
	mem.tasks["high"].Priority = 5
	var got []string
	r := &Runner{Backend: mem, Clock: &fakeClock{now: t0},
		Fire: func(_ context.Context, f Fire) error { got = append(got, f.ID); return nil }}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "high,low" {
		t.Fatalf("fired %v, want [high low] (priority first, future task not fired)", got)
	}
}

func TestMaxSleepBoundsEverySleep(t *testing.T) {
	mem := newMem(task("a", schedstore.ScheduleInterval, "1h", at(time.Hour)))
	clk := &fakeClock{now: t0}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{limit: 1, cancel: cancel}
	r := &Runner{Backend: mem, Fire: rec.fire, Clock: clk, MaxSleep: 7 * time.Minute}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// 8 sleeps of 7m and one of 4m reach the task at t0+1h.
	if len(clk.sleeps) != 9 {
		t.Fatalf("sleeps = %v, want 8×7m then 4m", clk.sleeps)
	}
	for i, d := range clk.sleeps {
		want := 7 * time.Minute
		if i == 8 {
			want = 4 * time.Minute
		}
		if d != want {
			t.Fatalf("sleep %d = %v, want %v (all: %v)", i, d, want, clk.sleeps)
		}
	}
}

func TestNothingScheduledSleepsMaxSleep(t *testing.T) {
	clk := &fakeClock{now: t0}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Backend: newMem(), Clock: clk, MaxSleep: 30 * time.Second,
		Fire: func(context.Context, Fire) error { return nil }}
	go func() {
		for clk.Now().Before(t0.Add(2 * time.Minute)) {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range clk.sleeps {
		if d != 30*time.Second {
			t.Fatalf("sleeps = %v, want only 30s", clk.sleeps)
		}
	}
}

func TestFireErrorIsLoggedAndLoopContinues(t *testing.T) {
	mem := newMem(task("bad", schedstore.ScheduleInterval, "1s", at(0)))
	clk := &fakeClock{now: t0}
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{limit: 3, cancel: cancel, err: errors.New("exit status 3")}
	r := &Runner{Backend: mem, Fire: rec.fire, Clock: clk, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.fires) != 3 {
		t.Fatalf("fires = %d, want 3", len(rec.fires))
	}
	if got := mem.get("bad"); !got.NextRunAt.Equal(*at(3 * time.Second)) {
		t.Fatalf("NextRunAt = %v, want t0+3s: a failed fire still advances", got.NextRunAt)
	}
	if c := strings.Count(logs.String(), `msg="fire failed" id=bad task=job.bad`); c != 3 {
		t.Fatalf("%d fire-failed log lines, want 3:\n%s", c, logs.String())
	}
}

func TestExecFailureContinues(t *testing.T) {
	if shell[0] != "/bin/sh" {
		t.Skip("needs a Unix shell")
	}
	mem := newMem(
		task("a", schedstore.ScheduleInterval, "1s", at(0)),
		task("b", schedstore.ScheduleInterval, "1s", at(0)),
	)
	var out, logs bytes.Buffer
	cmd := `read -r line; echo "$SCHEDSTORE_TASK_ID $SCHEDSTORE_TASK_NAME $line"; [ "$SCHEDSTORE_TASK_ID" != a ]`
	r := &Runner{Backend: mem, Clock: &fakeClock{now: t0}, Fire: Exec(cmd, &out, &out),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q: want one line per task", out.String())
	}
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 3)
		if len(parts) != 3 {
			t.Fatalf("line %q: want ID, name and JSON", l)
		}
		id, name, payload := parts[0], parts[1], parts[2]
		var f Fire
		if err := json.Unmarshal([]byte(payload), &f); err != nil || f.ID != id || f.TaskName != name {
			t.Fatalf("line %q: env (%s, %s) and stdin %+v disagree (%v)", l, id, name, f, err)
		}
	}
	if !strings.Contains(logs.String(), `msg="fire failed" id=a task=job.a`) ||
		!strings.Contains(logs.String(), "exit status 1") {
		t.Fatalf("want a's failure logged with its exit status:\n%s", logs.String())
	}
	for _, id := range []string{"a", "b"} {
		if got := mem.get(id); !got.NextRunAt.Equal(*at(time.Second)) {
			t.Errorf("%s: NextRunAt = %v, want t0+1s", id, got.NextRunAt)
		}
	}
}

func TestBackendErrorBacksOff(t *testing.T) {
	mem := newMem()
	mem.failListDue = errors.New("connection refused")
	clk := &fakeClock{now: t0}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Backend: mem, Clock: clk, MaxSleep: 10 * time.Second,
		Fire: func(context.Context, Fire) error { return nil }}
	go func() {
		for clk.Now().Before(t0.Add(time.Minute)) {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second}
	if len(clk.sleeps) < len(want) || !slices.Equal(clk.sleeps[:len(want)], want) {
		t.Fatalf("sleeps = %v, want to start %v", clk.sleeps, want)
	}
	if err := r.RunOnce(context.Background()); err == nil {
		t.Fatal("RunOnce hid the backend error")
	}
}

func TestStopFinishesFireInProgress(t *testing.T) {
	mem := newMem(
		task("a", schedstore.ScheduleInterval, "1m", at(0)),
		task("b", schedstore.ScheduleInterval, "1m", at(time.Second)),
	)
	ctx, cancel := context.WithCancel(context.Background())
	var fired []string
	fire := func(fctx context.Context, f Fire) error {
		fired = append(fired, f.ID)
		cancel() // the stop signal arrives during the first fire
		if fctx.Err() != nil {
			t.Error("the fire in progress saw the cancellation")
		}
		return nil
	}
	r := &Runner{Backend: mem, Fire: fire, Clock: &fakeClock{now: t0.Add(time.Minute / 2)}}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Join(fired, ",") != "a" {
		t.Fatalf("fired %v, want only a", fired)
	}
	if got := mem.get("a"); !got.NextRunAt.Equal(*at(time.Minute)) {
		t.Fatalf("a.NextRunAt = %v, want t0+1m: the finished fire is recorded", got.NextRunAt)
	}
	if got := mem.get("b"); !got.NextRunAt.Equal(*at(time.Second)) {
		t.Fatalf("b.NextRunAt = %v, want it untouched", got.NextRunAt)
	}
}

func TestUnreadableScheduleIsDisabledNotFired(t *testing.T) {
	mem := newMem(task("x", schedstore.ScheduleCron, "not cron", at(0)))
	fired := false
	r := &Runner{Backend: mem, Clock: &fakeClock{now: t0},
		Fire: func(context.Context, Fire) error { fired = true; return nil }}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mem.get("x"); fired || got.Enabled || got.NextRunAt != nil {
		t.Fatalf("fired=%v Enabled=%v NextRunAt=%v; want not fired, disabled, nil", fired, got.Enabled, got.NextRunAt)
	}
}

func TestFireJSONShape(t *testing.T) {
	var buf bytes.Buffer
	f := Fire{ID: "id1", TaskName: "send", Args: []any{json.Number("1")}, Kwargs: map[string]any{"to": "<a&b>"},
		ScheduledFor: t0, FiredAt: t0.Add(1500 * time.Microsecond)}
	if err := JSONLines(&buf)(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"id1","task_name":"send","args":[1],"kwargs":{"to":"<a&b>"},` +
		`"scheduled_for":"2026-03-01T12:00:00Z","fired_at":"2026-03-01T12:00:00.0015Z"}` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %s\nwant %s", buf.String(), want)
	}
}

func slicesEqual[T interface{ Equal(T) bool }](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// abandonRecorder is the backend source plus a record of abandoned
// occurrences, as a lease-based source would release them.
type abandonRecorder struct {
	backendSource
	abandoned []string
}

func (a *abandonRecorder) abandon(_ context.Context, occ occurrence) error {
	a.abandoned = append(a.abandoned, occ.task.ID)
	return nil
}

func TestStopAbandonsWhatItDidNotFire(t *testing.T) {
	mem := newMem(
		task("a", schedstore.ScheduleInterval, "1m", at(0)),
		task("b", schedstore.ScheduleInterval, "1m", at(time.Second)),
		task("c", schedstore.ScheduleInterval, "1m", at(2*time.Second)),
	)
	src := &abandonRecorder{backendSource: backendSource{b: mem}}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Clock: &fakeClock{now: t0.Add(time.Minute / 2)}, src: src,
		Fire: func(context.Context, Fire) error { cancel(); return nil }}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Join(src.abandoned, ",") != "b,c" {
		t.Fatalf("abandoned %v, want [b c]", src.abandoned)
	}
}
