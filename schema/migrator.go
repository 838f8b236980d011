package schema

import (
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// Migrator applies one dialect's embedded migrations to one database.
// Dialect adapters build it over a golang-migrate database driver
// (adapter/<dialect>.NewMigrator); it is not safe for concurrent use, but
// golang-migrate locks the database, so several processes may migrate at once.
type Migrator struct {
	m       *migrate.Migrate
	onClose []func() error
}

// Status is the schema's state in one database.
type Status struct {
	Version uint // 0: no migration applied
	Dirty   bool // a migration failed half-way; see Force
	Latest  uint // the newest embedded migration
}

// NewMigrator wraps a golang-migrate database driver whose version table is
// MigrationsTable. The Migrator owns drv: Close closes it.
func NewMigrator(dialect string, drv database.Driver) (*Migrator, error) {
	fsys, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	src, err := iofs.New(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("schema: read %s migrations: %w", dialect, err)
	}
	m, err := migrate.NewWithInstance("iofs", src, dialect, drv)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return &Migrator{m: m}, nil
}

// Up applies every pending migration. Nothing pending is not an error.
func (g *Migrator) Up() error { return g.wrap("up", g.m.Up()) }

// Down reverts n migrations (n <= 0: all of them).
func (g *Migrator) Down(n int) error {
	if n <= 0 {
		return g.wrap("down", g.m.Down())
	}
	return g.wrap("down", g.m.Steps(-n))
}

// Force records version v as applied and clean, without running anything:
// the way out of a dirty state after a fix by hand.
func (g *Migrator) Force(v int) error { return g.wrap("force", g.m.Force(v)) }

// Status reports the applied and the latest version.
func (g *Migrator) Status() (Status, error) {
	latest, err := Latest()
	if err != nil {
		return Status{}, err
	}
	v, dirty, err := g.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return Status{Latest: latest}, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("schema: version: %w", err)
	}
	return Status{Version: v, Dirty: dirty, Latest: latest}, nil
}

// Close releases the database driver, then whatever OnClose added.
func (g *Migrator) Close() error {
	srcErr, dbErr := g.m.Close()
	errs := []error{srcErr, dbErr}
	for _, f := range g.onClose {
		errs = append(errs, f())
	}
	return errors.Join(errs...)
}

// OnClose adds f to what Close releases: the connection an adapter opened
// just for this Migrator.
func (g *Migrator) OnClose(f func() error) { g.onClose = append(g.onClose, f) }

// ErrDirty: the version table says a migration failed half-way. Nothing
// more is applied until the database is fixed by hand and the version
// really applied is recorded with Force (`schedstore migrate force V`).
var ErrDirty = errors.New("schema: database version is dirty")

func (g *Migrator) wrap(op string, err error) error {
	if err == nil || errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	var dirty migrate.ErrDirty
	if errors.As(err, &dirty) {
		return fmt.Errorf("schema: migrate %s: %w: version %d (a migration failed half-way): fix the database by hand, "+
			"then record the version really applied with `schedstore migrate force V` (Migrator.Force)", op, ErrDirty, dirty.Version)
	}
	return fmt.Errorf("schema: migrate %s: %w", op, err)
}
