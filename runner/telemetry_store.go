package runner

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/flowrra/schedstore"
)

// tracedStore is the Store the engine uses: every call gets a span
// (schedstore.store.<op>) and is timed in schedstore.store.call.duration
// (label op); claims and recorded outcomes are counted on the way. Methods
// the runner does not call pass through the embedded Store untouched.
type tracedStore struct {
	schedstore.Store
	t *telemetry
}

func (t *telemetry) wrap(s schedstore.Store) schedstore.Store {
	if s == nil {
		return nil
	}
	return &tracedStore{Store: s, t: t}
}

// call starts op's span; the returned function ends it with err and
// records the call's duration.
func (s *tracedStore) call(ctx context.Context, op string) (context.Context, func(err error)) {
	began := time.Now()
	ctx, span := s.t.tracer.Start(ctx, SpanStorePrefix+op,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(AttrOp.String(op)))
	return ctx, func(err error) {
		s.t.storeCall.Record(context.WithoutCancel(ctx), time.Since(began).Seconds(),
			metric.WithAttributes(labelOp.String(op)))
		// A stale claim or a missing task is an answer, not a failure.
		if err != nil && !errors.Is(err, schedstore.ErrLeaseLost) && !errors.Is(err, schedstore.ErrNotFound) {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
}

func (s *tracedStore) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	ctx, end := s.call(ctx, "claim_due")
	claims, err := s.Store.ClaimDue(ctx, owner, now, lease, limit)
	trace.SpanFromContext(ctx).SetAttributes(AttrClaims.Int(len(claims)))
	end(err)
	if len(claims) > 0 {
		s.t.claims.Add(context.WithoutCancel(ctx), int64(len(claims)))
	}
	return claims, err
}

func (s *tracedStore) CompleteClaim(ctx context.Context, c schedstore.Claim, nextRun *time.Time) error {
	errs, err := s.CompleteClaims(ctx, []schedstore.Completion{{Claim: c, NextRun: nextRun}})
	if err != nil {
		return err
	}
	return errs[0]
}

func (s *tracedStore) CompleteClaims(ctx context.Context, batch []schedstore.Completion) ([]error, error) {
	ctx, end := s.call(ctx, "complete_claims")
	trace.SpanFromContext(ctx).SetAttributes(AttrClaims.Int(len(batch)))
	errs, err := s.Store.CompleteClaims(ctx, batch)
	end(err)
	if err == nil {
		s.t.recorded(context.WithoutCancel(ctx), batch, errs)
	}
	return errs, err
}

func (s *tracedStore) RenewClaims(ctx context.Context, claims []schedstore.Claim, lease time.Duration) ([]error, error) {
	ctx, end := s.call(ctx, "renew_claims")
	trace.SpanFromContext(ctx).SetAttributes(AttrClaims.Int(len(claims)))
	errs, err := s.Store.RenewClaims(ctx, claims, lease)
	end(err)
	return errs, err
}

func (s *tracedStore) StartRetry(ctx context.Context, c schedstore.Claim) (schedstore.Claim, error) {
	ctx, end := s.call(ctx, "start_retry")
	next, err := s.Store.StartRetry(ctx, c)
	end(err)
	return next, err
}

func (s *tracedStore) ReleaseClaim(ctx context.Context, c schedstore.Claim) error {
	ctx, end := s.call(ctx, "release_claim")
	err := s.Store.ReleaseClaim(ctx, c)
	end(err)
	return err
}

func (s *tracedStore) ReturnClaim(ctx context.Context, c schedstore.Claim) error {
	ctx, end := s.call(ctx, "return_claim")
	err := s.Store.ReturnClaim(ctx, c)
	end(err)
	return err
}

func (s *tracedStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	ctx, end := s.call(ctx, "next_due")
	at, ok, err := s.Store.NextDue(ctx)
	end(err)
	return at, ok, err
}

func (s *tracedStore) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	ctx, end := s.call(ctx, "get")
	t, err := s.Store.Get(ctx, id)
	end(err)
	return t, err
}

func (s *tracedStore) Update(ctx context.Context, t *schedstore.Task) error {
	ctx, end := s.call(ctx, "update")
	err := s.Store.Update(ctx, t)
	end(err)
	return err
}

func (s *tracedStore) UpdateRunTimes(ctx context.Context, id string, lastRun, nextRun time.Time) error {
	ctx, end := s.call(ctx, "update_run_times")
	err := s.Store.UpdateRunTimes(ctx, id, lastRun, nextRun)
	end(err)
	return err
}

func (s *tracedStore) ListFires(ctx context.Context, taskID string, limit int) ([]schedstore.Fire, error) {
	ctx, end := s.call(ctx, "list_fires")
	fires, err := s.Store.ListFires(ctx, taskID, limit)
	end(err)
	return fires, err
}

func (s *tracedStore) PruneFires(ctx context.Context, olderThan time.Time) (int64, error) {
	ctx, end := s.call(ctx, "prune_fires")
	n, err := s.Store.PruneFires(ctx, olderThan)
	end(err)
	return n, err
}
