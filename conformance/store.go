package conformance

import (
	"testing"
)

// testStore asserts the schedstore.Store contract: leased claims, the fire
// ledger, Ensure and the Version rules that involve them. Every test
// passes an explicit clock to ClaimDue, so leases start and end exactly
// where it says, except the one test of the database clock.
func testStore(t *testing.T, s *suite) {
	groups := []struct {
		name string
		run  func(*testing.T, *suite)
	}{
		{"claim", testClaim},
		{"complete", testComplete},
		{"release", testRelease},
		{"engine", testEngine},
		{"ensure", testEnsure},
		{"fires", testFires},
		{"policy", testPolicy},
		{"next_due", testNextDue},
		{"pages", testPages},
		{"requests", testRequests},
		{"arguments", testStoreArguments},
		{"lifecycle", testStoreLifecycle},
		{"concurrency", testStoreConcurrency},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			s.parallel(t)
			g.run(t, s)
		})
	}
}
