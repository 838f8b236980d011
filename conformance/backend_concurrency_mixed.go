package conformance

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// versioned is task id at version v. Every field that a write replaces is
// derived from v, so a task read back from a torn write (fields of two
// writes) fails checkVersioned.
func versioned(id string, v int) *schedstore.Task {
	last := base.Add(time.Duration(v) * time.Microsecond)
	return taskWith(id, func(t *schedstore.Task) {
		t.Description = fmt.Sprintf("v%d", v)
		t.MaxRetries = v
		t.Priority = v % 5
		t.Args = []any{v}
		t.Kwargs = map[string]any{"v": v}
		t.LastRunAt, t.NextRunAt = at(last), at(last.Add(time.Hour))
	})
}

func checkVersioned(task *schedstore.Task) error {
	v := task.MaxRetries
	n := json.Number(fmt.Sprint(v))
	switch {
	case task.Description != fmt.Sprintf("v%d", v) || task.Priority != v%5:
		return fmt.Errorf("task %q: Description %q and Priority %d are not of version %d", task.ID, task.Description, task.Priority, v)
	case len(task.Args) != 1 || task.Args[0] != n || len(task.Kwargs) != 1 || task.Kwargs["v"] != n:
		return fmt.Errorf("task %q: Args %v and Kwargs %v are not of version %d", task.ID, task.Args, task.Kwargs, v)
	case (task.LastRunAt == nil) != (task.NextRunAt == nil):
		return fmt.Errorf("task %q: LastRunAt %v and NextRunAt %v come from different writes", task.ID, task.LastRunAt, task.NextRunAt)
	case task.LastRunAt != nil && task.NextRunAt.Sub(*task.LastRunAt) != time.Hour:
		return fmt.Errorf("task %q: LastRunAt %v and NextRunAt %v come from different writes", task.ID, task.LastRunAt, task.NextRunAt)
	}
	return nil
}

// inDueOrder reports whether tasks are as ListDue(now) must return them.
func inDueOrder(tasks []*schedstore.Task, now time.Time) error {
	for i, task := range tasks {
		if !task.Enabled || task.NextRunAt == nil || task.NextRunAt.After(now) {
			return fmt.Errorf("task %q (enabled %v, NextRunAt %v) is not due at %v", task.ID, task.Enabled, task.NextRunAt, now)
		}
		if i == 0 {
			continue
		}
		p := tasks[i-1]
		if c := dueCompare(p, task); c >= 0 {
			return fmt.Errorf("task %q comes before %q", p.ID, task.ID)
		}
	}
	return nil
}

func dueCompare(a, b *schedstore.Task) int {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c
	}
	if c := a.NextRunAt.Compare(*b.NextRunAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// mixedOperations runs writers that update, delete, re-create and advance
// a few shared tasks while reading them, and accepts only the errors the
// contract allows for a task that another goroutine may have deleted.
func mixedOperations(t *testing.T, b schedstore.Store) {
	const goroutines, ops, tasks = 16, 50, 8
	idOf := func(i int) string { return fmt.Sprintf("shared-%d", i) }
	for i := range tasks {
		mustCreate(t, b, versioned(idOf(i), 0))
	}
	dueAt := base.Add(24 * time.Hour)
	race(goroutines, func(g int) {
		rng := rand.New(rand.NewPCG(uint64(g), 0x5eed))
		fail := func(op string, err error) { t.Errorf("goroutine %d: %s: %v", g, op, err) }
		for i := range ops {
			id := idOf(rng.IntN(tasks))
			v := g*ops + i + 1
			switch op := rng.IntN(7); op {
			case 0:
				if err := b.Update(t.Context(), versioned(id, v)); err != nil && !errors.Is(err, schedstore.ErrNotFound) {
					fail("Update", err)
				}
			case 1:
				if _, err := b.Delete(t.Context(), id); err != nil {
					fail("Delete", err)
				}
			case 2:
				if err := b.Create(t.Context(), versioned(id, v)); err != nil && !errors.Is(err, schedstore.ErrAlreadyExists) {
					fail("Create", err)
				}
			case 3:
				last := base.Add(time.Duration(v) * time.Microsecond).In(kolkata)
				if err := b.UpdateRunTimes(t.Context(), id, last, last.Add(time.Hour)); err != nil && !errors.Is(err, schedstore.ErrNotFound) {
					fail("UpdateRunTimes", err)
				}
			case 4:
				task, err := b.Get(t.Context(), id)
				if err != nil && !errors.Is(err, schedstore.ErrNotFound) {
					fail("Get", err)
				} else if err == nil {
					if err := checkVersioned(task); err != nil {
						fail("Get", err)
					}
				}
			case 5:
				due, err := b.ListDue(t.Context(), dueAt)
				if err != nil {
					fail("ListDue", err)
					continue
				}
				if err := inDueOrder(due, dueAt); err != nil {
					fail("ListDue", err)
				}
				for _, task := range due {
					if err := checkVersioned(task); err != nil {
						fail("ListDue", err)
					}
				}
			default:
				all, err := b.ListAll(t.Context())
				if err != nil {
					fail("ListAll", err)
				} else if len(all) > tasks {
					fail("ListAll", fmt.Errorf("%d tasks, more than the %d IDs in use", len(all), tasks))
				}
			}
		}
	})
	all := mustListAll(t, b)
	for _, task := range all {
		if err := checkVersioned(task); err != nil {
			t.Error(err)
		}
		diff(t, "Get of "+task.ID+" after the concurrent calls", task, mustGet(t, b, task.ID))
	}
	if !slices.IsSortedFunc(all, func(a, b *schedstore.Task) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}) {
		t.Errorf("ListAll after the concurrent calls is out of order: %q", ids(all))
	}
}
