// Package lifecycle gives internal/core.Store its Close semantics: idempotent,
// and every call after it fails with schedstore.ErrClosed.
package lifecycle

import (
	"context"
	"fmt"
	"sync"

	"github.com/flowrra/schedstore"
)

// Guard tracks whether a backend is closed. The zero value is open.
type Guard struct {
	mu     sync.RWMutex
	closed bool
}

// Enter fails with ErrClosed after Close, and with the context's error when
// ctx is already done, so a cancelled call fails before touching the pool.
func (g *Guard) Enter(ctx context.Context) error {
	g.mu.RLock()
	closed := g.closed
	g.mu.RUnlock()
	if closed {
		return schedstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("schedstore: %w", err)
	}
	return nil
}

// Close runs release once, however often it is called, and returns its
// error the first time.
func (g *Guard) Close(release func() error) error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	if release == nil {
		return nil
	}
	return release()
}
