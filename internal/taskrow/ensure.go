package taskrow

import (
	"context"
	"errors"
	"fmt"

	"github.com/flowrra/schedstore"
)

// ensureAttempts bounds Ensure's retries: a retry happens only when the row
// that blocked the insert is deleted before it can be read.
const ensureAttempts = 3

// Ensure is Store.Ensure's logic for every dialect: insert (unless the
// definition exists; the unique key decides races), and when nothing was
// inserted, return the task that has the definition. A duplicate ID with
// another definition is ErrAlreadyExists.
func Ensure(ctx context.Context, t *schedstore.Task, r Row,
	insert func(context.Context) (bool, error),
	find func(context.Context) (*schedstore.Task, error)) (*schedstore.Task, bool, error) {
	for range ensureAttempts {
		created, err := insert(ctx)
		if errors.Is(err, schedstore.ErrAlreadyExists) {
			// MySQL reports the ensure key's conflict as a duplicate key, like
			// the primary key's: the lookup tells them apart.
			if existing, ferr := find(ctx); ferr == nil {
				return existing, false, nil
			}
			return nil, false, err
		}
		if err != nil {
			return nil, false, err
		}
		if created {
			r.WriteBack(t)
			stored, err := r.Task()
			return stored, true, err
		}
		existing, err := find(ctx)
		if err == nil {
			return existing, false, nil
		}
		if !errors.Is(err, schedstore.ErrNotFound) {
			return nil, false, err
		}
	}
	return nil, false, fmt.Errorf("schedstore: ensure %q: the matching task kept disappearing", t.TaskName)
}
