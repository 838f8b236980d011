package conformance

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/flowrra/schedstore"
)

// testRoundTrips asserts that every method costs one round trip to the
// server, the promise that keeps latency flat on PostgreSQL and MySQL. The
// first call of each may prepare a statement, so it only warms up.
func testRoundTrips(t *testing.T, s *suite) {
	if s.h.NewCountedStore == nil {
		t.Fatalf("dialect %q is not Embedded, so Harness.NewCountedStore must count its round trips", s.h.Dialect)
	}
	b, trips := s.h.NewCountedStore(t)
	mustCreate(t, b, sampleTask("rt"))
	var table strings.Builder
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "method\twarm-up\tround trips\n")
	for _, m := range everyMethod("rt") {
		before := trips()
		if err := m.call(t.Context(), b); err != nil {
			t.Fatalf("%s (warm-up): %v", m.name, err)
		}
		mid := trips()
		if err := m.call(t.Context(), b); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		n := trips() - mid
		fmt.Fprintf(w, "%s\t%d\t%d\n", m.name, mid-before, n)
		if n != 1 {
			t.Errorf("%s made %d round trips after warming up, want 1", m.name, n)
		}
	}
	// ListPage is one statement per page; ListAllSeq over a table that
	// fits in one page is one page.
	mustCreate(t, b, sampleTask("rt-page"))
	for _, m := range []struct {
		name string
		call func() error
	}{
		{"ListPage", func() error {
			_, _, err := b.ListPage(t.Context(), schedstore.Cursor{}, 10)
			return err
		}},
		{"ListAllSeq (one page)", func() error {
			for _, err := range b.ListAllSeq(t.Context(), schedstore.Cursor{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		before := trips()
		if err := m.call(); err != nil {
			t.Fatalf("%s (warm-up): %v", m.name, err)
		}
		mid := trips()
		if err := m.call(); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		n := trips() - mid
		fmt.Fprintf(w, "%s\t%d\t%d\n", m.name, mid-before, n)
		if n != 1 {
			t.Errorf("%s made %d round trips after warming up, want 1", m.name, n)
		}
	}
	w.Flush()
	t.Logf("round trips per call, dialect %q:\n%s", s.h.Dialect, table.String())
}
