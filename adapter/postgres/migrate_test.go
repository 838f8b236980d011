package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/schema"
)

func TestMigrateUpDownUp(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, err := schema.Latest()
	if err != nil {
		t.Fatal(err)
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
		if got := tables(t, pool); (s.want > 0) != got["scheduled_tasks"] {
			t.Fatalf("%s: tables %v", s.name, got)
		}
	}
	got := tables(t, pool)
	if !got[schema.MigrationsTable] || got["schema_migrations"] {
		t.Errorf("version table: want %s and no schema_migrations, have %v", schema.MigrationsTable, got)
	}
}

// TestConcurrentOpen: several processes starting at once all migrate the
// same fresh schema; golang-migrate's advisory lock serializes them.
func TestConcurrentOpen(t *testing.T) {
	u := testdb.Postgres(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := postgres.Open(context.Background(), u)
			if err == nil {
				err = b.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func tables(t *testing.T, pool *pgxpool.Pool) map[string]bool {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n] = true
	}
	return out
}
