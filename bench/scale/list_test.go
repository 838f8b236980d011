package scale

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/internal/testdb"
)

// Settings of TestListScale, from the environment (sizes and databases
// are TestScale's: SCHEDSTORE_BENCH_SCALE_SIZES, SCHEDSTORE_BENCH_SCALE_DBS).
const (
	envList     = "SCHEDSTORE_BENCH_LIST"          // 1: run; anything else: skip
	envListReps = "SCHEDSTORE_BENCH_LIST_REPS"     // runs per binary and step (default 3)
	envBaseline = "SCHEDSTORE_BENCH_LIST_BASELINE" // another schedstore binary to run alike (the old full list)
)

// TestListScale runs `schedstore list --json > /dev/null` as a process
// over tables of each size and reports its wall time (median) and max
// RSS (the largest of the runs, from getrusage of the child): what issue
// 11 measured at 1,000,000 tasks (29 s, 3.9 GB before streaming).
func TestListScale(t *testing.T) {
	if os.Getenv(envList) != "1" {
		t.Skipf("a benchmark, not a test: set %s=1 to run it (make bench-list; see bench/scale/README.md)", envList)
	}
	sizes, _, dbs := settings(t)
	reps := 3
	if s := os.Getenv(envListReps); s != "" {
		if _, err := fmt.Sscan(s, &reps); err != nil || reps < 1 {
			t.Fatalf("%s: bad value %q", envListReps, s)
		}
	}
	bins := []struct{ name, path string }{{"streamed", buildCLI(t)}}
	if p := os.Getenv(envBaseline); p != "" {
		bins = append(bins, struct{ name, path string }{"baseline", p})
	}
	var out strings.Builder
	fmt.Fprintf(&out, "| database | tasks | binary | time (median of %d) | max RSS | RSS/task |\n|---|---:|---|---:|---:|---:|\n", reps)
	for _, db := range dbs {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			url := map[string]func(testing.TB) string{
				"postgres": testdb.Postgres, "mysql": testdb.MySQL, "sqlite": testdb.SQLite,
			}[db](t)
			be, err := adapter.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer be.Close()
			var f filler
			switch b := be.(type) {
			case interface{ DB() *pgxpool.Pool }:
				f = pgFiller{b.DB()}
			case interface{ DB() *sql.DB }:
				if db == "mysql" {
					f = mysqlFiller{b.DB()}
				} else {
					f = sqliteFiller{b.DB()}
				}
			}
			filled := 0
			for _, n := range sizes {
				if err := f.fill(ctx, filled+1, n); err != nil {
					t.Fatalf("fill to %d: %v", n, err)
				}
				filled = n
				if err := f.analyze(ctx); err != nil {
					t.Fatal(err)
				}
				if got := countListed(t, bins[0].path, url); got != n {
					t.Fatalf("list --json printed %d tasks, want %d", got, n)
				}
				for _, bin := range bins {
					var times []time.Duration
					var rss int64
					for range reps {
						d, r := runList(t, bin.path, url)
						times = append(times, d)
						rss = max(rss, r)
					}
					slices.Sort(times)
					line := fmt.Sprintf("| %s | %s | %s | %s | %d MiB | %d B |", db, fmtCount(n), bin.name,
						times[len(times)/2].Round(10*time.Millisecond), rss>>20, rss/int64(n))
					t.Log(line)
					fmt.Fprintln(&out, line)
				}
			}
		})
	}
	t.Log("\n" + out.String())
	if path := os.Getenv(envOut); path != "" {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildCLI builds this tree's schedstore command.
func buildCLI(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "schedstore")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/flowrra/schedstore/cmd/schedstore")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runList runs `list --json` with stdout to /dev/null and returns its
// wall time and max RSS in bytes (Linux reports ru_maxrss in KiB).
func runList(t *testing.T, bin, url string) (time.Duration, int64) {
	cmd := exec.Command(bin, "list", "--json")
	cmd.Env = append(os.Environ(), "SCHEDSTORE_DATABASE_URL="+url)
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	cmd.Stdout = devnull
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s list --json: %v\n%s", bin, err, stderr.String())
	}
	d := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatalf("no rusage on this system")
	}
	return d, ru.Maxrss << 10
}

// countListed runs `list --json` and counts the array's elements as it
// reads them: one valid array, every task once.
func countListed(t *testing.T, bin, url string) int {
	cmd := exec.Command(bin, "list", "--json")
	cmd.Env = append(os.Environ(), "SCHEDSTORE_DATABASE_URL="+url)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n, err := countArray(bufio.NewReaderSize(pipe, 1<<16))
	if werr := cmd.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		t.Fatalf("list --json: %v", err)
	}
	return n
}

// countArray reads one JSON array of objects token by token (constant
// memory) and returns how many elements it had; anything after it is an
// error.
func countArray(r io.Reader) (int, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, fmt.Errorf("not an array: %v %v", tok, err)
	}
	n := 0
	for dec.More() {
		var v struct {
			ID string `json:"id"`
		}
		if err := dec.Decode(&v); err != nil {
			return n, err
		}
		if v.ID == "" {
			return n, fmt.Errorf("element %d has no id", n)
		}
		n++
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return n, fmt.Errorf("array not closed: %v %v", tok, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return n, fmt.Errorf("more after the array: %v", err)
	}
	return n, nil
}
