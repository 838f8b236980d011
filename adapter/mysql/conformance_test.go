package mysql_test

import (
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
		NewCountedStore: newCountedStore,
		Capabilities:    conformance.Capabilities{ParallelTests: true},
	})
}
