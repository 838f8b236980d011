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
// parameters of CreateTask (CP), UpdateTask (UP), FindTaskByDefinition
// (FP), EnsureTask (EP) and ListTasksPage (PP).
type Queries[ID, R, C, CP, UP, FP, EP, PP any] interface {
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
	EnsureTask(ctx context.Context, p EP) (int64, error)
	ListTasksPage(ctx context.Context, p PP) ([]R, error)
}

// Generated implements the Dialect methods that are one generated query
// on the task row, for any dialect, over the dialect's mappings: a dialect
// embeds it and writes the rest. Lists decode straight into one backing array
// (taskrow.TasksFrom), with no Row slice in between.
type Generated[ID, R, C, CP, UP, FP, EP, PP any] struct {
	Calls
	Q      Queries[ID, R, C, CP, UP, FP, EP, PP]
	ID     func(string) ID     // the stored form of an ID
	Cutoff func(time.Time) C   // the stored form of ListDue's cutoff
	ToRow  func(R) taskrow.Row // the generated row in the shared form
	// The generated parameters from the shared form.
	CreateParams func(taskrow.Row) CP
	UpdateParams func(r taskrow.Row, expectedVersion int64) UP
	FindParams   func(taskName, scheduleType, schedule, fingerprint string) FP
	EnsureParams func(taskrow.Row) EP // the statement sets the ensure key from the fingerprint
	PageParams   func(after schedstore.Cursor, limit int32) PP
}

// Calls is how a dialect runs a generated statement and reports its
// error: the part Generated and Ledger share.
type Calls struct {
	Interpret func(op, id string, err error) error
	// Retry reruns a write the database rolled back as a deadlock victim;
	// nil runs it once.
	Retry func(ctx context.Context, write func() (int64, error)) (int64, error)
}

// write runs a write through Retry.
func (c Calls) write(ctx context.Context, write func() (int64, error)) (int64, error) {
	if c.Retry == nil {
		return write()
	}
	return c.Retry(ctx, write)
}

// CreateTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) CreateTask(ctx context.Context, r taskrow.Row) error {
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
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) UpdateTask(ctx context.Context, r taskrow.Row, expectedVersion int64) (int64, error) {
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
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) FindTask(ctx context.Context, taskName, scheduleType, schedule string,
	def taskrow.Definition) (taskrow.Row, error) {
	row, err := g.Q.FindTaskByDefinition(ctx, g.FindParams(taskName, scheduleType, schedule, def.Fingerprint))
	if err != nil {
		return taskrow.Row{}, g.Interpret("find by definition", "", err)
	}
	return g.ToRow(row), nil
}

// TaskExists implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) TaskExists(ctx context.Context, id string) (bool, error) {
	ok, err := g.Q.TaskExists(ctx, g.ID(id))
	return ok, g.Interpret("update", id, err)
}

// DeleteTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) DeleteTask(ctx context.Context, id string) (int64, error) {
	n, err := g.write(ctx, func() (int64, error) { return g.Q.DeleteTask(ctx, g.ID(id)) })
	return n, g.Interpret("delete", id, err)
}

// ClearTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) ClearTasks(ctx context.Context) (int64, error) {
	n, err := g.write(ctx, func() (int64, error) { return g.Q.ClearTasks(ctx) })
	return n, g.Interpret("clear", "", err)
}

// GetTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) GetTask(ctx context.Context, id string) (taskrow.Row, error) {
	row, err := g.Q.GetTask(ctx, g.ID(id))
	if err != nil {
		return taskrow.Row{}, g.Interpret("get", id, err)
	}
	return g.ToRow(row), nil
}

// ListAllTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) ListAllTasks(ctx context.Context) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListAllTasks(ctx)
	return g.tasks("list all", rows, err)
}

// ListEnabledTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) ListEnabledTasks(ctx context.Context) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListEnabledTasks(ctx)
	return g.tasks("list enabled", rows, err)
}

// ListDueTasks implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) ListDueTasks(ctx context.Context, cutoff time.Time) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListDueTasks(ctx, g.Cutoff(cutoff))
	return g.tasks("list due", rows, err)
}

// EnsureTask implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) EnsureTask(ctx context.Context, r taskrow.Row) (bool, error) {
	var n int64
	var err error
	if p := g.EnsureParams(r); g.Retry == nil {
		n, err = g.Q.EnsureTask(ctx, p)
	} else {
		retried := p
		n, err = g.Retry(ctx, func() (int64, error) { return g.Q.EnsureTask(ctx, retried) })
	}
	return n > 0, g.Interpret("ensure", r.ID, err)
}

// ListTasksPage implements Dialect.
func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) ListTasksPage(ctx context.Context, after schedstore.Cursor, limit int32) ([]*schedstore.Task, error) {
	rows, err := g.Q.ListTasksPage(ctx, g.PageParams(after, limit))
	return g.tasks("list page", rows, err)
}

func (g *Generated[ID, R, C, CP, UP, FP, EP, PP]) tasks(op string, rows []R, err error) ([]*schedstore.Task, error) {
	if err != nil {
		return nil, g.Interpret(op, "", err)
	}
	return taskrow.TasksFrom(rows, g.ToRow)
}

// LedgerQueries is the part of a dialect's generated Queries that reads and
// prunes the fire ledger, generic over the generated fire row F, the
// parameters of ListFires (LP) and the stored form T of a time.
type LedgerQueries[F, LP, T any] interface {
	ListFires(ctx context.Context, p LP) ([]F, error)
	PruneFires(ctx context.Context, before T) (int64, error)
}

// Ledger implements the Dialect methods on the fire ledger for any dialect
// (ListFires, PruneFires): a dialect embeds it beside Generated.
type Ledger[F, LP, T any] struct {
	Calls
	Q           LedgerQueries[F, LP, T]
	FiresParams func(taskID string, limit int32) LP
	Stamp       func(time.Time) T // the stored form of a time
	ToFire      func(F) schedstore.Fire
}

// ListFires implements Dialect.
func (l *Ledger[F, LP, T]) ListFires(ctx context.Context, taskID string, limit int32) ([]schedstore.Fire, error) {
	rows, err := l.Q.ListFires(ctx, l.FiresParams(taskID, limit))
	if err != nil {
		return nil, l.Interpret("list fires", taskID, err)
	}
	return taskrow.FiresFrom(rows, l.ToFire), nil
}

// PruneFires implements Dialect. It is a write: a range DELETE can lose a
// deadlock to the inserts that record fires.
func (l *Ledger[F, LP, T]) PruneFires(ctx context.Context, before time.Time) (int64, error) {
	n, err := l.write(ctx, func() (int64, error) { return l.Q.PruneFires(ctx, l.Stamp(before)) })
	return n, l.Interpret("prune fires", "", err)
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

// CompleteEach is CompleteClaims for a dialect that writes a completion
// statement by statement inside the one transaction the dialect has begun.
// Per completion: advance the task, which reports whether the token was
// current; a stale completion stops there (one statement). Otherwise
// record the fire (whether the ledger took it), then dequeue, which removes
// the occurrence from the queue of requests (Trigger, Backfill) whichever
// way it was claimed, since the ledger holds it now: three statements. A
// completion with skipped occurrences then records their row too
// (c.SkippedFire(), a zero StartedAt): four; whether the ledger took that
// one does not matter.
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
