package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

func testClose(t *testing.T, s *suite) {
	s.leaf(t, "idempotent", func(t *testing.T, b schedstore.Store) {
		if err := b.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})

	s.leaf(t, "every_method_after_close", func(t *testing.T, b schedstore.Store) {
		mustCreate(t, b, sampleTask("stored"))
		if err := b.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for _, m := range everyMethod("stored") {
			wantIs(t, m.name+" after Close", m.call(t.Context(), b), schedstore.ErrClosed)
		}
		if err := b.Close(); err != nil {
			t.Errorf("Close after the calls: %v", err)
		}
	})
}
