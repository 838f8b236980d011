package runner

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/flowrra/schedstore"
)

// ScopeName is the instrumentation scope of the Runner's meter and tracer.
const ScopeName = "github.com/flowrra/schedstore/runner"

// The OpenTelemetry instruments the Runner records, by their OTel names.
// A Prometheus exporter shows them with dots as underscores, the unit
// ("s": _seconds) and _total on counters: schedstore_fires_total,
// schedstore_fire_lag_seconds, and so on (see the package documentation).
// These are the names operators alert on, so they stay as they are even
// where "fire" names an attempt: MetricFireDuration and MetricFiresInFlight
// measure attempts (runs of a Job), not rows of the fire ledger.
const (
	// MetricFires counts the occurrences the Runner ran and completed, by
	// the status of their fire ledger row (status: succeeded, failed): one
	// per row it recorded or found recorded already (ErrAlreadyFired),
	// whatever the number of attempts. Missed and skipped rows are
	// MetricOccurrencesMissed and MetricOccurrencesSkipped.
	MetricFires = "schedstore.fires"
	// MetricFireLag is the delay from an occurrence's scheduled time to
	// the start of its first attempt (later attempts are not measured).
	MetricFireLag = "schedstore.fire.lag"
	// MetricFireDuration is the run time of one attempt, one value per
	// attempt (a retried occurrence records several), by the attempt's
	// outcome (status: succeeded, failed, lease_lost, stopped).
	MetricFireDuration = "schedstore.fire.duration"
	// MetricFiresInFlight is the number of attempts running now: jobs
	// inside their Handler.
	MetricFiresInFlight = "schedstore.fires.in_flight"
	// MetricClaims counts the occurrences claimed (each claim starts an
	// attempt).
	MetricClaims = "schedstore.claims"
	// MetricLeasesLost counts claims lost before their outcome was
	// recorded.
	MetricLeasesLost = "schedstore.leases.lost"
	// MetricOccurrencesMissed and MetricOccurrencesSkipped count the
	// occurrences recorded missed (misfire policy, grace) and skipped
	// (overlap): a ledger row standing for several counts them all.
	MetricOccurrencesMissed  = "schedstore.occurrences.missed"
	MetricOccurrencesSkipped = "schedstore.occurrences.skipped"
	// MetricStoreCallDuration is the time of one Store call the Runner
	// makes, by op.
	MetricStoreCallDuration = "schedstore.store.call.duration"
)

// Span names and attribute keys.
const (
	SpanAttempt     = "schedstore.attempt" // one attempt at an occurrence: one run of a Job
	SpanStorePrefix = "schedstore.store."  // + the op, e.g. schedstore.store.claim_due

	AttrTaskID      = attribute.Key("schedstore.task.id")
	AttrTaskName    = attribute.Key("schedstore.task.name")
	AttrOccurrence  = attribute.Key("schedstore.occurrence")
	AttrAttempt     = attribute.Key("schedstore.attempt")
	AttrMaxAttempts = attribute.Key("schedstore.max_attempts")
	AttrOutcome     = attribute.Key("schedstore.outcome")
	AttrOp          = attribute.Key("schedstore.op")
	AttrClaims      = attribute.Key("schedstore.claims")

	// Metric labels: low cardinality, except task_name (MetricTaskNames).
	labelStatus   = attribute.Key("status")
	labelTaskName = attribute.Key("task_name")
	labelOp       = attribute.Key("op")
)

// Attempt outcomes: the attempt span's schedstore.outcome and the status
// label of schedstore.fire.duration.
const (
	outcomeSucceeded = "succeeded"
	outcomeFailed    = "failed"
	outcomeLeaseLost = "lease_lost"
	outcomeStopped   = "stopped" // cancelled after the shutdown grace
)

// Histogram buckets, in seconds.
var (
	lagBuckets      = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}
	durationBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}
	storeBuckets    = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
)

// telemetry holds one engine's instruments. With no providers installed
// (neither on the Runner nor globally) every call is a no-op.
type telemetry struct {
	tracer    trace.Tracer
	taskNames bool

	fires, claims, leasesLost, missed, skipped metric.Int64Counter
	inFlight                                   metric.Int64UpDownCounter
	lag, duration, storeCall                   metric.Float64Histogram
}

