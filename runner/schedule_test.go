package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func noop(context.Context, Job) error { return nil }

// recorder stops the loop after limit jobs.
type recorder struct {
	calls
	limit  int
	cancel context.CancelFunc
}

func (r *recorder) handle(_ context.Context, j Job) error {
	if r.add(j) == r.limit {
		r.cancel()
	}
	return nil
}

func TestIntervalStaysOnGrid(t *testing.T) {
	s := memStore(t, task("a", schedstore.ScheduleInterval, "10s", at(0)))
	clk := &fakeClock{now: t0.Add(3 * time.Second)} // 3s late at start
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{limit: 4, cancel: cancel}
	r := &Runner{Store: s, Handler: HandlerFunc(rec.handle), Clock: clk}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, _ := rec.snapshot()
	var got []string
	for _, j := range jobs {
		got = append(got, j.ScheduledFor.Sub(t0).String())
	}
	if strings.Join(got, " ") != "0s 10s 20s 30s" {
		t.Fatalf("scheduled_for - t0 = %v, want 0s 10s 20s 30s", got)
	}
	if tk := get(t, s, "a"); !tk.LastRunAt.Equal(*at(30 * time.Second)) || !tk.NextRunAt.Equal(*at(40 * time.Second)) {
		t.Fatalf("LastRunAt, NextRunAt = %v, %v; want t0+30s, t0+40s", tk.LastRunAt, tk.NextRunAt)
	}
}

func TestIntervalAfterDowntimeFiresOnceThenSkips(t *testing.T) {
	s := memStore(t, task("a", schedstore.ScheduleInterval, "10s", at(0)))
	r := &Runner{Store: s, Handler: HandlerFunc(noop), Clock: &fakeClock{now: t0.Add(95 * time.Second)}}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "a"); !got.NextRunAt.Equal(*at(100 * time.Second)) {
		t.Fatalf("NextRunAt = %v, want t0+100s (next slot on the grid)", got.NextRunAt)
	}
}

func TestCronNext(t *testing.T) {
	s := memStore(t, task("c", schedstore.ScheduleCron, "*/15 * * * *", at(0)))
	r := &Runner{Store: s, Handler: HandlerFunc(noop), Clock: &fakeClock{now: t0.Add(time.Second)}}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "c"); !got.NextRunAt.Equal(*at(15 * time.Minute)) || !got.LastRunAt.Equal(t0) {
		t.Fatalf("NextRunAt, LastRunAt = %v, %v; want t0+15m, t0", got.NextRunAt, got.LastRunAt)
	}
}

func TestOneTimeFiresOnceAndIsDisabled(t *testing.T) {
	s := memStore(t, task("o", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0)))
	clk := &fakeClock{now: t0.Add(time.Second)}
	var c calls
	r := &Runner{Store: s, Clock: clk, Handler: HandlerFunc(func(_ context.Context, j Job) error { c.add(j); return nil })}
	for range 3 {
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.After(time.Hour)
	}
	got := get(t, s, "o")
	if c.count() != 1 || got.Enabled || got.NextRunAt != nil || !got.LastRunAt.Equal(t0) {
		t.Fatalf("jobs=%d Enabled=%v NextRunAt=%v LastRunAt=%v; want 1, false, nil, t0",
			c.count(), got.Enabled, got.NextRunAt, got.LastRunAt)
	}
}

func TestRunOnceFiresOnlyWhatIsDueInOrder(t *testing.T) {
	high := task("high", schedstore.ScheduleInterval, "1m", at(0))
	high.Priority = 5
	s := memStore(t,
		task("low", schedstore.ScheduleInterval, "1m", at(-time.Minute)),
		task("future", schedstore.ScheduleInterval, "1m", at(time.Minute)),
		high)
	var c calls
	r := &Runner{Store: s, Clock: &fakeClock{now: t0}, Concurrency: 1,
		Handler: HandlerFunc(func(_ context.Context, j Job) error { c.add(j); return nil })}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	jobs, _ := c.snapshot()
	var got []string
	for _, j := range jobs {
		got = append(got, j.ID)
	}
	if strings.Join(got, ",") != "high,low" {
		t.Fatalf("ran %v, want [high low] (priority first, future task not run)", got)
	}
}

