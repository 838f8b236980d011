package sqlite

import (
	"errors"
	"io"
	"time"

	"github.com/golang-migrate/migrate/v4/database"
)

// lockWait bounds how long Lock waits for the lock file: less than
// golang-migrate's own lock timeout (15 s by default), so that Lock always
// returns before migrate gives up on it and never takes the lock after its
// caller has left.
const (
	lockWait = 10 * time.Second
	lockPoll = 10 * time.Millisecond
)

// lockedDriver is golang-migrate's SQLite driver with two changes.
//
// Lock also takes an exclusive lock on a file: the driver's own Lock is an
// in-process flag, so two processes opening a fresh database at once would
// both run migration 1 (and one would fail on "table already exists").
//
// Close leaves the *sql.DB open: it belongs to the Backend or to the
// application, not to the Migrator.
type lockedDriver struct {
	database.Driver
	lockPath string    // "" for no file lock
	held     io.Closer // the lock while held; closing it releases it
}

func (d *lockedDriver) Lock() error {
	if err := d.Driver.Lock(); err != nil {
		return err
	}
	if d.lockPath == "" {
		return nil
	}
	held, err := lockFile(d.lockPath, lockWait, lockPoll)
	if err != nil {
		return errors.Join(err, d.Driver.Unlock())
	}
	d.held = held
	return nil
}

func (d *lockedDriver) Unlock() error {
	return errors.Join(d.release(), d.Driver.Unlock())
}

// Close releases a lock still held and nothing else.
func (d *lockedDriver) Close() error { return d.release() }

func (d *lockedDriver) release() error {
	if d.held == nil {
		return nil
	}
	err := d.held.Close()
	d.held = nil
	return err
}
