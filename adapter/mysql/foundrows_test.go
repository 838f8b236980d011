package mysql_test

import (
	"errors"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/testdb"
)

// Over a pool from New without clientFoundRows, an UPDATE reports changed
// rather than matched rows; the backend must still tell a missing task
// (ErrNotFound) from a present one, and a stale Version (ErrConflict).
func TestNewWithoutClientFoundRows(t *testing.T) {
	cfg, _, err := mysql.ParseURL(testdb.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := mysql.Migrate(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	cfg.ClientFoundRows = false
	b := mysql.New(openDB(t, cfg))
	ctx := t.Context()

	missing := schedstore.NewCron("job", "@daily")
	missing.ID = "missing"
	if err := b.Update(ctx, missing); !errors.Is(err, schedstore.ErrNotFound) {
		t.Errorf("Update(missing) = %v, want ErrNotFound", err)
	}
	if err := b.UpdateRunTimes(ctx, "missing", time.Now(), time.Time{}); !errors.Is(err, schedstore.ErrNotFound) {
		t.Errorf("UpdateRunTimes(missing) = %v, want ErrNotFound", err)
	}

	task := schedstore.NewCron("job", "@daily")
	if err := b.Create(ctx, task); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, task); err != nil {
		t.Errorf("Update(present) = %v", err)
	}
	stale := *task
	stale.Version = 1 // Update made it 2
	if err := b.Update(ctx, &stale); !errors.Is(err, schedstore.ErrConflict) {
		t.Errorf("Update(stale version) = %v, want ErrConflict", err)
	}
	if err := b.UpdateRunTimes(ctx, task.ID, time.Now(), time.Time{}); err != nil {
		t.Errorf("UpdateRunTimes(present) = %v", err)
	}
}
