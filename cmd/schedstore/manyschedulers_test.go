package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// The multi-process scenario of docs/many-schedulers.md.
const (
	manyProcs    = 4
	manyTasks    = 200
	manyInterval = time.Second
	manyLease    = 3 * time.Second
	manyRunFor   = 20 * time.Second
	manyKillAt   = 10 * time.Second
)

// TestManySchedulers runs 4 `schedstore run` processes on one database with
// 200 interval tasks of 1s for 20s, kills one with SIGKILL halfway, and then
// checks the fire ledger: every task's occurrences in the window are there
// exactly once, on the task's grid, with no gap longer than the lease (plus
// the interval and one pass), from the first occurrence to the end.
func TestManySchedulers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 4 schedulers for 20s per database")
	}
	if runtime.GOOS == "windows" {
		t.Skip("uses SIGKILL and SIGTERM")
	}
	bin := buildBinary(t)
	forEachDialect(t, func(t *testing.T, d dialect) {
		// Not parallel: 12 schedulers on 2 cores would measure the machine.
		url := d.fresh(t)
		ctx := context.Background()
		b, err := adapter.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		st := b

		start := time.Now().UTC().Truncate(time.Second).Add(2 * time.Second)
		for i := range manyTasks {
			task := schedstore.NewInterval(fmt.Sprintf("job-%03d", i), manyInterval)
			task.ID = fmt.Sprintf("t%03d", i)
			task.NextRunAt = &start
			if err := st.Create(ctx, task); err != nil {
				t.Fatal(err)
			}
		}

		procs := make([]*scheduler, manyProcs)
		for i := range procs {
			procs[i] = startScheduler(t, bin, url, fmt.Sprintf("proc-%d", i))
		}
		// Kill proc-0 in the middle of a pass: right after it prints its first
		// job at or after +10s, while it still holds the rest of its claims.
		killAt := start.Add(manyKillAt)
		for deadline := killAt.Add(2 * time.Second); time.Now().Before(deadline) && !procs[0].firedSince(killAt); {
			time.Sleep(time.Millisecond)
		}
		if err := procs[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = procs[0].cmd.Wait()
		t.Logf("%s: proc-0 killed at %v", d.name, time.Since(start).Round(time.Millisecond))
		time.Sleep(time.Until(start.Add(manyRunFor)))
		stop := time.Now().UTC()
		for _, p := range procs[1:] {
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range procs[1:] {
			if err := p.cmd.Wait(); err != nil {
				t.Errorf("%s after SIGTERM: %v, want exit status 0\nstderr tail:\n%s", p.owner, err, tail(p.stderr.String(), 2000))
			}
		}

		// The ledger: exactly once per occurrence, on the grid, no long gaps.
		var occurrences, gaps int
		var maxGap time.Duration
		byOwner := map[string]int{}
		maxAllowedGap := manyLease + manyInterval + time.Second // a pass may start up to 1s late
		for i := range manyTasks {
			id := fmt.Sprintf("t%03d", i)
			fires, err := st.ListFires(ctx, id, 0)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[time.Time]bool{}
			var prev time.Time
			for j := len(fires) - 1; j >= 0; j-- { // oldest first
				f := fires[j]
				byOwner[f.Owner]++
				if seen[f.ScheduledFor] {
					t.Errorf("%s: occurrence %v recorded twice", id, f.ScheduledFor)
				}
				seen[f.ScheduledFor] = true
				if f.ScheduledFor.Sub(start)%manyInterval != 0 {
					t.Errorf("%s: occurrence %v is off the task's grid", id, f.ScheduledFor)
				}
				if j == len(fires)-1 && !f.ScheduledFor.Equal(start) {
					t.Errorf("%s: first recorded occurrence %v, want %v", id, f.ScheduledFor, start)
				}
				if !prev.IsZero() {
					gap := f.ScheduledFor.Sub(prev)
					maxGap = max(maxGap, gap)
					if gap > manyInterval {
						gaps++
					}
					if gap > maxAllowedGap {
						t.Errorf("%s: %v between occurrences %v and %v, more than %v", id, gap, prev, f.ScheduledFor, maxAllowedGap)
					}
				}
				prev = f.ScheduledFor
			}
			occurrences += len(fires)
			if len(fires) == 0 {
				t.Errorf("%s never fired", id)
			} else if end := stop.Add(-maxAllowedGap); prev.Before(end) {
				t.Errorf("%s: last occurrence %v, want one after %v", id, prev, end)
			}
		}

		// What the processes printed: a job the killed process printed but
		// never recorded runs again on the next owner (at least once).
		printed, repeated := 0, 0
		seenJob := map[string]bool{}
		for _, p := range procs {
			for _, j := range p.jobs() {
				printed++
				key := j.ID + "@" + j.ScheduledFor.Format(time.RFC3339Nano)
				if seenJob[key] {
					repeated++
				}
				seenJob[key] = true
			}
		}
		t.Logf("%s: %d tasks x %v for %v, %d schedulers, lease %v, proc-0 killed at +%v:\n"+
			"  ledger: %d occurrences, 0 duplicates (checked), %d gaps > interval, longest gap %v, by owner %v\n"+
			"  printed jobs: %d, printed twice (run again after the kill): %d",
			d.name, manyTasks, manyInterval, manyRunFor, manyProcs, manyLease, manyKillAt,
			occurrences, gaps, maxGap, byOwner, printed, repeated)
		if byOwner["proc-0"] == 0 {
			t.Error("proc-0 recorded nothing before it was killed: the scenario did not exercise takeover")
		}
	})
}

// scheduler is one `schedstore run` process and the jobs it printed.
type scheduler struct {
	owner  string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{} // stdout read to the end

	mu      sync.Mutex
	printed []runner.Job
}

func startScheduler(t *testing.T, bin, url, owner string) *scheduler {
	t.Helper()
	p := &scheduler{owner: owner, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "run", "--owner", owner, "--lease", manyLease.String(), "--max-sleep", "250ms")
	p.cmd.Env = append(os.Environ(), envDatabaseURL+"="+url)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var j runner.Job
			if json.Unmarshal(sc.Bytes(), &j) == nil { // a line cut short by SIGKILL is left out
				p.mu.Lock()
				p.printed = append(p.printed, j)
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// firedSince reports whether the process printed a job scheduled at or
// after at.
func (p *scheduler) firedSince(at time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.printed) - 1; i >= 0; i-- {
		if !p.printed[i].ScheduledFor.Before(at) {
			return true
		}
	}
	return false
}

// jobs returns what the process printed, once its output is closed.
func (p *scheduler) jobs() []runner.Job {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.printed
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