func TestMaxSleepBoundsEverySleep(t *testing.T) {
	s := memStore(t, task("a", schedstore.ScheduleInterval, "1h", at(time.Hour)))
	clk := &fakeClock{now: t0}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{limit: 1, cancel: cancel}
	r := &Runner{Store: s, Handler: HandlerFunc(rec.handle), Clock: clk, MaxSleep: 7 * time.Minute}
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	sleeps := clk.slept()
	// 8 sleeps of 7m and one of 4m reach the task at t0+1h.
	if len(sleeps) < 9 {
		t.Fatalf("sleeps = %v, want 8×7m then 4m", sleeps)
	}
	for i, d := range sleeps[:9] {
		want := 7 * time.Minute
		if i == 8 {
			want = 4 * time.Minute
		}
		if d != want {
			t.Fatalf("sleep %d = %v, want %v (all: %v)", i, d, want, sleeps)
		}
	}
}

func TestUnreadableScheduleIsRecordedFailedAndDisabled(t *testing.T) {
	s := memStore(t, task("x", schedstore.ScheduleInterval, "1m", at(0)))
	broken := lostSchedule{Store: s}
	ran := false
	r := &Runner{Store: broken, Clock: &fakeClock{now: t0},
		Handler: HandlerFunc(func(context.Context, Job) error { ran = true; return nil })}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := get(t, s, "x")
	f := fires(t, s, "x")
	if ran || got.Enabled || got.NextRunAt != nil || len(f) != 1 || f[0].Status != schedstore.FireFailed ||
		!strings.Contains(f[0].Error, "unreadable schedule") {
		t.Fatalf("ran=%v Enabled=%v NextRunAt=%v fires=%+v; want not run, disabled, recorded failed", ran, got.Enabled, got.NextRunAt, f)
	}
}

// lostSchedule hands out claims whose schedule nobody can read, as a row
// written around validation would be.
type lostSchedule struct{ schedstore.Store }

func (l lostSchedule) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	claims, err := l.Store.ClaimDue(ctx, owner, now, lease, limit)
	for i := range claims {
		claims[i].Task.ScheduleType, claims[i].Task.Schedule = schedstore.ScheduleCron, "not cron"
	}
	return claims, err
}

func TestJobJSONShape(t *testing.T) {
	var buf bytes.Buffer
	j := Job{ID: "id1", TaskName: "send", Args: []any{json.Number("1")}, Kwargs: map[string]any{"to": "<a&b>"},
		ScheduledFor: t0, StartedAt: t0.Add(1500 * time.Microsecond), Attempt: 2, MaxAttempts: 4, Kind: schedstore.FireScheduled}
	if err := JSONLines(&buf).HandleJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"id1","task_name":"send","args":[1],"kwargs":{"to":"<a&b>"},` +
		`"scheduled_for":"2026-03-01T12:00:00Z","started_at":"2026-03-01T12:00:00.0015Z","attempt":2,"max_attempts":4,"kind":"scheduled"}` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %s\nwant %s", buf.String(), want)
	}
}

func TestMuxDispatchesByTaskName(t *testing.T) {
	m := NewMux()
	var got []string
	m.HandleFunc("a", func(_ context.Context, j Job) error { got = append(got, "a:"+j.ID); return nil })
	m.HandleFunc("b", func(_ context.Context, j Job) error { got = append(got, "b:"+j.ID); return nil })
	for _, j := range []Job{{ID: "1", TaskName: "a"}, {ID: "2", TaskName: "b"}} {
		if err := m.HandleJob(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	err := m.HandleJob(context.Background(), Job{ID: "3", TaskName: "c"})
	if strings.Join(got, ",") != "a:1,b:2" || !IsPermanent(err) || err.Error() != `runner: no handler for task "c"` {
		t.Fatalf("got %v, err %v; want a:1,b:2 and a permanent no-handler error naming c", got, err)
	}
	m.Fallback(HandlerFunc(func(_ context.Context, j Job) error { got = append(got, "*:"+j.ID); return nil }))
	if err := m.HandleJob(context.Background(), Job{ID: "4", TaskName: "d"}); err != nil || got[len(got)-1] != "*:4" {
		t.Fatalf("fallback: %v, %v", got, err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a name twice did not panic")
		}
	}()
	m.HandleFunc("a", noop)
}

func TestPermanentErrorIsNotRetried(t *testing.T) {
	tk := task("p", schedstore.ScheduleInterval, "1h", at(0))
	tk.MaxRetries = 5
	s := memStore(t, tk)
	var c calls
	r := &Runner{Store: s, Clock: &fakeClock{now: t0}, Handler: HandlerFunc(func(_ context.Context, j Job) error {
		c.add(j)
		return Permanent(errWrong)
	})}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f := fires(t, s, "p"); c.count() != 1 || len(f) != 1 || f[0].Status != schedstore.FireFailed || f[0].Attempts != 1 {
		t.Fatalf("ran %d times, ledger %+v; want once, failed after 1 attempt", c.count(), f)
	}
}

var errWrong = jsonError("bad payload")

type jsonError string

func (e jsonError) Error() string { return string(e) }
