package sqlite

import (
	"database/sql"

	"github.com/flowrra/schedstore"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/core"
)

// Store is schedstore.Store on SQLite. Safe for concurrent use.
type Store struct {
	*core.Store
	db *sql.DB
}

var _ schedstore.Store = (*Store)(nil)

// New returns a Store over db (driver "sqlite", modernc.org/sqlite), which
// the caller keeps owning: Close leaves it open. The schema must already be
// migrated (see Migrate). Open db with DSN to get the settings Open uses; an
// in-memory database needs db.SetMaxOpenConns(1), since every connection to
// ":memory:" is a database of its own.
func New(db *sql.DB) *Store { return newStore(db, false) }

func newStore(db *sql.DB, owned bool) *Store {
	d := &dialect{db: db, q: sqlitedb.New(db), owned: owned}
	return &Store{Store: core.New(d, core.Options{}), db: db}
}

// DB returns the underlying handle, for callers that need to reach past the
// contract (backups, health checks, metrics).
func (s *Store) DB() *sql.DB { return s.db }
