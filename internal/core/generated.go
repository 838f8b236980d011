package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// Queries is the part of a dialect's sqlc-generated Queries whose shape is
// the same in every dialect, generic over how the dialect stores an ID,
// the generated task row R, the ListDue cutoff C and the generated
// parameters of CreateTask (CP), UpdateTask (UP) and FindTaskByDefinition (FP).
type Queries[ID, R, C, CP, UP, FP any] interface {
	CreateTask(ctx context.Context, p CP) error
	UpdateTask(ctx context.Context, p UP) (int64, error)
	FindTaskByDefinition(ctx context.Context, p FP) (R, error)
	TaskExists(ctx context.Context, id ID) (bool, error)
	DeleteTask(ctx context.Context, id ID) (int64, error)
	GetTask(ctx context.Context, id ID) (R, error)
	ListAllTasks(ctx context.Context) ([]R, error)
	ListEnabledTasks(ctx context.Context) ([]R, error)
	ListDueTasks(ctx context.Context, cutoff C) ([]R, error)
	ClearTasks(ctx context.Context) (int64, error)
}

// Generated implements the Dialect methods that are one generated query
// with no parameters struct, for any dialect: a dialect embeds it and
// writes the rest. Lists decode straight into one backing array
// (taskrow.TasksFrom), with no Row slice in between.
type Generated[ID, R, C, CP, UP, FP any] struct {
	Q         Queries[ID, R, C, CP, UP, FP]
	ID        func(string) ID     // the stored form of an ID
	Cutoff    func(time.Time) C   // the stored form of ListDue's cutoff
	ToRow     func(R) taskrow.Row // the generated row in the shared form
	Interpret func(op, id string, err error) error
	// The generated parameters from the shared form.
	CreateParams func(taskrow.Row) CP
	UpdateParams func(r taskrow.Row, expectedVersion int64) UP
	FindParams   func(taskName, scheduleType, schedule, fingerprint string) FP
	// Retry reruns a write the database rolled back as a deadlock victim;
	// nil runs it once.
	Retry func(ctx context.Context, write func() (int64, error)) (int64, error)
}

// CreateTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) CreateTask(ctx context.Context, r taskrow.Row) error {
	var err error
	if p := g.CreateParams(r); g.Retry == nil {
		err = g.Q.CreateTask(ctx, p)
	} else {
		retried := p // only a retried write moves its parameters to the heap
		_, err = g.Retry(ctx, func() (int64, error) { return 0, g.Q.CreateTask(ctx, retried) })
	}
	return g.Interpret("create", r.ID, err)
}

// UpdateTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) UpdateTask(ctx context.Context, r taskrow.Row, expectedVersion int64) (int64, error) {
	var n int64
	var err error
	if p := g.UpdateParams(r, expectedVersion); g.Retry == nil {
		n, err = g.Q.UpdateTask(ctx, p)
	} else {
		retried := p
		n, err = g.Retry(ctx, func() (int64, error) { return g.Q.UpdateTask(ctx, retried) })
	}
	return n, g.Interpret("update", r.ID, err)
}

// FindTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) FindTask(ctx context.Context, taskName, scheduleType, schedule string,
	def taskrow.Definition) (taskrow.Row, error) {
	row, err := g.Q.FindTaskByDefinition(ctx, g.FindParams(taskName, scheduleType, schedule, def.Fingerprint))
	if err != nil {
		return taskrow.Row{}, g.Interpret("find by definition", "", err)
	}
	return g.ToRow(row), nil
}

// TaskExists implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) TaskExists(ctx context.Context, id string) (bool, error) {
	ok, err := g.Q.TaskExists(ctx, g.ID(id))
	return ok, g.Interpret("update", id, err)
}

// DeleteTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) DeleteTask(ctx context.Context, id string) (int64, error) {
	var n int64
	var err error
	if g.Retry == nil {
		n, err = g.Q.DeleteTask(ctx, g.ID(id))
	} else {
		n, err = g.Retry(ctx, func() (int64, error) { return g.Q.DeleteTask(ctx, g.ID(id)) })
	}
	return n, g.Interpret("delete", id, err)
}

// ClearTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) ClearTasks(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if g.Retry == nil {
		n, err = g.Q.ClearTasks(ctx)
	} else {
		n, err = g.Retry(ctx, func() (int64, error) { return g.Q.ClearTasks(ctx) })
	}
	return n, g.Interpret("clear", "", err)
}

// GetTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) GetTask(ctx context.Context, id string) (taskrow.Row, error) {
	row, err := g.Q.GetTask(ctx, g.ID(id))
	if err != nil {
		return taskrow.Row{}, g.Interpret("get", id, err)
	}
	return g.ToRow(row), nil
}

// ListAllTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) ListAllTasks(ctx context.Context) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListAllTasks(ctx)
	return g.tasks("list all", rows, err)
}

// ListEnabledTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) ListEnabledTasks(ctx context.Context) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListEnabledTasks(ctx)
	return g.tasks("list enabled", rows, err)
}

// ListDueTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP]) ListDueTasks(ctx context.Context, cutoff time.Time) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListDueTasks(ctx, g.Cutoff(cutoff))
	return g.tasks("list due", rows, err)
}

func (g *Generated[ID, R, C, CP, UP, FP]) tasks(op string, rows []R, err error) ([]*schedstore.Task, error) {
	if err != nil {
		return nil, g.Interpret(op, "", err)
	}
	return taskrow.TasksFrom(rows, g.ToRow)
}

// Kind is what a dialect's error means to the contract.
type Kind int

// The kinds of error a dialect tells apart.
const (
	Other     Kind = iota // passed on, wrapped with the dialect and the operation
	NoRows                // ErrNotFound
	Duplicate             // a unique key: ErrAlreadyExists
	Rejected              // a CHECK, NOT NULL, length or encoding: ErrInvalidTask
)

// Interpret maps err, classified by kind, to the contract's sentinels,
// keeping the original in the chain for callers that want the details.
// nil stays nil. dialect and op name the failure of any other kind.
func Interpret(dialect, op, id string, err error, kind func(error) Kind) error {
	if err == nil {
		return nil
	}
	switch kind(err) {
	case NoRows:
		return taskrow.NotFound(id)
	case Duplicate:
		return fmt.Errorf("%w: %q: %w", schedstore.ErrAlreadyExists, id, err)
	case Rejected:
		return fmt.Errorf("%w: rejected by the database: %w", schedstore.ErrInvalidTask, err)
	}
	return fmt.Errorf("schedstore: %s %s: %w", dialect, op, err)
}

// As is errors.As returning the target, for a dialect's kind function.
func As[E error](err error) (E, bool) {
	var target E
	ok := errors.As(err, &target)
	return target, ok
}

// TextID is Generated.ID for a dialect that stores IDs as text.
func TextID(id string) string { return id }

// MatchCompleted maps the rows a batch completion returned (one per
// advanced claim: its task ID, token and whether its fire was recorded) to
// the batch's order. A completion with no row was stale.
func MatchCompleted(batch []taskrow.Completion, n int, row func(int) (id string, token int64, recorded bool)) []taskrow.Completed {
	type key struct {
		id    string
		token int64
	}
	byClaim := make(map[key]bool, n)
	for i := range n {
		id, token, recorded := row(i)
		byClaim[key{id, token}] = recorded
	}
	out := make([]taskrow.Completed, len(batch))
	for i, c := range batch {
		recorded, advanced := byClaim[key{c.ID, c.Token}]
		out[i] = taskrow.Completed{Advanced: advanced, Recorded: recorded}
	}
	return out
}

// CompleteEach is CompleteClaims for a dialect that writes a completion as
// two statements (advance the task, then record the fire) inside the one
// transaction the dialect has begun: advance reports whether the token was
// current, record whether the ledger took the fire. A completion with
// skipped occurrences records their row too (c.SkippedFire(), a zero
// StartedAt), after its own; whether the ledger took that one does not
// matter.
//
// dequeue removes the occurrence from the queue of requests (Trigger,
// Backfill), whichever way it was claimed: the ledger holds it now.
func CompleteEach(batch []taskrow.Completion, advance, record, dequeue func(taskrow.Completion) (int64, error)) ([]taskrow.Completed, error) {
	out := make([]taskrow.Completed, len(batch))
	for i, c := range batch {
		n, err := advance(c)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue // stale: nothing is written for it
		}
		recorded, err := record(c)
		if err != nil {
			return nil, err
		}
		if _, err := dequeue(c); err != nil {
			return nil, err
		}
		if c.SkippedCount > 0 {
			if _, err := record(c.SkippedFire()); err != nil {
				return nil, err
			}
		}
		out[i] = taskrow.Completed{Advanced: true, Recorded: recorded > 0}
	}
	return out, nil
}
