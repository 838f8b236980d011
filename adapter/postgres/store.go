package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on PostgreSQL. Safe for concurrent use.
type Store struct {
	*core.Store
	pool *pgxpool.Pool
}

var _ schedstore.Store = (*Store)(nil)

// New returns a Store over pool, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
func New(pool *pgxpool.Pool) *Store { return newStore(pool, false) }

func newStore(pool *pgxpool.Pool, owned bool) *Store {
	d := &dialect{pool: pool, q: pgdb.New(pool), owned: owned}
	return &Store{Store: core.New(d, core.Options{}), pool: pool}
}

// DB returns the underlying pool, for callers that need to reach past the
// contract (health checks, metrics).
func (s *Store) DB() *pgxpool.Pool { return s.pool }
