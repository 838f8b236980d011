package conformance

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/flowrra/schedstore/schema"
)

// testMigrate asserts the embedded migrations through the dialect's
// Migrator and Open: up, down and up again; several processes opening one
// fresh database at once; and that every migration file of the dialect
// parses (golang-migrate skips one whose name it cannot parse without a
// word: SQLC-PITFALLS #20).
func testMigrate(t *testing.T, s *suite) {
	t.Run("up_down_up", func(t *testing.T) {
		s.parallel(t)
		m, err := s.h.NewMigrator(t.Context(), s.h.NewURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		latest := mustLatest(t)
		if st, err := m.Status(); err != nil || st != (schema.Status{Latest: latest}) {
			t.Fatalf("fresh database: status %+v, %v; want version 0 of %d", st, err, latest)
		}
		for _, step := range []struct {
			name string
			run  func() error
			want uint
		}{
			{"up", m.Up, latest},
			{"up with nothing pending", m.Up, latest},
			{"down", func() error { return m.Down(0) }, 0},
			{"up again", m.Up, latest},
		} {
			if err := step.run(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			st, err := m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if st.Version != step.want || st.Dirty || st.Latest != latest {
				t.Fatalf("%s: status %+v, want version %d clean", step.name, st, step.want)
			}
		}
	})
	t.Run("force_and_step_down", func(t *testing.T) {
		s.parallel(t)
		m, err := s.h.NewMigrator(t.Context(), s.h.NewURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		latest := mustLatest(t)
		if err := m.Up(); err != nil {
			t.Fatal(err)
		}
		// Force records a version without running anything: the way out of
		// a dirty one. It must leave the version clean.
		if err := m.Force(int(latest)); err != nil {
			t.Fatal(err)
		}
		if st, err := m.Status(); err != nil || st.Version != latest || st.Dirty {
			t.Fatalf("after Force(%d): status %+v, %v", latest, st, err)
		}
		if err := m.Down(1); err != nil {
			t.Fatal(err)
		}
		if st, err := m.Status(); err != nil || st.Version != latest-1 || st.Dirty {
			t.Fatalf("after Down(1): status %+v, %v; want version %d clean", st, err, latest-1)
		}
	})
	t.Run("dirty_version", func(t *testing.T) {
		s.parallel(t)
		if s.h.Exec == nil {
			t.Fatalf("dialect %q: Harness.Exec is nil", s.h.Dialect)
		}
		u := s.h.NewURL(t)
		m, err := s.h.NewMigrator(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		latest := mustLatest(t)
		if err := m.Up(); err != nil {
			t.Fatal(err)
		}
		// What a migration that failed half-way leaves behind, in the
		// version table of schedstore's own name (not schema_migrations,
		// which the application's migrations may use).
		if err := s.h.Exec(t.Context(), u, "UPDATE "+schema.MigrationsTable+" SET dirty = TRUE"); err != nil {
			t.Fatalf("marking the version dirty in %s: %v", schema.MigrationsTable, err)
		}
		if st, err := m.Status(); err != nil || st.Version != latest || !st.Dirty {
			t.Fatalf("status %+v, %v; want version %d dirty", st, err, latest)
		}
		// Neither Up nor Open goes on over a dirty version, and both say
		// how to get out of it.
		if err := m.Up(); !errors.Is(err, schema.ErrDirty) {
			t.Fatalf("Up over a dirty version: %v, want schema.ErrDirty", err)
		}
		if st, err := s.h.Open(t.Context(), u); err == nil {
			st.Close()
			t.Fatal("Open over a dirty version succeeded")
		} else if !errors.Is(err, schema.ErrDirty) || !strings.Contains(err.Error(), "migrate force") {
			t.Fatalf("Open over a dirty version: %v, want schema.ErrDirty naming migrate force", err)
		}
		// Force records the version that is really applied, clean.
		if err := m.Force(int(latest)); err != nil {
			t.Fatal(err)
		}
		st, err := s.h.Open(t.Context(), u)
		if err != nil {
			t.Fatalf("Open after Force: %v", err)
		}
		st.Close()
	})
	t.Run("concurrent_first_open", func(t *testing.T) {
		s.parallel(t)
		u := s.h.NewURL(t)
		errs := make([]error, 6)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				st, err := s.h.Open(t.Context(), u)
				if err == nil {
					err = st.Close()
				}
				errs[i] = err
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
			}
		}
		m, err := s.h.NewMigrator(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if st, err := m.Status(); err != nil || st.Version != st.Latest || st.Dirty {
			t.Errorf("after concurrent opens: status %+v, %v", st, err)
		}
	})
	t.Run("files_parse", func(t *testing.T) {
		s.parallel(t)
		want, err := schema.Versions(schema.Postgres)
		if err != nil {
			t.Fatal(err)
		}
		for _, dialect := range []string{schema.Postgres, schema.MySQL, schema.SQLite} {
			fsys, err := schema.FS(dialect)
			if err != nil {
				t.Fatal(err)
			}
			ups, _ := fs.Glob(fsys, "*.up.sql")
			downs, _ := fs.Glob(fsys, "*.down.sql")
			versions, err := schema.Versions(dialect)
			if err != nil {
				t.Fatal(err)
			}
			if len(ups) == 0 || len(versions) != len(ups) || len(downs) != len(ups) {
				t.Errorf("%s: %d parsed versions, %d *.up.sql, %d *.down.sql; want all equal and > 0",
					dialect, len(versions), len(ups), len(downs))
			}
			// Status compares each dialect's version with schema.Latest,
			// which reads PostgreSQL's.
			if len(versions) != len(want) || versions[len(versions)-1] != want[len(want)-1] {
				t.Errorf("%s versions %v, want %v (as %s)", dialect, versions, want, schema.Postgres)
			}
		}
	})
}

func mustLatest(t *testing.T) uint {
	t.Helper()
	latest, err := schema.Latest()
	if err != nil {
		t.Fatal(err)
	}
	return latest
}
