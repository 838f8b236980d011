package claims

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/runner"
)

// The environment of a worker process. envWorker is how TestMain knows it
// is one: the parent sets it, `go test` never does.
const (
	envWorker = "SCHEDSTORE_CLAIMS_WORKER" // implOurs, implOursNoPrefetch or implBaseline
	envURL    = "SCHEDSTORE_CLAIMS_URL"    // the database, schedstore_migrate=false
	envOwner  = "SCHEDSTORE_CLAIMS_OWNER"  // lease owner and ledger owner
	envLimit  = "SCHEDSTORE_CLAIMS_LIMIT"  // occurrences per claim
	// envCPUProfile, set for the parent, makes every worker write a CPU
	// profile of its drain into that directory.
	envCPUProfile = "SCHEDSTORE_BENCH_CLAIMS_CPUPROFILE"
)

const (
	implOurs     = "ours"
	implBaseline = "baseline"
	// implOursNoPrefetch is ours with Runner.Prefetch off: a claim takes
	// at most the free slots, as before prefetching (the "before" of
	// README.md's prefetch table, measured in the same run).
	implOursNoPrefetch = "ours-noprefetch"
)

// lease is the runner's default: far longer than a run, so no lease can
// expire and be claimed again; any ErrLeaseLost would be a bug.
const lease = runner.DefaultLease

// emptyPause is how long a worker waits after an empty claim while rows
// are still due. Long enough not to turn two cores into a spin loop that
// starves the worker holding the rows; short enough not to idle when the
// rows come free a round trip later. (schedstore run itself sleeps a whole
// second, runner.idleFloor, after a pass that fired nothing; that is the
// right choice for a scheduler that is rarely behind, and would make this
// drain measure sleeping.)
const emptyPause = time.Millisecond

// workerStats is what a worker reports on its last line of output.
type workerStats struct {
	Owner string `json:"owner"`
	// Fires: ours, claims completed (CompleteClaim returned nil);
	// baseline, rows its statement took.
	Fires int `json:"fires"`
	// Claims counts claim calls (ClaimDue, or the baseline's statement),
	// Empty those that took nothing while something was still due.
	Claims int `json:"claims"`
	Empty  int `json:"empty"`
	// LeaseLost and AlreadyFired count CompleteClaim's two refusals; with a
	// 30 s lease both must stay 0.
	LeaseLost    int `json:"lease_lost"`
	AlreadyFired int `json:"already_fired"`
	// Deadlocks counts baseline claims InnoDB rolled back as deadlock
	// victims and that were run again (ours retries inside the adapter,
	// unseen here).
	Deadlocks int `json:"deadlocks"`
	// NextDue and Batches count the runner's NextDue and CompleteClaims
	// calls (ours only).
	NextDue int `json:"next_due,omitempty"`
	Batches int `json:"batches,omitempty"`
	// Milliseconds of wall time inside ClaimDue, NextDue and CompleteClaims
	// (ours only; CompleteClaims runs beside the claim loop).
	ClaimMS    int64 `json:"claim_ms,omitempty"`
	NextDueMS  int64 `json:"next_due_ms,omitempty"`
	CompleteMS int64 `json:"complete_ms,omitempty"`
	// BusyNS is the worker's own time from "go" to done.
	BusyNS int64 `json:"busy_ns"`
}

