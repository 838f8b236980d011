package taskrow

import (
	"fmt"

	"github.com/flowrra/schedstore"
)

// NotFound is the contract's error for a missing task.
func NotFound(id string) error { return fmt.Errorf("%w: %q", schedstore.ErrNotFound, id) }

// UnmatchedUpdate says why an UPDATE with a version condition matched no
// row: the task is gone (ErrNotFound) or has moved past version
// (ErrConflict). exists asks the database; it runs only when version is
// non-zero, so only that error path costs a second round trip.
func UnmatchedUpdate(id string, version int64, exists func() (bool, error)) error {
	if version == 0 {
		return NotFound(id)
	}
	ok, err := exists()
	switch {
	case err != nil:
		return err
	case !ok:
		return NotFound(id)
	}
	return fmt.Errorf("%w: task %q is no longer at version %d", schedstore.ErrConflict, id, version)
}