func newTelemetry(r *Runner) *telemetry {
	mp, tp := r.MeterProvider, r.TracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	m := mp.Meter(ScopeName)
	t := &telemetry{tracer: tp.Tracer(ScopeName), taskNames: r.MetricTaskNames}
	t.fires = counter(m, MetricFires, "{fire}", "Occurrences run and recorded in the fire ledger, by outcome (status: succeeded, failed).")
	t.claims = counter(m, MetricClaims, "{claim}", "Occurrences claimed (a claim starts an attempt).")
	t.leasesLost = counter(m, MetricLeasesLost, "{claim}", "Claims lost before their outcome was recorded (another scheduler took the occurrence, or the lease could not be renewed in time).")
	t.missed = counter(m, MetricOccurrencesMissed, "{occurrence}", "Occurrences not fired but recorded missed (misfire policy or grace).")
	t.skipped = counter(m, MetricOccurrencesSkipped, "{occurrence}", "Occurrences not fired but recorded skipped (the previous one was still running).")
	inFlight, err := m.Int64UpDownCounter(MetricFiresInFlight, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts running now."))
	if err != nil {
		otel.Handle(err)
		inFlight = metricnoop.Int64UpDownCounter{}
	}
	t.inFlight = inFlight
	t.lag = histogram(m, MetricFireLag, "Delay from an occurrence's scheduled time to the start of its first attempt.", lagBuckets)
	t.duration = histogram(m, MetricFireDuration, "Time one attempt ran, by outcome (status: succeeded, failed, lease_lost, stopped).", durationBuckets)
	t.storeCall = histogram(m, MetricStoreCallDuration, "Time of one Store call made by the runner, by op.", storeBuckets)
	return t
}

func counter(m metric.Meter, name, unit, desc string) metric.Int64Counter {
	c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	if err != nil {
		otel.Handle(err)
		return metricnoop.Int64Counter{}
	}
	return c
}

func histogram(m metric.Meter, name, desc string, buckets []float64) metric.Float64Histogram {
	h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
		metric.WithExplicitBucketBoundaries(buckets...))
	if err != nil {
		otel.Handle(err)
		return metricnoop.Float64Histogram{}
	}
	return h
}

// taskAttrs returns the per-task metric attributes: extra, plus task_name
// when the Runner asks for it.
func (t *telemetry) taskAttrs(task *schedstore.Task, extra ...attribute.KeyValue) metric.MeasurementOption {
	if t.taskNames && task != nil {
		extra = append(extra, labelTaskName.String(task.TaskName))
	}
	return metric.WithAttributes(extra...)
}

// startAttempt opens the span of one attempt and counts it in flight; the
// returned function ends both with the attempt's error. Call it with the
// time the attempt starts, on the Runner's clock.
func (t *telemetry) startAttempt(ctx context.Context, c schedstore.Claim, maxAttempts int, start time.Time) (context.Context, func(ctx context.Context, err error)) {
	task := c.Task
	ctx, span := t.tracer.Start(ctx, SpanAttempt, trace.WithAttributes(
		AttrTaskID.String(task.ID), AttrTaskName.String(task.TaskName),
		AttrOccurrence.String(c.ScheduledFor.UTC().Format(time.RFC3339Nano)),
		AttrAttempt.Int(c.Attempt), AttrMaxAttempts.Int(maxAttempts)))
	if c.Attempt == 1 {
		t.lag.Record(ctx, max(start.Sub(c.ScheduledFor), 0).Seconds(), t.taskAttrs(task))
	}
	t.inFlight.Add(ctx, 1)
	began := time.Now()
	return ctx, func(ctx context.Context, err error) {
		outcome := outcomeSucceeded
		switch cause := context.Cause(ctx); {
		case err == nil:
		case errors.Is(err, errLeaseLost) || errors.Is(cause, errLeaseLost):
			outcome = outcomeLeaseLost
		case errors.Is(cause, errShutdown):
			outcome = outcomeStopped
		default:
			outcome = outcomeFailed
		}
		t.inFlight.Add(context.WithoutCancel(ctx), -1)
		t.duration.Record(context.WithoutCancel(ctx), time.Since(began).Seconds(), t.taskAttrs(task, labelStatus.String(outcome)))
		span.SetAttributes(AttrOutcome.String(outcome))
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
}

// leaseLost counts a claim lost while its job ran.
func (t *telemetry) leaseLost(ctx context.Context) {
	t.leasesLost.Add(context.WithoutCancel(ctx), 1)
}

// recorded counts the outcomes CompleteClaims recorded: errs has one entry
// per completion.
func (t *telemetry) recorded(ctx context.Context, batch []schedstore.Completion, errs []error) {
	for i, done := range batch {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		switch {
		case errors.Is(err, schedstore.ErrLeaseLost):
			t.leasesLost.Add(ctx, 1)
			continue
		case err != nil && !errors.Is(err, schedstore.ErrAlreadyFired):
			continue // not recorded (ErrNotFound: the task was deleted)
		}
		task := done.Claim.Task
		n := int64(max(done.Occurrences, 1))
		switch done.Status {
		case schedstore.FireMissed:
			t.missed.Add(ctx, n, t.taskAttrs(task))
		case schedstore.FireSkipped:
			t.skipped.Add(ctx, n, t.taskAttrs(task))
		case "":
			t.fires.Add(ctx, 1, t.taskAttrs(task, labelStatus.String(string(schedstore.FireSucceeded))))
		default:
			t.fires.Add(ctx, 1, t.taskAttrs(task, labelStatus.String(string(done.Status))))
		}
		if s := done.Skipped; s != nil && s.Count > 0 {
			t.skipped.Add(ctx, int64(s.Count), t.taskAttrs(task))
		}
	}
}
