package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// buildBinary builds the command into t.TempDir(), as `go install` would.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "schedstore")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestRunProcess runs `schedstore run` as a real process on a 1s interval
// task, stops it with SIGTERM, and checks what it printed against what it
// stored.
func TestRunProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it for several seconds")
	}
	if runtime.GOOS == "windows" {
		t.Skip("uses SIGTERM")
	}
	bin := buildBinary(t)
	forEachDialect(t, func(t *testing.T, d dialect) {
		t.Parallel()
		url := d.fresh(t)
		env := append(os.Environ(), envDatabaseURL+"="+url)

		add := exec.Command(bin, "add", "interval", "1s", "--task", "tick", "--id", "tick")
		add.Env = env
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("add: %v\n%s", err, out)
		}

		run := exec.Command(bin, "run")
		run.Env = env
		run.Stderr = &lockedBuffer{}
		stdout, err := run.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = run.Process.Kill() }) // if the test fails before SIGTERM
		lines := make(chan string, 100)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()

		var jobs []runner.Job
		collect := func(line string) {
			var j runner.Job
			if err := json.Unmarshal([]byte(line), &j); err != nil {
				t.Errorf("stdout line %q is not a job: %v", line, err)
				return
			}
			jobs = append(jobs, j)
		}
		deadline := time.After(3500 * time.Millisecond)
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("run exited early: %v\nstderr:\n%s", run.Wait(), run.Stderr)
				}
				collect(line)
			case <-deadline:
				break read
			}
		}
		if err := run.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		for line := range lines { // a job in progress finishes first
			collect(line)
		}
		if err := run.Wait(); err != nil {
			t.Fatalf("run after SIGTERM: %v, want exit status 0\nstderr:\n%s", err, run.Stderr)
		}

		if n := len(jobs); n < 3 || n > 4 {
			t.Fatalf("%d jobs in 3.5s of a 1s interval, want 3 or 4: %+v", n, jobs)
		}
		for i, j := range jobs {
			if j.ID != "tick" || j.TaskName != "tick" {
				t.Errorf("job %d is %+v, want task tick", i, j)
			}
			if i > 0 && !j.ScheduledFor.After(jobs[i-1].ScheduledFor) {
				t.Errorf("scheduled_for %v after %v: not strictly increasing", j.ScheduledFor, jobs[i-1].ScheduledFor)
			}
		}

		b, err := adapter.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		task, err := b.Get(context.Background(), "tick")
		if err != nil {
			t.Fatal(err)
		}
		last := jobs[len(jobs)-1].ScheduledFor
		if task.LastRunAt == nil || !task.LastRunAt.Equal(last) {
			t.Errorf("LastRunAt = %v, want the last job's scheduled_for %v", task.LastRunAt, last)
		}
		if want := last.Add(time.Second); task.NextRunAt == nil || !task.NextRunAt.Equal(want) {
			t.Errorf("NextRunAt = %v, want %v", task.NextRunAt, want)
		}
	})
}

// lockedBuffer collects a process's stderr while the test may print it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
