package mysql

import (
	"database/sql"

	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on MySQL or MariaDB. Safe for concurrent use. DB returns the
// underlying pool.
type Store struct {
	core.Handle[*sql.DB]
}

// New returns a Store over db, which the caller keeps owning: Close
// leaves it open. The schema must already be migrated (see Migrate).
//
// Configure db as ParseURL does: parseTime=true and loc=UTC are required
// for times to read back right, and interpolateParams=true keeps each call
// to one round trip.
func New(db *sql.DB) *Store { return newStore(db, false) }
