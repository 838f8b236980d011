package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

// Run asserts the schedstore.Backend and schedstore.Store contracts, and
// the migrations, against the stores h returns. Each area is a subtest
// and each leaf test gets a fresh store, so a failure names the rule that
// broke and no leaf sees another's rows.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if !h.Schemaless && (h.NewURL == nil || h.Open == nil || h.NewMigrator == nil) {
		t.Fatal("conformance: Harness.NewURL, Open and NewMigrator are required (Schemaless is for the suite's own model)")
	}
	if h.NewStore == nil && (h.NewURL == nil || h.Open == nil) {
		t.Fatal("conformance: Harness.NewStore is nil and there is no NewURL and Open to build it")
	}
	s := &suite{h: h}
	t.Logf("conformance: dialect %q, %+v", h.Dialect, h.Capabilities)
	areas := []struct {
		name string
		run  func(*testing.T, *suite)
	}{
		{"create", testCreate},
		{"update", testUpdate},
		{"delete_get", testDeleteGet},
		{"lists", testLists},
		{"due", testDue},
		{"runtimes", testRunTimes},
		{"clear", testClear},
		{"find", testFind},
		{"close", testClose},
		{"times", testTimes},
		{"validation", testValidation},
		{"unicode", testUnicode},
		{"payload", testPayload},
		{"context", testContext},
		{"concurrency", testConcurrency},
		{"store", testStore},
		{"model", testModel},
	}
	if !h.Schemaless {
		areas = append(areas, struct {
			name string
			run  func(*testing.T, *suite)
		}{"migrate", testMigrate})
	}
	// An embedded database has no round trips to count. Leaving the area
	// out rather than skipping it keeps a skip meaning "something is wrong".
	if !h.Embedded {
		areas = append(areas, struct {
			name string
			run  func(*testing.T, *suite)
		}{"round_trips", testRoundTrips})
	}
	for _, a := range areas {
		t.Run(a.name, func(t *testing.T) {
			s.parallel(t)
			a.run(t, s)
		})
	}
}

type suite struct{ h Harness }

func (s *suite) parallel(t *testing.T) {
	if s.h.ParallelTests {
		t.Parallel()
	}
}

// leaf runs fn as a subtest with a store of its own.
func (s *suite) leaf(t *testing.T, name string, fn func(t *testing.T, st schedstore.Store)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		s.parallel(t)
		fn(t, s.h.newStore(t))
	})
}
