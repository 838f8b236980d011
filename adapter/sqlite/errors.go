package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// interpret maps a modernc.org/sqlite error to the contract's sentinels,
// keeping the original in the chain for callers that want the details.
// Extended result codes are on (the driver enables them), so the exact
// constraint is known. nil stays nil.
func interpret(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return taskrow.NotFound(id)
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("%w: %q: %w", schedstore.ErrAlreadyExists, id, err)
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL,
			sqlite3.SQLITE_CONSTRAINT_DATATYPE: // DATATYPE: a STRICT column got the wrong type
			return fmt.Errorf("%w: rejected by the database: %w", schedstore.ErrInvalidTask, err)
		}
	}
	return fmt.Errorf("schedstore: sqlite %s: %w", op, err)
}
