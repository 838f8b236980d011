package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/flowrra/schedstore/internal/core"
)

// interpret maps a pgx error to the contract's sentinels (see core.Interpret).
func interpret(op, id string, err error) error { return core.Interpret("postgres", op, id, err, kind) }

func kind(err error) core.Kind {
	if errors.Is(err, pgx.ErrNoRows) {
		return core.NoRows
	}
	if pgErr, ok := core.As[*pgconn.PgError](err); ok {
		switch pgErr.Code {
		case "23505": // unique_violation
			return core.Duplicate
		case "23514", "23502", "22001", "22P02", "22P05", "22021": // check, not null, too long, bad text
			return core.Rejected
		}
	}
	return core.Other
}
