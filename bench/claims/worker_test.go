package claims

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/runner"
	"github.com/flowrra/schedstore/schedule"
)

// The environment of a worker process. envWorker is how TestMain knows it
// is one: the parent sets it, `go test` never does.
const (
	envWorker = "SCHEDSTORE_CLAIMS_WORKER" // implOurs or implBaseline
	envURL    = "SCHEDSTORE_CLAIMS_URL"    // the database, schedstore_migrate=false
	envOwner  = "SCHEDSTORE_CLAIMS_OWNER"  // lease owner and ledger owner
	envLimit  = "SCHEDSTORE_CLAIMS_LIMIT"  // occurrences per claim
)

const (
	implOurs     = "ours"
	implBaseline = "baseline"
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
	if impl != implOurs && impl != implBaseline {
		return fmt.Errorf("%s=%q: want %s or %s", envWorker, impl, implOurs, implBaseline)
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
	start := time.Now()
	if impl == implOurs {
		err = drainOurs(ctx, h, owner, limit, &st)
	} else {
		err = drainBaseline(ctx, h, limit, &st)
	}
	if err != nil {
		return err
	}
	st.BusyNS = int64(time.Since(start))
	return json.NewEncoder(out).Encode(st)
}

// drainOurs is the runner's claim loop (runner.claimSource and fireOne)
// without the user's fire: claim, work out each occurrence's next run,
// complete it.
func drainOurs(ctx context.Context, h handle, owner string, limit int, st *workerStats) error {
	s := h.store()
	for {
		// A zero now: the database's clock, as schedstore run claims.
		claims, err := s.ClaimDue(ctx, owner, time.Time{}, lease, limit)
		if err != nil {
			return fmt.Errorf("ClaimDue: %w", err)
		}
		st.Claims++
		for _, c := range claims {
			err := complete(ctx, s, c)
			switch {
			case err == nil:
				st.Fires++
			case errors.Is(err, schedstore.ErrLeaseLost):
				st.LeaseLost++
			case errors.Is(err, schedstore.ErrAlreadyFired):
				st.AlreadyFired++
			default:
				return fmt.Errorf("CompleteClaim %s: %w", c.Task.ID, err)
			}
		}
		if more, err := goOn(ctx, h, len(claims), st); err != nil || !more {
			return err
		}
	}
}

// complete is what runner.fireOne does once the fire has returned: the
// next run after the occurrence (a one-time task has none and is disabled),
// then CompleteClaim.
func complete(ctx context.Context, s schedstore.Store, c schedstore.Claim) error {
	sched, err := schedule.Parse(string(c.Task.ScheduleType), c.Task.Schedule)
	if err != nil {
		return err
	}
	var next *time.Time
	if at, ok := sched.Next(c.ScheduledFor, time.Now()); ok {
		next = &at
	}
	return s.CompleteClaim(ctx, c, next)
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
