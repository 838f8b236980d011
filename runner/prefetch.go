package runner

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/flowrra/schedstore"
)

// Prefetching: a claim may take more occurrences than there are free
// slots, as db-scheduler's lock-and-fetch does, and the engine keeps those
// not yet started in a bounded in-memory queue that feeds the slots as
// they free up, in the Store's order. It exists for one case: a backlog of
// short jobs, where every claim is a durable commit and a claim of only
// the free slots (at most Concurrency) makes the claim round trip, not the
// jobs, the bottleneck.
//
// When a claim may prefetch (mayPrefetch): only when
//
//   - the last claim came back full (it got all it asked for): there is a
//     backlog. After a short or empty claim there is nothing to prefetch,
//     and a claim takes only the free slots, as without prefetching; and
//   - the slots came free again quickly: the time from the end of the last
//     claim to this one (the jobs it started, and those it queued, running
//     through the slots) is at most prefetchTurnover round trips of that
//     claim (plus claimGather, the loop's own wait). So a queued claim
//     waits a few of this runner's claim round trips at most, about what
//     it would wait for another runner to claim and start it; and with
//     jobs that take long against a claim round trip, where prefetching
//     would gain little and hold work back from other runners with free
//     slots, a Runner does not prefetch at all.
//
// And then by how much: up to the free slots plus the queue's free room
// (Runner.Prefetch minus the claims queued), at most ClaimLimit. The loop
// claims only when a slot is free, which, since slots are fed from the
// queue first, is when the queue has run dry; so a runner never holds
// more than its free slots plus the queue's bound.
//
// A queued claim is held like a running one: it has its job's context
// from the moment it is claimed, the lease keeper renews it with the
// others, and it is trusted for the same window (leases.go). One whose
// renewal finds it lost, or that is past its trusted window when its turn
// comes, is dropped unstarted and nothing is recorded for it (another
// scheduler may hold it). When Run's context ends nothing more starts, and
// the queue is handed back at once with Store.ReturnClaim: none of those
// claims started its attempt, so the attempt each counted in the database
// is uncounted, and the next claim of the occurrence is the same attempt
// (a stop costs no task a run). The jobs that did start and are cancelled
// after the shutdown grace are handed back with Store.ReleaseClaim
// instead: their attempts ran, and stay counted.

// prefetchTurnover is how many round trips of the last claim the slots may
// take to come free again for the next claim to prefetch.
const prefetchTurnover = 4

