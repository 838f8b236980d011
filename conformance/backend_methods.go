package conformance

import (
	"context"
	"time"

	"github.com/flowrra/schedstore"
)

// methodCall is one call of a Backend method with valid arguments.
type methodCall struct {
	name string
	call func(ctx context.Context, b schedstore.Store) error
}

// everyMethod lists one valid call of every Backend method but Close,
// referring to a stored task sampleTask(id). Each call may be repeated:
// Create assigns a fresh ID every time, and the calls that remove rows come
// last. The close, context and round-trip tests share it, so none of them
// can forget a method.
func everyMethod(id string) []methodCall {
	def := sampleTask(id)
	return []methodCall{
		{"Create", func(ctx context.Context, b schedstore.Store) error {
			return b.Create(ctx, sampleTask(""))
		}},
		{"Update", func(ctx context.Context, b schedstore.Store) error {
			return b.Update(ctx, taskWith(id, func(t *schedstore.Task) { t.Description = "updated" }))
		}},
		{"Get", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.Get(ctx, id)
			return err
		}},
		{"ListAll", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.ListAll(ctx)
			return err
		}},
		{"ListEnabled", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.ListEnabled(ctx)
			return err
		}},
		{"ListDue", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.ListDue(ctx, base)
			return err
		}},
		{"UpdateRunTimes", func(ctx context.Context, b schedstore.Store) error {
			return b.UpdateRunTimes(ctx, id, base, base.Add(5*time.Minute))
		}},
		{"FindByDefinition", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.FindByDefinition(ctx, def.TaskName, def.ScheduleType, def.Schedule, def.Args, def.Kwargs)
			return err
		}},
		{"Delete", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.Delete(ctx, id)
			return err
		}},
		{"Clear", func(ctx context.Context, b schedstore.Store) error {
			_, err := b.Clear(ctx)
			return err
		}},
	}
}
