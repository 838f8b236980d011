//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/golang-migrate/migrate/v4/database"
)

// lockFile takes an exclusive flock on path (creating it), polling for up
// to wait; closing the result releases it. flock locks belong to the open
// file, so two *sql.DB in one process exclude each other too, and the
// kernel drops the lock of a process that dies. On Linux and macOS they are
// independent of SQLite's own fcntl locks; a separate file keeps the two
// apart everywhere, and opening and closing the database file itself would
// drop SQLite's fcntl locks on it (POSIX releases them on any close).
func lockFile(path string, wait, poll time.Duration) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("schedstore: sqlite: migration lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		// Non-blocking, so that giving up at the deadline is possible.
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("schedstore: sqlite: migration lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("schedstore: sqlite: migration lock %s held for over %v: %w", path, wait, database.ErrLocked)
		}
		time.Sleep(poll)
	}
}
