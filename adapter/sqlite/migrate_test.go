package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/schema"
)

// TestConcurrentMigrators: processes starting at once on a fresh file all
// open and migrate it. Each goroutine has a *sql.DB and a migration driver
// of its own, so golang-migrate's in-process lock does not serialize them;
// only the lock file does.
func TestConcurrentMigrators(t *testing.T) {
	latest, err := schema.Latest()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("race%d.db", round))
		errs := race(8, func() error {
			db, err := sqlite.OpenDB(t.Context(), path)
			if err != nil {
				return err
			}
			defer db.Close()
			return sqlite.Migrate(t.Context(), db)
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, migrator %d: %v", round, i, err)
			}
		}
		db := openDB(t, sqlite.DSN(path))
		m, err := sqlite.NewMigrator(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		st, err := m.Status()
		m.Close()
		if err != nil || st.Version != latest || st.Dirty {
			t.Errorf("round %d: status %+v, %v; want version %d clean", round, st, err, latest)
		}
		if _, err := os.Stat(path + "-migrate.lock"); err != nil {
			t.Errorf("round %d: lock file: %v", round, err)
		}
	}
}

// race runs n copies of f released together and returns their errors.
func race(n int, f func() error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f()
		})
	}
	close(start)
	wg.Wait()
	return errs
}
