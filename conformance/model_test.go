package conformance

import (
	"context"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// TestModel runs the suite against the in-memory model, which proves the
// suite runnable and self-consistent before any database adapter exists.
func TestModel(t *testing.T) {
	fresh := func(t *testing.T) schedstore.Store {
		m := newModel()
		t.Cleanup(func() { m.Close() })
		return m
	}
	t.Run("networked", func(t *testing.T) {
		Run(t, Harness{
			Dialect:  "model",
			NewStore: fresh,
			NewCountedStore: func(t *testing.T) (schedstore.Store, func() int64) {
				c := &counted{Store: fresh(t)}
				return c, c.calls.Load
			},
			Capabilities: Capabilities{ParallelTests: true, Schemaless: true},
		})
	})
	t.Run("embedded", func(t *testing.T) {
		Run(t, Harness{
			Dialect:      "model-embedded",
			NewStore:     fresh,
			Capabilities: Capabilities{ParallelTests: true, Embedded: true, Schemaless: true},
		})
	})
}

// counted stands in for a connection that counts round trips: the model
// makes exactly one "round trip" per call.
type counted struct {
	schedstore.Store
	calls atomic.Int64
}

func (c *counted) Create(ctx context.Context, t *schedstore.Task) error {
	c.calls.Add(1)
	return c.Store.Create(ctx, t)
}

func (c *counted) Update(ctx context.Context, t *schedstore.Task) error {
	c.calls.Add(1)
	return c.Store.Update(ctx, t)
}

func (c *counted) Delete(ctx context.Context, id string) (bool, error) {
	c.calls.Add(1)
	return c.Store.Delete(ctx, id)
}

func (c *counted) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	c.calls.Add(1)
	return c.Store.Get(ctx, id)
}

func (c *counted) ListAll(ctx context.Context) ([]*schedstore.Task, error) {
	c.calls.Add(1)
	return c.Store.ListAll(ctx)
}

func (c *counted) ListEnabled(ctx context.Context) ([]*schedstore.Task, error) {
	c.calls.Add(1)
	return c.Store.ListEnabled(ctx)
}

func (c *counted) ListDue(ctx context.Context, now time.Time) ([]*schedstore.Task, error) {
	c.calls.Add(1)
	return c.Store.ListDue(ctx, now)
}

func (c *counted) UpdateRunTimes(ctx context.Context, id string, last, next time.Time) error {
	c.calls.Add(1)
	return c.Store.UpdateRunTimes(ctx, id, last, next)
}

func (c *counted) Clear(ctx context.Context) (int64, error) {
	c.calls.Add(1)
	return c.Store.Clear(ctx)
}

func (c *counted) FindByDefinition(ctx context.Context, name string, typ schedstore.ScheduleType, schedule string,
	args []any, kwargs map[string]any) (*schedstore.Task, error) {
	c.calls.Add(1)
	return c.Store.FindByDefinition(ctx, name, typ, schedule, args, kwargs)
}

func (c *counted) ListPage(ctx context.Context, after schedstore.Cursor, limit int) ([]*schedstore.Task, schedstore.Cursor, error) {
	c.calls.Add(1)
	return c.Store.ListPage(ctx, after, limit)
}

// ListAllSeq counts a round trip per page, as an adapter's does.
func (c *counted) ListAllSeq(ctx context.Context, after schedstore.Cursor) iter.Seq2[*schedstore.Task, error] {
	return taskrow.Pages(ctx, after, c.ListPage)
}
