package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// run --metrics-addr serves /metrics, /healthz and /readyz while the loop
// runs, with the runner's metrics under their Prometheus names;
// --log-format json writes one JSON object per line.
func TestRunMetricsEndpoint(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		db := d.fresh(t)
		for _, args := range [][]string{
			{"add", "interval", "1h", "--task", "good", "--id", "good"},
			{"add", "once", "2020-01-01T00:00:00Z", "--task", "bad", "--id", "bad", "--max-retries", "0"},
			{"add", "once", "2020-01-01T00:00:00Z", "--task", "good.once", "--id", "good.once"},
		} {
			if _, stderr, status := runApp(t, time.Now(), nil, append([]string{"--db", db}, args...)...); status > 0 && !strings.Contains(stderr, "note:") {
				t.Fatalf("%v: %s", args, stderr)
			}
		}
		stdout, stderr := &syncBuffer{}, &syncBuffer{} // exec commands write at once
		a := newApp(stdout, stderr)
		a.getenv = func(string) string { return "" }
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan int, 1)
		go func() {
			done <- a.execute(ctx, []string{"--db", db, "run", "--metrics-addr", "127.0.0.1:0", "--log-format", "json",
				"--max-sleep", "200ms", "--exec", `test "$SCHEDSTORE_TASK_NAME" != bad`})
		}()
		addrRe := regexp.MustCompile(`"addr":"([^"]+)"`)
		var base string
		deadline := time.Now().Add(20 * time.Second)
		for base == "" && time.Now().Before(deadline) {
			if m := addrRe.FindStringSubmatch(stderr.String()); m != nil {
				base = "http://" + m[1]
			}
			time.Sleep(20 * time.Millisecond)
		}
		if base == "" {
			t.Fatalf("no metrics address logged:\n%s", stderr.String())
		}
		get := func(p string) (int, string) {
			resp, err := http.Get(base + p)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		var metrics string
		for time.Now().Before(deadline) {
			_, metrics = get("/metrics")
			if strings.Contains(metrics, `schedstore_fires_total{status="failed"} 1`) &&
				strings.Contains(metrics, `schedstore_fires_total{status="succeeded"} 1`) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, want := range []string{
			`schedstore_fires_total{status="succeeded"} 1`, `schedstore_fires_total{status="failed"} 1`,
			"schedstore_fire_lag_seconds_bucket", "schedstore_fire_duration_seconds_bucket",
			"schedstore_fires_in_flight", "schedstore_claims_total 2",
			`schedstore_store_call_duration_seconds_bucket{op="claim_due"`, "go_goroutines",
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %q:\n%s", want, metrics)
			}
		}
		if status, _ := get("/healthz"); status != http.StatusOK {
			t.Errorf("/healthz: %d", status)
		}
		if status, _ := get("/readyz"); status != http.StatusOK {
			t.Errorf("/readyz: %d", status)
		}
		cancel()
		if status := <-done; status != exitOK {
			t.Errorf("run exited %d:\n%s", status, stderr.String())
		}
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Errorf("not a JSON log line: %q", line)
			}
		}
	})
}
