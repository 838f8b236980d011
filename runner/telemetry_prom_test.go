package runner

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/flowrra/schedstore"
)

// The names a Prometheus endpoint shows for every instrument, through
// OTel's Prometheus exporter (as schedstore serve and run --metrics-addr
// expose them): units and _total are the exporter's.
func TestPrometheusNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	defer mp.Shutdown(context.Background())

	ok := task("ok", schedstore.ScheduleOneTime, t0.Add(-time.Minute).Format(time.RFC3339), at(-time.Minute))
	bad := task("bad", schedstore.ScheduleOneTime, t0.Add(-time.Minute).Format(time.RFC3339), at(-time.Minute))
	s := memStore(t, ok, bad)
	r := &Runner{Store: s, Clock: &fakeClock{now: t0}, MeterProvider: mp,
		Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			if j.ID == "bad" {
				return errors.New("boom")
			}
			return nil
		})}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	// What the policy work records, and a lost claim.
	tel := newTelemetry(r)
	c := schedstore.Claim{Task: ok, ScheduledFor: t0}
	tel.recorded(context.Background(), []schedstore.Completion{
		{Claim: c, Status: schedstore.FireMissed, Occurrences: 2},
		{Claim: c, Status: schedstore.FireSkipped},
		{Claim: c},
	}, []error{nil, nil, schedstore.ErrLeaseLost})

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`schedstore_fires_total{status="succeeded"} 1`,
		`schedstore_fires_total{status="failed"} 1`,
		`schedstore_fire_lag_seconds_bucket{le="0.005"}`,
		`schedstore_fire_lag_seconds_count 2`,
		`schedstore_fire_duration_seconds_count{status="succeeded"} 1`,
		`schedstore_fire_duration_seconds_count{status="failed"} 1`,
		`schedstore_fires_in_flight 0`,
		`schedstore_claims_total 2`,
		`schedstore_leases_lost_total 1`,
		`schedstore_occurrences_missed_total 2`,
		`schedstore_occurrences_skipped_total 1`,
		`schedstore_store_call_duration_seconds_count{op="claim_due"}`,
		`schedstore_store_call_duration_seconds_count{op="complete_claims"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "# TYPE schedstore_") {
				lines = append(lines, l)
			}
		}
		t.Logf("metric types on /metrics:\n%s", strings.Join(lines, "\n"))
	}
}
