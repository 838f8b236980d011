package mysql_test

import (
	"context"
	"testing"

	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Dialect:         "mysql",
		NewURL:          testdb.MySQL,
		Open:            conformance.Opener(mysql.Open),
		NewMigrator:     mysql.OpenMigrator,
		Exec:            exec,
		NewCountedStore: newCountedStore,
		Capabilities:    conformance.Capabilities{ParallelTests: true},
	})
}

// exec runs one statement on rawURL's database, over a connection of its own.
func exec(ctx context.Context, rawURL, stmt string) error {
	cfg, _, err := mysql.ParseURL(rawURL)
	if err != nil {
		return err
	}
	db, err := mysql.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}
