package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

// proc is a `schedstore` process of a test.
type proc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
}

func startProc(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), stderr: &lockedBuffer{}}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	return p
}

func mustRun(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	c := exec.Command(bin, args...)
	c.Env = env
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("schedstore %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// ledger reads a task's fire ledger.
func ledger(t *testing.T, url, id string) []schedstore.Fire {
	t.Helper()
	s, err := adapter.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.ListFires(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func lines(path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Fields(strings.TrimSpace(string(b)))
}

func processTest(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command and runs it for several seconds")
	}
	if runtime.GOOS == "windows" {
		t.Skip("uses signals and process groups")
	}
	return buildBinary(t)
}

// A scheduler killed (SIGKILL) between two attempts: another finishes the
// occurrence after the lease ends, going on with the count: attempts 1, 2,
// 3 in all (MaxRetries=2), recorded once.
func TestRunKilledBetweenAttempts(t *testing.T) {
	bin := processTest(t)
	forEachDialect(t, func(t *testing.T, d dialect) {
		t.Parallel()
		url := d.fresh(t)
		env := append(os.Environ(), envDatabaseURL+"="+url)
		log := filepath.Join(t.TempDir(), "attempts")
		mustRun(t, bin, env, "add", "once", "2020-01-01T00:00:00Z", "--task", "flaky", "--id", "flaky",
			"--max-retries", "2", "--retry-delay", "2s")
		// Fails until its third attempt.
		job := `echo "$SCHEDSTORE_ATTEMPT" >> ` + log + `; [ "$SCHEDSTORE_ATTEMPT" -ge 3 ]`
		a := startProc(t, bin, env, "run", "--owner", "a", "--lease", "1s", "--max-sleep", "200ms", "--exec", job)
		waitFor(t, 10*time.Second, "attempt 1 by a", func() bool { return len(lines(log)) == 1 })
		if err := a.cmd.Process.Kill(); err != nil { // in its retry delay
			t.Fatal(err)
		}
		_ = a.cmd.Wait()
		b := startProc(t, bin, env, "run", "--owner", "b", "--lease", "1s", "--max-sleep", "200ms", "--exec", job)
		waitFor(t, 15*time.Second, "the occurrence recorded", func() bool { return len(ledger(t, url, "flaky")) == 1 })
		time.Sleep(300 * time.Millisecond)
		if got := strings.Join(lines(log), ","); got != "1,2,3" {
			t.Fatalf("attempts run: %s, want 1,2,3\nb's log:\n%s", got, b.stderr)
		}
		f := ledger(t, url, "flaky")[0]
		if f.Status != schedstore.FireSucceeded || f.Attempts != 3 || f.Owner != "b" {
			t.Fatalf("ledger: %+v, want succeeded by b after 3 attempts", f)
		}
	})
}

// --timeout 1s on a 5 s command that leaves a grandchild: the process
// group is gone within about a second of the timeout, and the attempt is
// recorded failed.
func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	bin := processTest(t)
	forEachDialect(t, func(t *testing.T, d dialect) {
		t.Parallel()
		url := d.fresh(t)
		env := append(os.Environ(), envDatabaseURL+"="+url)
		pidFile := filepath.Join(t.TempDir(), "pid")
		mustRun(t, bin, env, "add", "once", "2020-01-01T00:00:00Z", "--task", "slow", "--id", "slow", "--max-retries", "0")
		job := `sleep 5 & echo $! > ` + pidFile + `; wait`
		startProc(t, bin, env, "run", "--timeout", "1s", "--max-sleep", "200ms", "--exec", job)
		var pid int
		waitFor(t, 10*time.Second, "the command started", func() bool {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(must(os.ReadFile(pidFile)))))
			return pid > 0
		})
		started := time.Now()
		waitFor(t, 5*time.Second, "the grandchild gone", func() bool { return !alive(pid) })
		if took := time.Since(started); took > 2500*time.Millisecond || took < 700*time.Millisecond {
			t.Fatalf("the grandchild lived %v after its start, want gone about 1s after the 1s timeout", took)
		}
		waitFor(t, 5*time.Second, "the attempt recorded", func() bool { return len(ledger(t, url, "slow")) == 1 })
		f := ledger(t, url, "slow")[0]
		if f.Status != schedstore.FireFailed || !strings.Contains(f.Error, "timed out after 1s") {
			t.Fatalf("ledger: %+v, want failed: timed out", f)
		}
	})
}

// SIGTERM during a 3 s job: the job completes, is recorded succeeded, and
// the scheduler exits 0.
func TestRunSIGTERMFinishesTheJob(t *testing.T) {
	bin := processTest(t)
	forEachDialect(t, func(t *testing.T, d dialect) {
		t.Parallel()
		url := d.fresh(t)
		env := append(os.Environ(), envDatabaseURL+"="+url)
		started := filepath.Join(t.TempDir(), "started")
		mustRun(t, bin, env, "add", "once", "2020-01-01T00:00:00Z", "--task", "job", "--id", "job")
		p := startProc(t, bin, env, "run", "--max-sleep", "200ms", "--exec", "touch "+started+"; sleep 3")
		waitFor(t, 10*time.Second, "the job started", func() bool { _, err := os.Stat(started); return err == nil })
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("run after SIGTERM: %v, want exit status 0\n%s", err, p.stderr)
		}
		f := ledger(t, url, "job")
		if len(f) != 1 || f[0].Status != schedstore.FireSucceeded {
			t.Fatalf("ledger: %+v, want the job recorded succeeded\n%s", f, p.stderr)
		}
		if took := f[0].FinishedAt.Sub(*f[0].StartedAt); took < 3*time.Second {
			t.Fatalf("recorded after %v, want after the whole 3s job", took)
		}
	})
}

func must[T any](v T, _ error) T { return v }

// alive reports whether pid runs: a zombie (dead, not yet reaped by
// whichever process adopted it) does not count.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust kill(0)
	}
	// pid (comm) state ...: the state follows the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
