package sqlite

import (
	"database/sql"

	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on SQLite. Safe for concurrent use. DB returns the
// underlying handle.
type Store struct {
	core.Handle[*sql.DB]
}

// New returns a Store over db (driver "sqlite", modernc.org/sqlite), which
// the caller keeps owning: Close leaves it open (and closes the prepared
// statements). The schema must already be migrated (see Migrate): the
// queries are prepared now, and over a schema that is not there yet they
// run unprepared, at the cost of compiling each call. Open db with DSN to get the settings Open uses; an
// in-memory database needs db.SetMaxOpenConns(1), since every connection to
// ":memory:" is a database of its own.
func New(db *sql.DB) *Store { return newStore(db, false) }
