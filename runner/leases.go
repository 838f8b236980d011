package runner

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/flowrra/schedstore"
)

// heldLease is one claim the lease keeper renews until its completion is
// recorded or it is handed back.
type heldLease struct {
	mu           sync.Mutex
	c            schedstore.Claim
	trustedUntil time.Time // local clock: past it, the job must stop
	cancel       context.CancelCauseFunc
}

func (h *heldLease) claim() schedstore.Claim {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c
}

// trusted reports whether the lease is still within its trusted window at
// now (local monotonic clock).
func (h *heldLease) trusted(now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !now.After(h.trustedUntil)
}

func (h *heldLease) update(c schedstore.Claim) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.c = c
}

// leaseKeeper renews the leases of every claim this runner holds, in one
// store call per round, every quarter of the lease. A claim is trusted for
// three quarters of the lease after the start of its last successful
// renewal (or its claim), measured on this process's monotonic clock: so
// two renewals in a row may fail (the database restarting) before the job
// is stopped, and it is stopped a quarter of a lease before another
// scheduler may claim it. A renewal that finds the claim gone stops the
// job at once. Either way the job's context is cancelled with
// ErrLeaseLost as its cause, and nothing is recorded for it.
type leaseKeeper struct {
	store schedstore.Store
	lease time.Duration
	log   *slog.Logger

	mu   sync.Mutex
	held map[*heldLease]struct{}

	quit chan struct{}
	done chan struct{}
}

func newLeaseKeeper(store schedstore.Store, lease time.Duration, log *slog.Logger) *leaseKeeper {
	return &leaseKeeper{store: store, lease: lease, log: log, held: map[*heldLease]struct{}{},
		quit: make(chan struct{}), done: make(chan struct{})}
}

func (k *leaseKeeper) interval() time.Duration { return max(k.lease/4, time.Millisecond) }
func (k *leaseKeeper) trust() time.Duration    { return k.lease - k.lease/4 }

func (k *leaseKeeper) add(c schedstore.Claim, claimedAt time.Time, cancel context.CancelCauseFunc) *heldLease {
	h := &heldLease{c: c, trustedUntil: claimedAt.Add(k.trust()), cancel: cancel}
	k.mu.Lock()
	k.held[h] = struct{}{}
	k.mu.Unlock()
	return h
}

func (k *leaseKeeper) remove(h *heldLease) {
	k.mu.Lock()
	delete(k.held, h)
	k.mu.Unlock()
}

func (k *leaseKeeper) start() { go k.run() }

// stop ends the renewals; call it after every claim was recorded or
// handed back.
func (k *leaseKeeper) stop() {
	close(k.quit)
	<-k.done
}

func (k *leaseKeeper) run() {
	defer close(k.done)
	tick := time.NewTicker(k.interval())
	defer tick.Stop()
	for {
		select {
		case <-k.quit:
			return
		case <-tick.C:
			k.renew()
			k.expire()
		}
	}
}

func (k *leaseKeeper) snapshot() ([]*heldLease, []schedstore.Claim) {
	k.mu.Lock()
	defer k.mu.Unlock()
	hs := make([]*heldLease, 0, len(k.held))
	for h := range k.held {
		hs = append(hs, h)
	}
	claims := make([]schedstore.Claim, len(hs))
	for i, h := range hs {
		claims[i] = h.claim()
	}
	return hs, claims
}

func (k *leaseKeeper) renew() {
	hs, claims := k.snapshot()
	if len(claims) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), k.interval())
	defer cancel()
	started := time.Now()
	errs, err := k.store.RenewClaims(ctx, claims, k.lease)
	if err != nil {
		k.log.Warn("renewing leases failed; the jobs stop if it keeps failing", "claims", len(claims), "err", err)
		return
	}
	for i, h := range hs {
		switch {
		case errs[i] == nil:
			h.mu.Lock()
			if h.c.Token == claims[i].Token {
				h.trustedUntil = started.Add(k.trust())
			}
			h.mu.Unlock()
		case errors.Is(errs[i], schedstore.ErrLeaseLost):
			h.cancel(errLeaseLost)
		}
	}
}

// expire stops the jobs whose leases could not be renewed in time.
func (k *leaseKeeper) expire() {
	now := time.Now()
	hs, _ := k.snapshot()
	for _, h := range hs {
		h.mu.Lock()
		late := now.After(h.trustedUntil)
		h.mu.Unlock()
		if late {
			h.cancel(errLeaseLost)
		}
	}
}
