package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/schema"
)

func TestMigrateUpDownUp(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "updown.db"), sqlite.Memory} {
		t.Run(path, func(t *testing.T) {
			db := openDB(t, sqlite.DSN(path))
			db.SetMaxOpenConns(1) // one in-memory database
			m, err := sqlite.NewMigrator(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			latest, err := schema.Latest()
			if err != nil {
				t.Fatal(err)
			}
			if st, err := m.Status(); err != nil || st != (schema.Status{Latest: latest}) {
				t.Fatalf("fresh database: status %+v, %v; want version 0 of %d", st, err, latest)
			}
			steps := []struct {
				name string
				run  func() error
				want uint
			}{
				{"up", m.Up, latest},
				{"down", func() error { return m.Down(0) }, 0},
				{"up again", m.Up, latest},
			}
			for _, s := range steps {
				if err := s.run(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				st, err := m.Status()
				if err != nil {
					t.Fatal(err)
				}
				if st.Version != s.want || st.Dirty || st.Latest != latest {
					t.Fatalf("%s: status %+v, want version %d clean", s.name, st, s.want)
				}
				if got := tableNames(t, db); (s.want > 0) != got["scheduled_tasks"] {
					t.Fatalf("%s: tables %v", s.name, got)
				}
			}
			got := tableNames(t, db)
			if !got[schema.MigrationsTable] || got["schema_migrations"] {
				t.Errorf("version table: want %s and no schema_migrations, have %v", schema.MigrationsTable, got)
			}
			// The Migrator does not own db.
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			if err := db.PingContext(t.Context()); err != nil {
				t.Errorf("db after the Migrator's Close: %v", err)
			}
		})
	}
}

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

// TestConcurrentOpen: Open itself, as several processes starting at once
// call it.
func TestConcurrentOpen(t *testing.T) {
	u := testdb.SQLite(t)
	for i, err := range race(8, func() error {
		b, err := sqlite.Open(t.Context(), u)
		if err == nil {
			err = b.Close()
		}
		return err
	}) {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
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

// TestMigrationFilesParse: golang-migrate skips a file whose name it cannot
// parse without a word (SQLC-PITFALLS #20), so every *.up.sql must be a
// parsed version, and every dialect must have the same versions (Status
// compares each with schema.Latest, which reads PostgreSQL's).
func TestMigrationFilesParse(t *testing.T) {
	var want []uint
	for _, dialect := range []string{schema.Postgres, schema.MySQL, schema.SQLite} {
		ups, err := filepath.Glob(filepath.Join("..", "..", "schema", dialect, "*.up.sql"))
		if err != nil {
			t.Fatal(err)
		}
		downs, err := filepath.Glob(filepath.Join("..", "..", "schema", dialect, "*.down.sql"))
		if err != nil {
			t.Fatal(err)
		}
		versions, err := schema.Versions(dialect)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: versions %v, %d up and %d down files", dialect, versions, len(ups), len(downs))
		if len(ups) == 0 || len(versions) != len(ups) || len(downs) != len(ups) {
			t.Errorf("%s: %d parsed versions, %d *.up.sql, %d *.down.sql; want all equal and > 0",
				dialect, len(versions), len(ups), len(downs))
		}
		if want == nil {
			want = versions
		} else if !slices.Equal(versions, want) {
			t.Errorf("%s versions %v, want %v (as %s)", dialect, versions, want, schema.Postgres)
		}
	}
}
