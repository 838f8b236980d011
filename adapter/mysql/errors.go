package mysql

import (
	"database/sql"
	"errors"

	"github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore/internal/core"
)

// interpret maps a driver error to the contract's sentinels (see core.Interpret).
func interpret(op, id string, err error) error { return core.Interpret("mysql", op, id, err, kind) }

func kind(err error) core.Kind {
	if errors.Is(err, sql.ErrNoRows) {
		return core.NoRows
	}
	if myErr, ok := core.As[*mysql.MySQLError](err); ok {
		switch myErr.Number {
		case 1062: // ER_DUP_ENTRY
			return core.Duplicate
		case 3819, 4025, 1406, 1366, 1048: // check (MySQL, MariaDB), too long, bad string, null
			return core.Rejected
		}
	}
	return core.Other
}
