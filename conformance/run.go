package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

// Run asserts the schedstore.Backend and schedstore.Store contracts
// against the backends h returns. Each area of the contract is a subtest and each leaf test gets a
// fresh backend, so a failure names the rule that broke and no leaf sees
// another's rows.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.NewBackend == nil {
		t.Fatal("conformance: Harness.NewBackend is nil")
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
	for _, a := range areas {
		t.Run(a.name, func(t *testing.T) {
			s.parallel(t)
			a.run(t, s)
		})
	}
	// An embedded database has no round trips to count. Leaving the subtest
	// out rather than skipping it keeps a skip meaning "something is wrong".
	if h.NewCountedBackend != nil || !h.Embedded {
		t.Run("round_trips", func(t *testing.T) {
			s.parallel(t)
			testRoundTrips(t, s)
		})
	}
}

type suite struct{ h Harness }

func (s *suite) parallel(t *testing.T) {
	if s.h.ParallelTests {
		t.Parallel()
	}
}

// leaf runs fn as a subtest with a backend of its own.
func (s *suite) leaf(t *testing.T, name string, fn func(t *testing.T, b schedstore.Backend)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		s.parallel(t)
		fn(t, s.h.NewBackend(t))
	})
}
