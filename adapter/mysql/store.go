package mysql

import (
	"database/sql"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on MySQL or MariaDB. Safe for concurrent use.
type Store struct {
	*core.Store
	db *sql.DB
}

var _ schedstore.Store = (*Store)(nil)

// New returns a Store over db, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
//
// Configure db as ParseURL does: parseTime=true and loc=UTC are required
// for times to read back right, and interpolateParams=true keeps each call
// to one round trip.
func New(db *sql.DB) *Store { return newStore(db, false) }

func newStore(db *sql.DB, owned bool) *Store {
	d := &dialect{db: db, q: mysqldb.New(db), owned: owned}
	return &Store{Store: core.New(d, core.Options{EnsureLooksUpFirst: true}), db: db}
}

// DB returns the underlying pool, for callers that need to reach past the
// contract (health checks, metrics, pool sizes).
func (s *Store) DB() *sql.DB { return s.db }