// heldClaim is a claim the engine holds, queued or running: its lease, and
// its job's context, cancelled with errLeaseLost by the lease keeper.
type heldClaim struct {
	lease  *heldLease
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// mayPrefetch reports whether the next claim may take more than the free
// slots; see above. Only the claim loop calls it.
func (e *engine) mayPrefetch() bool {
	return e.prefetch > 0 && (e.r.prefetchAlways || e.lastFull &&
		time.Since(e.lastEnd) <= prefetchTurnover*e.lastTook+claimGather)
}

// hold takes fresh claims into the queue, each with its job's context and
// its lease kept from claimedAt, then starts what the free slots allow.
func (e *engine) hold(claims []schedstore.Claim, claimedAt time.Time) {
	e.qmu.Lock()
	for _, c := range claims {
		ctx, cancel := context.WithCancelCause(e.jobCtx)
		h := &heldClaim{ctx: ctx, cancel: cancel}
		h.lease = e.leases.add(c, claimedAt, func(cause error) {
			cancel(cause)
			e.signal() // a queued claim lost: the loop prunes the queue
		})
		e.jobs.Add(1) // done when it has run, or was dropped or handed back
		// After every queued claim that comes first in the Store's order:
		// a claim's own occurrences are in that order already, and a later
		// claim's do not pass the earlier ones of the same rank.
		i, _ := slices.BinarySearchFunc(e.queue, c, func(q *heldClaim, c schedstore.Claim) int {
			if claimOrder(q.lease.claim(), c) <= 0 {
				return -1
			}
			return 1
		})
		e.queue = slices.Insert(e.queue, i, h)
	}
	e.dispatchLocked()
	closed := e.closed
	e.qmu.Unlock()
	if closed {
		// Claimed while stopping (neither Run nor RunOnce claims after
		// that, but the queue must never keep a claim nobody hands back).
		e.handBackQueued()
	}
}

// claimOrder is the Store's order of claimed occurrences (ClaimDue's):
// requested ones (Trigger, Backfill) first, in the order they were
// claimed; then priority descending, occurrence, task ID.
func claimOrder(a, b schedstore.Claim) int {
	ar, br := !isScheduled(a), !isScheduled(b)
	switch {
	case ar && br:
		return 0
	case ar:
		return -1
	case br:
		return 1
	}
	if c := cmp.Compare(b.Task.Priority, a.Task.Priority); c != 0 {
		return c
	}
	if c := a.ScheduledFor.Compare(b.ScheduledFor); c != 0 {
		return c
	}
	return cmp.Compare(a.Task.ID, b.Task.ID)
}

// room starts what it can from the queue and returns the free slots and
// the claims still queued.
func (e *engine) room() (free, queued int) {
	e.qmu.Lock()
	defer e.qmu.Unlock()
	e.dispatchLocked()
	return cap(e.slots) - len(e.slots), len(e.queue)
}

// dispatchLocked drops the queued claims whose leases were lost, then
// starts queued claims in order while slots are free, unless the engine is
// stopping. A claim past its trusted window is dropped, not started. Call
// with qmu held. Only here is a slot taken, so a free slot seen is still
// free when it is taken.
func (e *engine) dispatchLocked() {
	e.queue = slices.DeleteFunc(e.queue, func(h *heldClaim) bool {
		if h.ctx.Err() == nil {
			return false
		}
		e.dropLocked(h)
		return true
	})
	for len(e.queue) > 0 && len(e.slots) < cap(e.slots) && !e.closed && e.runCtx.Err() == nil {
		h := e.queue[0]
		e.queue = slices.Delete(e.queue, 0, 1)
		if !h.lease.trusted(time.Now()) {
			h.cancel(errLeaseLost)
			e.dropLocked(h)
			continue
		}
		e.slots <- struct{}{} // never blocks: a slot is free, and only this takes them
		go e.runJob(h)
	}
}

// dropLocked lets go of a queued claim whose lease is lost: nothing is
// recorded, it never started.
func (e *engine) dropLocked(h *heldClaim) {
	c := h.lease.claim()
	e.log.Warn("claim lost before its job started: another scheduler owns the occurrence now; nothing recorded",
		"id", c.Task.ID, "task", c.Task.TaskName, "scheduled_for", c.ScheduledFor.UTC(), "cause", context.Cause(h.ctx))
	e.tel.leaseLost(h.ctx)
	e.leases.remove(h.lease)
	h.cancel(nil)
	e.jobs.Done()
}

// handBackQueued closes the queue, so that nothing more starts, and hands
// its claims back uncounted (Store.ReturnClaim: none started) on a
// goroutine that e.jobs waits for, beside the shutdown grace of the jobs
// in flight.
func (e *engine) handBackQueued() {
	e.qmu.Lock()
	e.closed = true
	queued := e.queue
	e.queue = nil
	e.qmu.Unlock()
	if len(queued) == 0 {
		return
	}
	e.log.Info("stopping: handing back the claims not started", "claims", len(queued))
	go func() {
		for _, h := range queued {
			e.handBack(h, false)
			e.jobs.Done()
		}
	}()
}

// handBack hands a claim back unrecorded: the occurrence is claimable
// again at once. ran says whether the claim's current attempt started:
// then it is released (Store.ReleaseClaim), its attempts still counted;
// else it is returned (Store.ReturnClaim), the attempt it counted
// uncounted, so that the next claim of the occurrence is that attempt
// again.
func (e *engine) handBack(h *heldClaim, ran bool) {
	c := h.lease.claim()
	ctx := context.WithoutCancel(h.ctx)
	var err error
	if ran {
		err = e.store.ReleaseClaim(ctx, c)
	} else {
		err = e.store.ReturnClaim(ctx, c)
	}
	e.leases.remove(h.lease)
	h.cancel(nil)
	if err != nil && !errors.Is(err, schedstore.ErrLeaseLost) && !errors.Is(err, schedstore.ErrNotFound) {
		e.log.Error("handing the claim back failed; it is free again when its lease ends",
			"id", c.Task.ID, "task", c.Task.TaskName, "scheduled_for", c.ScheduledFor.UTC(), "err", err)
	}
}
