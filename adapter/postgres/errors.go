package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// interpret maps a pgx error to the contract's sentinels, keeping the
// original in the chain for callers that want the details. nil stays nil.
func interpret(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return taskrow.NotFound(id)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %q: %w", schedstore.ErrAlreadyExists, id, err)
		case "23514", "23502", "22001", "22P02", "22P05", "22021": // check, not null, too long, bad text
			return fmt.Errorf("%w: rejected by the database: %w", schedstore.ErrInvalidTask, err)
		}
	}
	return fmt.Errorf("schedstore: postgres %s: %w", op, err)
}
