package runner

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/flowrra/schedstore"
)

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

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// memBackend is the part of schedstore.Backend the loop uses, in memory,
// with the ordering the contract promises.
type memBackend struct {
	schedstore.Backend // unused methods panic
	mu                 sync.Mutex
	tasks              map[string]*schedstore.Task
	failListDue        error
	beforeUpdate       func(id string) // runs once, unlocked, before the next Update
}

func newMem(tasks ...*schedstore.Task) *memBackend {
	m := &memBackend{tasks: map[string]*schedstore.Task{}}
	for _, t := range tasks {
		m.tasks[t.ID] = clone(t)
		m.tasks[t.ID].Version = 1
	}
	return m
}

func clone(t *schedstore.Task) *schedstore.Task {
	c := *t
	if t.NextRunAt != nil {
		n := *t.NextRunAt
		c.NextRunAt = &n
	}
	if t.LastRunAt != nil {
		l := *t.LastRunAt
		c.LastRunAt = &l
	}
	return &c
}

func (m *memBackend) get(id string) *schedstore.Task {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.tasks[id])
}

func (m *memBackend) Get(_ context.Context, id string) (*schedstore.Task, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tasks[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	return clone(t), nil
}

func (m *memBackend) Update(_ context.Context, t *schedstore.Task) error {
	if f := m.beforeUpdate; f != nil {
		m.beforeUpdate = nil
		f(t.ID)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.tasks[t.ID]
	if !ok {
		return fmt.Errorf("%w: %q", schedstore.ErrNotFound, t.ID)
	}
	if t.Version != 0 && t.Version != old.Version {
		return fmt.Errorf("%w: %q", schedstore.ErrConflict, t.ID)
	}
	t.Version = old.Version + 1
	m.tasks[t.ID] = clone(t)
	return nil
}

func (m *memBackend) ListDue(_ context.Context, now time.Time) ([]*schedstore.Task, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failListDue != nil {
		return nil, m.failListDue
	}
	var out []*schedstore.Task
	for _, t := range m.tasks {
		if t.Enabled && t.NextRunAt != nil && !t.NextRunAt.After(now) {
			out = append(out, clone(t))
		}
	}
	slices.SortFunc(out, func(a, b *schedstore.Task) int {
		if a.Priority != b.Priority {
			return b.Priority - a.Priority
		}
		return a.NextRunAt.Compare(*b.NextRunAt)
	})
	return out, nil
}

func (m *memBackend) ListEnabled(_ context.Context) ([]*schedstore.Task, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*schedstore.Task
	for _, t := range m.tasks {
		if t.Enabled {
			out = append(out, clone(t))
		}
	}
	slices.SortFunc(out, func(a, b *schedstore.Task) int {
		switch {
		case a.NextRunAt == nil && b.NextRunAt == nil:
			return 0
		case a.NextRunAt == nil:
			return 1
		case b.NextRunAt == nil:
			return -1
		}
		return a.NextRunAt.Compare(*b.NextRunAt)
	})
	return out, nil
}

func (m *memBackend) UpdateRunTimes(_ context.Context, id string, last, next time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tasks[id]
	if !ok {
		return fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	t.LastRunAt, t.NextRunAt = timePtr(last), timePtr(next)
	t.Version++
	return nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
