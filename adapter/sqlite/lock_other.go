//go:build !unix

package sqlite

import (
	"io"
	"time"
)

// lockFile is a no-op off Unix (Windows): migrations there are serialized
// within one process only, so processes sharing a database file must not
// migrate a fresh one at the same moment (run `schedstore migrate` once,
// then open with schedstore_migrate=false, or start one process first).
func lockFile(string, time.Duration, time.Duration) (io.Closer, error) { return nopCloser{}, nil }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
