//go:build unix

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/flowrra/schedstore/adapter/sqlite"
)

// TestMigrateWaitsForLockFile: while another process (here: the test,
// through its own open file) holds the lock file, Migrate waits, and
// proceeds once it is released.
func TestMigrateWaitsForLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	f, err := os.OpenFile(path+"-migrate.lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, sqlite.DSN(path))
	done := make(chan error, 1)
	go func() { done <- sqlite.Migrate(t.Context(), db) }()
	select {
	case err := <-done:
		t.Fatalf("Migrate returned while the lock file was held: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if got := tableNames(t, db); got["scheduled_tasks"] {
		t.Fatal("a migration ran while the lock file was held")
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Migrate after the release: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Migrate did not proceed after the lock file was released")
	}
	if got := tableNames(t, db); !got["scheduled_tasks"] {
		t.Errorf("tables after Migrate: %v", got)
	}
}
