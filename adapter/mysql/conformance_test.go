package mysql_test

import (
	"testing"

	"github.com/flowrra/schedstore/conformance"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Dialect:           "mysql",
		NewBackend:        newBackend,
		NewCountedBackend: newCountedBackend,
		Capabilities:      conformance.Capabilities{ParallelTests: true},
	})
}
