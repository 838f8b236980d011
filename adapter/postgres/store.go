package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on PostgreSQL. Safe for concurrent use. DB returns the
// underlying pool.
type Store struct {
	core.Handle[*pgxpool.Pool]
}

// New returns a Store over pool, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
func New(pool *pgxpool.Pool) *Store { return newStore(pool, false) }
