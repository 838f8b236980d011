package runner

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/internal/testdb"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func task(id string, typ schedstore.ScheduleType, sched string, next *time.Time) *schedstore.Task {
	return &schedstore.Task{ID: id, TaskName: "job." + id, ScheduleType: typ, Schedule: sched,
		Enabled: true, NextRunAt: next, MaxRetries: 0, RetryDelay: time.Second}
}

// database is a fresh database of one dialect that several stores (several
// schedulers) may open.
type database struct {
	name string
	url  string
}

var dialectURLs = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", testdb.SQLite},
	{"postgres", testdb.Postgres},
	{"mysql", testdb.MySQL},
}

// forEachDatabase runs f once per dialect, in parallel subtests, each with
// a fresh database.
func forEachDatabase(t *testing.T, f func(t *testing.T, db database)) {
	t.Helper()
	for _, d := range dialectURLs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			f(t, database{name: d.name, url: d.url(t)})
		})
	}
}

// open opens a store on db, closed when the test ends.
func (db database) open(t *testing.T) schedstore.Store {
	t.Helper()
	s, err := adapter.Open(context.Background(), db.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// memStore is an in-memory SQLite store, for the schedule logic.
func memStore(t *testing.T, tasks ...*schedstore.Task) schedstore.Store {
	t.Helper()
	s, err := adapter.Open(context.Background(), "sqlite://:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	create(t, s, tasks...)
	return s
}

func create(t *testing.T, s schedstore.Store, tasks ...*schedstore.Task) {
	t.Helper()
	for _, tk := range tasks {
		if err := s.Create(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
}

func get(t *testing.T, s schedstore.Store, id string) *schedstore.Task {
	t.Helper()
	tk, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func fires(t *testing.T, s schedstore.Store, id string) []schedstore.Fire {
	t.Helper()
	f, err := s.ListFires(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fakeClock advances only when the loop sleeps, so a test runs through
// minutes of schedule in microseconds and sees every sleep requested.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// calls records every job a handler sees, safe for concurrent handlers.
type calls struct {
	mu   sync.Mutex
	jobs []Job
	at   []time.Time // wall clock at the start of each call
}

func (c *calls) add(j Job) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, j)
	c.at = append(c.at, time.Now())
	return len(c.jobs)
}

func (c *calls) snapshot() ([]Job, []time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Job(nil), c.jobs...), append([]time.Time(nil), c.at...)
}

func (c *calls) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.jobs)
}

// eventually polls cond every 20ms until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runInBackground starts r.Run and returns a function that stops it and
// waits for it to return.
func runInBackground(t *testing.T, r *Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
