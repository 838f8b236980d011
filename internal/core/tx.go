package core

import (
	"context"
	"database/sql"
)

// InTx runs fn in one database/sql transaction on db, with the dialect's
// generated queries bound to it (withTx: the generated Queries.WithTx),
// and commits when fn succeeds; otherwise it rolls back. The shape of every
// multi-statement call on MySQL and SQLite.
func InTx[Q, T any](ctx context.Context, db *sql.DB, withTx func(*sql.Tx) Q, fn func(q Q) (T, error)) (T, error) {
	var zero T
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback() // a no-op after Commit
	out, err := fn(withTx(tx))
	if err != nil {
		return zero, err
	}
	if err := tx.Commit(); err != nil {
		return zero, err
	}
	return out, nil
}

// Held is RenewLeases' result from the rows a renewal returned: each held
// task's lease token by ID.
func Held[R any](rows []R, held func(R) (id string, token int64)) map[string]int64 {
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		id, token := held(r)
		out[id] = token
	}
	return out
}
