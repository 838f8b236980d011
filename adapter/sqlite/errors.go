package sqlite

import (
	"database/sql"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/flowrra/schedstore/internal/core"
)

// interpret maps a modernc.org/sqlite error to the contract's sentinels
// (see core.Interpret).
func interpret(op, id string, err error) error { return core.Interpret("sqlite", op, id, err, kind) }

// kind reads extended result codes (the driver enables them), so the
// exact constraint is known.
func kind(err error) core.Kind {
	if errors.Is(err, sql.ErrNoRows) {
		return core.NoRows
	}
	if sqlErr, ok := core.As[*sqlite.Error](err); ok {
		switch sqlErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return core.Duplicate
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL,
			sqlite3.SQLITE_CONSTRAINT_DATATYPE: // DATATYPE: a STRICT column got the wrong type
			return core.Rejected
		}
	}
	return core.Other
}
