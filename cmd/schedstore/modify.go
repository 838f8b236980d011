package main

import (
	"context"
	"errors"

	"github.com/flowrra/schedstore"
)

// conflictRetries bounds the re-reads after a concurrent edit.
const conflictRetries = 3

// modify applies change to the stored task and writes it back at the
// version read, so that an edit made in between (such as a scheduler
// advancing the run times) is not overwritten: a conflict reads again.
func modify(ctx context.Context, b schedstore.Backend, id string, change func(*schedstore.Task)) (*schedstore.Task, error) {
	for attempt := 1; ; attempt++ {
		t, err := b.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		change(t)
		err = b.Update(ctx, t)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, schedstore.ErrConflict) || attempt == conflictRetries {
			return nil, err
		}
	}
}
