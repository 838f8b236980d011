package main

import (
	"context"
	"errors"

	"github.com/flowrra/schedstore"
)

// ensure stores t unless a task with its definition exists, and returns
// the stored task and whether t was created. A Store decides atomically
// (a unique key); a plain Backend looks first, so two concurrent calls
// there may both create.
func ensure(ctx context.Context, b schedstore.Backend, t *schedstore.Task) (*schedstore.Task, bool, error) {
	if s, ok := b.(schedstore.Store); ok {
		return s.Ensure(ctx, t)
	}
	found, err := b.FindByDefinition(ctx, t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	if err == nil {
		return found, false, nil
	}
	if !errors.Is(err, schedstore.ErrNotFound) {
		return nil, false, err
	}
	if err := b.Create(ctx, t); err != nil {
		return nil, false, err
	}
	return t, true, nil
}
