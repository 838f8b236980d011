package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/flowrra/schedstore"
)

// Defaults for claiming.
const (
	DefaultLease      = 30 * time.Second
	DefaultClaimLimit = 32
)

// DefaultOwner names this process in leases and the fire ledger: host:pid.
func DefaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// claimSource is the many-instance source: ClaimDue leases due occurrences
// to this owner, CompleteClaim records each in the fire ledger and advances
// the task, ReleaseClaim hands back what a stopping loop did not fire.
//
// It compares due times and leases with the database's clock (a zero now),
// so instances whose clocks disagree still agree on both. It fires an
// occurrence only while a safety margin of its lease is left, measured on
// this process's monotonic clock from the moment of the claim: a pass that
// falls behind leaves the rest to whoever claims them next, instead of
// firing them under a lease that may already have passed to someone else.
type claimSource struct {
	s     schedstore.Store
	owner string
	lease time.Duration
	limit int
	log   *slog.Logger
	clock Clock
}

// claimed is a claim and the local time its lease is trusted until.
type claimed struct {
	schedstore.Claim
	fireBy time.Time
}

func (c *claimSource) due(ctx context.Context, now time.Time) ([]occurrence, error) {
	claims, err := c.s.ClaimDue(ctx, c.owner, time.Time{}, c.lease, c.limit)
	if err != nil {
		return nil, err
	}
	// A tenth of the lease (at least nothing) is kept back for recording
	// the fire after it returns.
	fireBy := c.clock.Now().Add(c.lease - c.lease/10)
	occs := make([]occurrence, len(claims))
	for i, cl := range claims {
		occs[i] = occurrence{task: cl.Task, scheduled: cl.ScheduledFor, claim: &claimed{Claim: cl, fireBy: fireBy}}
	}
	return occs, nil
}

// stale reports whether occ's lease can no longer be trusted for a fire.
func (c *claimSource) stale(occ occurrence) bool {
	return occ.claim != nil && c.clock.Now().After(occ.claim.fireBy)
}

func (c *claimSource) done(ctx context.Context, occ occurrence, next *time.Time) error {
	err := c.s.CompleteClaim(ctx, occ.claim.Claim, next)
	switch {
	case errors.Is(err, schedstore.ErrLeaseLost):
		// Another instance holds the occurrence now and records it.
		c.log.Warn("lease lost before the fire was recorded; another instance owns it now",
			"id", occ.task.ID, "scheduled_for", occ.scheduled, "err", err)
		return nil
	case errors.Is(err, schedstore.ErrAlreadyFired):
		c.log.Warn("occurrence was already in the fire ledger", "id", occ.task.ID, "scheduled_for", occ.scheduled)
		return nil
	case errors.Is(err, schedstore.ErrNotFound):
		return nil
	}
	return err
}

func (c *claimSource) abandon(ctx context.Context, occ occurrence) error {
	err := c.s.ReleaseClaim(ctx, occ.claim.Claim)
	if errors.Is(err, schedstore.ErrLeaseLost) || errors.Is(err, schedstore.ErrNotFound) {
		return nil
	}
	return err
}

func (c *claimSource) nextDue(ctx context.Context) (time.Time, bool, error) {
	return c.s.NextDue(ctx)
}
