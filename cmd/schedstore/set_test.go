package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// TestSetConflict: a change made between set's read and its write wins;
// set writes nothing, says so and exits 1.
func TestSetConflict(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	db := map[string]string{envDatabaseURL: "sqlite://" + t.TempDir() + "/db"}
	if _, stderr, status := runApp(t, now, db, "add", "interval", "5m", "--task", "t", "--id", "t1"); status != 0 {
		t.Fatalf("add: status %d: %s", status, stderr)
	}
	testHookBeforeSetWrite = func(ctx context.Context, st schedstore.Store) {
		if _, err := st.Pause(ctx, "t1", "concurrent"); err != nil {
			t.Errorf("concurrent Pause: %v", err)
		}
	}
	defer func() { testHookBeforeSetWrite = nil }()
	_, stderr, status := runApp(t, now, db, "set", "t1", "--priority", "9")
	if status != 1 || !strings.Contains(stderr, "t1 changed since it was read (version 1); nothing was written") {
		t.Errorf("set against a concurrent change: status %d, stderr %q; want 1 and the conflict explained", status, stderr)
	}
	testHookBeforeSetWrite = nil
	out, stderr, status := runApp(t, now, db, "get", "t1", "--json")
	if status != 0 {
		t.Fatalf("get: status %d: %s", status, stderr)
	}
	if !strings.Contains(out, `"priority": 0`) || !strings.Contains(out, `"pause_reason": "concurrent"`) {
		t.Errorf("after the lost set: %s; want priority 0 and the concurrent pause", out)
	}
}
