package mysql

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// interpret maps a driver error to the contract's sentinels, keeping the
// original in the chain for callers that want the details. nil stays nil.
func interpret(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return taskrow.NotFound(id)
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1062: // ER_DUP_ENTRY
			return fmt.Errorf("%w: %q: %w", schedstore.ErrAlreadyExists, id, err)
		case 3819, 4025, 1406, 1366, 1048: // check (MySQL, MariaDB), too long, bad string, null
			return fmt.Errorf("%w: rejected by the database: %w", schedstore.ErrInvalidTask, err)
		}
	}
	return fmt.Errorf("schedstore: mysql %s: %w", op, err)
}
