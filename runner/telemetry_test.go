package runner

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/flowrra/schedstore"
)

// telemetryHarness is a Runner's providers, recording in memory.
type telemetryHarness struct {
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	mp     *sdkmetric.MeterProvider
	tp     *sdktrace.TracerProvider
}

func newTelemetryHarness() *telemetryHarness {
	h := &telemetryHarness{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder()}
	h.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	return h
}

// points returns the data points of the named metric, as attribute sets
// mapped to their sum (counters) or count (histograms).
func (h *telemetryHarness) points(t *testing.T, name string) map[attribute.Distinct]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[attribute.Distinct]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Equivalent()] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Equivalent()] = int64(p.Count)
				}
			}
		}
	}
	return out
}

func attrs(kv ...attribute.KeyValue) attribute.Distinct {
	set := attribute.NewSet(kv...)
	return set.Equivalent()
}

// One occurrence succeeds, another fails twice: the counters, histograms
// and spans say so, with no task label unless asked for.
func TestTelemetryOfARun(t *testing.T) {
	for _, names := range []bool{false, true} {
		h := newTelemetryHarness()
		ok := task("ok", schedstore.ScheduleOneTime, t0.Add(-time.Minute).Format(time.RFC3339), at(-time.Minute))
		bad := task("bad", schedstore.ScheduleOneTime, t0.Add(-time.Minute).Format(time.RFC3339), at(-time.Minute))
		bad.MaxRetries = 1
		s := memStore(t, ok, bad)
		r := &Runner{Store: s, Clock: &fakeClock{now: t0}, MeterProvider: h.mp, TracerProvider: h.tp,
			MetricTaskNames: names,
			Handler: HandlerFunc(func(ctx context.Context, j Job) error {
				if j.ID == "bad" {
					return errors.New("boom")
				}
				return nil
			})}
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		label := func(task string, kv ...attribute.KeyValue) attribute.Distinct {
			if names {
				kv = append(kv, attribute.String("task_name", task))
			}
			return attrs(kv...)
		}
		fires := h.points(t, MetricFires)
		if fires[label("job.ok", attribute.String("status", "succeeded"))] != 1 ||
			fires[label("job.bad", attribute.String("status", "failed"))] != 1 || len(fires) != 2 {
			t.Errorf("names=%v: fires = %v, want one succeeded and one failed", names, fires)
		}
		if got := h.points(t, MetricClaims)[attrs()]; got != 2 {
			t.Errorf("claims = %d, want 2", got)
		}
		lag := h.points(t, MetricFireLag)
		if n := lag[label("job.ok")] + lag[label("job.bad")]; names && n != 2 || !names && lag[attrs()] != 2 {
			t.Errorf("fire lag = %v, want one per occurrence", lag)
		}
		dur := h.points(t, MetricFireDuration)
		if dur[label("job.ok", attribute.String("status", "succeeded"))] != 1 ||
			dur[label("job.bad", attribute.String("status", "failed"))] != 2 {
			t.Errorf("fire duration = %v, want 1 succeeded and 2 failed attempts", dur)
		}
		if got := h.points(t, MetricFiresInFlight)[attrs()]; got != 0 {
			t.Errorf("in flight after the run = %d, want 0", got)
		}
		store := h.points(t, MetricStoreCallDuration)
		for _, op := range []string{"claim_due", "complete_claims", "start_retry"} {
			if store[attrs(attribute.String("op", op))] == 0 {
				t.Errorf("store call duration has no %s: %v", op, store)
			}
		}

		var attemptSpans, storeSpans int
		for _, sp := range h.spans.Ended() {
			switch {
			case sp.Name() == SpanAttempt:
				attemptSpans++
				got := map[attribute.Key]attribute.Value{}
				for _, kv := range sp.Attributes() {
					got[kv.Key] = kv.Value
				}
				id := got[AttrTaskID].AsString()
				want := map[string]string{"ok": "succeeded", "bad": "failed"}[id]
				if got[AttrOutcome].AsString() != want || got[AttrTaskName].AsString() != "job."+id ||
					got[AttrOccurrence].AsString() != t0.Add(-time.Minute).Format(time.RFC3339Nano) || got[AttrAttempt].AsInt64() < 1 {
					t.Errorf("attempt span attributes %v", got)
				}
			case len(sp.Name()) > len(SpanStorePrefix) && sp.Name()[:len(SpanStorePrefix)] == SpanStorePrefix:
				storeSpans++
			}
		}
		if attemptSpans != 3 || storeSpans == 0 {
			t.Errorf("%d attempt spans (want 3, one per attempt), %d store spans", attemptSpans, storeSpans)
		}
	}
}

// Missed and skipped completions count their occurrences; a lost claim
// counts as lost, not fired.
func TestTelemetryCountsMissedAndSkipped(t *testing.T) {
	h := newTelemetryHarness()
	tel := newTelemetry(&Runner{MeterProvider: h.mp, TracerProvider: h.tp})
	tk := task("t", schedstore.ScheduleInterval, "1m", at(0))
	c := schedstore.Claim{Task: tk, ScheduledFor: t0}
	tel.recorded(context.Background(), []schedstore.Completion{
		{Claim: c, Status: schedstore.FireMissed, Occurrences: 3},
		{Claim: c, Status: schedstore.FireSkipped},
		{Claim: c, Status: schedstore.FireSucceeded, Skipped: &schedstore.SkippedRun{Count: 2}},
		{Claim: c, Status: schedstore.FireFailed},
		{Claim: c},
	}, []error{nil, nil, nil, schedstore.ErrLeaseLost, schedstore.ErrAlreadyFired})
	if got := h.points(t, MetricOccurrencesMissed)[attrs()]; got != 3 {
		t.Errorf("missed = %d, want 3", got)
	}
	if got := h.points(t, MetricOccurrencesSkipped)[attrs()]; got != 3 {
		t.Errorf("skipped = %d, want 3 (1 row + a run of 2)", got)
	}
	if got := h.points(t, MetricLeasesLost)[attrs()]; got != 1 {
		t.Errorf("leases lost = %d, want 1", got)
	}
	if got := h.points(t, MetricFires); got[attrs(attribute.String("status", "succeeded"))] != 2 || len(got) != 1 {
		t.Errorf("fires = %v, want 2 succeeded", got)
	}
}

// Without providers, the global (no-op) ones are used and nothing breaks.
func TestTelemetryNoProviders(t *testing.T) {
	s := memStore(t, task("a", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0)))
	r := &Runner{Store: s, Clock: &fakeClock{now: t0}, Handler: HandlerFunc(func(context.Context, Job) error { return nil })}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f := fires(t, s, "a"); len(f) != 1 {
		t.Fatalf("fires = %v", f)
	}
}