func TestMain(m *testing.M) {
	if impl := os.Getenv(envWorker); impl != "" {
		// A worker: never run the tests, which would start workers of
		// their own.
		if err := runWorker(impl, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "claims worker %s (%s): %v\n", impl, os.Getenv(envOwner), err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runWorker is one worker process. Protocol on in/out: it writes "ready"
// once connected, waits for a line on in, drains, and writes its
// workerStats as one JSON line.
func runWorker(impl string, in io.Reader, out io.Writer) error {
	url, owner := os.Getenv(envURL), os.Getenv(envOwner)
	limit, err := strconv.Atoi(os.Getenv(envLimit))
	if err != nil || limit < 1 {
		return fmt.Errorf("%s=%q: want a positive integer", envLimit, os.Getenv(envLimit))
	}
	if impl != implOurs && impl != implOursNoPrefetch && impl != implBaseline {
		return fmt.Errorf("%s=%q: want %s, %s or %s", envWorker, impl, implOurs, implOursNoPrefetch, implBaseline)
	}
	// No deadline of its own: the parent kills a worker that overruns.
	ctx := context.Background()
	h, err := openHandle(ctx, url)
	if err != nil {
		return err
	}
	defer h.close()
	// One round trip before "ready", so that connecting (and, for pools,
	// the first connection) is not part of the timed drain.
	if _, err := h.claimable(ctx); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if _, err := fmt.Fprintln(out, "ready"); err != nil {
		return err
	}
	if _, err := bufio.NewReader(in).ReadString('\n'); err != nil {
		return fmt.Errorf("waiting for go: %w", err)
	}
	st := workerStats{Owner: owner}
	if dir := os.Getenv(envCPUProfile); dir != "" {
		// The drain only: go test -cpuprofile profiles the parent, which
		// only waits.
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%d.pprof", impl, owner, os.Getpid())))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	switch impl {
	case implOurs:
		err = drainOurs(ctx, h, owner, 0, &st)
	case implOursNoPrefetch:
		err = drainOurs(ctx, h, owner, -1, &st)
	default:
		err = drainBaseline(ctx, h, limit, &st)
	}
	if err != nil {
		return err
	}
	st.BusyNS = int64(time.Since(start))
	return json.NewEncoder(out).Encode(st)
}

// drainOurs runs the real engine: a runner.Runner with its defaults
// (Concurrency 10, Lease 30 s, ClaimLimit 32, Prefetch 32 unless prefetch
// is -1: off, so a claim takes at most the free slots) and a trivial
// handler, on this process's Store, wrapped to count what the engine asks
// of it. The drain is over when no claim is in
// flight, every occurrence this runner claimed is recorded, and a plain
// read finds nothing left to claim; then Run is stopped, which writes what
// the completer still holds (none: the count says so) and returns.
func drainOurs(ctx context.Context, h handle, owner string, prefetch int, st *workerStats) error {
	cs := &countingStore{Store: h.store()}
	var fired atomic.Int64
	r := &runner.Runner{
		Store: cs,
		Handler: runner.HandlerFunc(func(context.Context, runner.Job) error {
			fired.Add(1)
			return nil
		}),
		Owner:    owner,
		Prefetch: prefetch,
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- r.Run(runCtx) }()
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case err := <-ran:
			return fmt.Errorf("Run returned before the drain ended: %v", err)
		case <-tick.C:
		}
		if cs.inClaim.Load() != 0 || cs.claimed.Load() != cs.settled.Load() {
			continue
		}
		left, err := h.claimable(ctx)
		if err != nil {
			return err
		}
		// Read the counters again: a claim that started after the first
		// look may have leased rows the probe then saw as not claimable.
		done = !left && cs.inClaim.Load() == 0 && cs.claimed.Load() == cs.settled.Load()
	}
	stop()
	if err := <-ran; err != nil {
		return err
	}
	st.Fires = int(cs.completed.Load())
	st.Claims = int(cs.claims.Load())
	st.Empty = int(cs.empty.Load())
	st.LeaseLost = int(cs.leaseLost.Load())
	st.AlreadyFired = int(cs.alreadyFired.Load())
	st.NextDue = int(cs.nextDue.Load())
	st.Batches = int(cs.batches.Load())
	st.ClaimMS = cs.claimNS.Load() / 1e6
	st.NextDueMS = cs.nextDueNS.Load() / 1e6
	st.CompleteMS = cs.completeNS.Load() / 1e6
	if n := fired.Load(); n != cs.claimed.Load() {
		return fmt.Errorf("handler ran %d jobs for %d claims", n, cs.claimed.Load())
	}
	return nil
}

// probeEvery is how often drainOurs looks whether the drain is over: its
// counters always, the database only when they say this runner is idle.
const probeEvery = 2 * time.Millisecond

// countingStore counts the engine's store calls and their outcomes.
type countingStore struct {
	schedstore.Store
	inClaim                            atomic.Int64 // ClaimDue calls in flight
	claims, empty, nextDue, batches    atomic.Int64 // ClaimDue calls, those that took nothing, NextDue calls, CompleteClaims calls
	claimed, settled                   atomic.Int64 // occurrences claimed; completions written (any outcome)
	completed, leaseLost, alreadyFired atomic.Int64
	claimNS, nextDueNS, completeNS     atomic.Int64 // wall time inside each kind of call
}

func (s *countingStore) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	s.inClaim.Add(1)
	defer s.inClaim.Add(-1)
	start := time.Now()
	c, err := s.Store.ClaimDue(ctx, owner, now, lease, limit)
	s.claimNS.Add(int64(time.Since(start)))
	s.claims.Add(1)
	if len(c) == 0 {
		s.empty.Add(1)
	}
	s.claimed.Add(int64(len(c)))
	return c, err
}

func (s *countingStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	s.nextDue.Add(1)
	defer func(start time.Time) { s.nextDueNS.Add(int64(time.Since(start))) }(time.Now())
	return s.Store.NextDue(ctx)
}

func (s *countingStore) CompleteClaims(ctx context.Context, batch []schedstore.Completion) ([]error, error) {
	start := time.Now()
	errs, err := s.Store.CompleteClaims(ctx, batch)
	s.completeNS.Add(int64(time.Since(start)))
	s.batches.Add(1)
	if err != nil {
		return errs, err // the completer tries again
	}
	for _, e := range errs {
		switch {
		case e == nil:
			s.completed.Add(1)
		case errors.Is(e, schedstore.ErrLeaseLost):
			s.leaseLost.Add(1)
		case errors.Is(e, schedstore.ErrAlreadyFired):
			s.alreadyFired.Add(1)
		}
	}
	s.settled.Add(int64(len(batch)))
	return errs, nil
}

func drainBaseline(ctx context.Context, h handle, limit int, st *workerStats) error {
	for {
		n, err := h.baselineClaim(ctx, limit)
		if isDeadlock(err) {
			// Rolled back whole: as the adapter does (adapter/mysql
			// retry.go), run it again; a hand-written loop would too.
			st.Deadlocks++
			continue
		}
		if err != nil {
			return fmt.Errorf("baseline claim: %w", err)
		}
		st.Claims++
		st.Fires += n
		if more, err := goOn(ctx, h, n, st); err != nil || !more {
			return err
		}
	}
}

// goOn decides after a claim that took n rows. An empty claim is not the
// end while a plain (non-locking) read still sees claimable rows: with
// SKIP LOCKED it only means other workers held every one of them locked at
// that moment.
func goOn(ctx context.Context, h handle, n int, st *workerStats) (bool, error) {
	if n > 0 {
		return true, nil
	}
	left, err := h.claimable(ctx)
	if err != nil || !left {
		return false, err
	}
	st.Empty++
	time.Sleep(emptyPause)
	return true, nil
}
