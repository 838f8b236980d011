package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Handler runs one attempt of a job. An error fails the attempt: it is
// tried again after the task's RetryDelay, up to MaxRetries more times,
// unless the error is Permanent. The context ends when the attempt times
// out (Runner.Timeout), when the claim is lost to another scheduler, and
// when the runner's shutdown grace has passed; a handler should return
// promptly then.
type Handler interface {
	HandleJob(ctx context.Context, job Job) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job Job) error

// HandleJob calls f.
func (f HandlerFunc) HandleJob(ctx context.Context, job Job) error { return f(ctx, job) }

// ErrNoHandler: a Mux has no handler for the job's task name. It is
// permanent: the occurrence is recorded failed at once, with the name.
var ErrNoHandler = errors.New("runner: no handler for task")

// Mux dispatches jobs to one handler per task name, as a service that
// embeds the runner registers the work it knows. It is safe for concurrent
// use; handlers may be added while the runner runs.
type Mux struct {
	mu       sync.RWMutex
	handlers map[string]Handler
	fallback Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{handlers: map[string]Handler{}} }

// Handle registers h for taskName. It panics on an empty name, a nil
// handler or a name registered twice, as http.ServeMux does: each is a
// programming error.
func (m *Mux) Handle(taskName string, h Handler) {
	if taskName == "" || h == nil {
		panic("runner: Mux.Handle needs a task name and a handler")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.handlers[taskName]; dup {
		panic(fmt.Sprintf("runner: Mux.Handle: task %q registered twice", taskName))
	}
	m.handlers[taskName] = h
}

// HandleFunc registers f for taskName.
func (m *Mux) HandleFunc(taskName string, f func(ctx context.Context, job Job) error) {
	m.Handle(taskName, HandlerFunc(f))
}

// Fallback sets the handler for task names nobody registered (nil: they
// fail with ErrNoHandler).
func (m *Mux) Fallback(h Handler) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fallback = h
}

// HandleJob implements Handler: it calls the handler registered for
// job.TaskName.
func (m *Mux) HandleJob(ctx context.Context, job Job) error {
	m.mu.RLock()
	h, ok := m.handlers[job.TaskName]
	if !ok {
		h = m.fallback
	}
	m.mu.RUnlock()
	if h == nil {
		return Permanent(fmt.Errorf("%w %q", ErrNoHandler, job.TaskName))
	}
	return h.HandleJob(ctx, job)
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying: the occurrence is recorded
// failed after this attempt, whatever MaxRetries says. Permanent(nil) is
// nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// JSONLines returns a Handler that writes each job to w as one line of
// JSON: the output of `schedstore run` without --exec.
func JSONLines(w io.Writer) Handler {
	var mu sync.Mutex
	return HandlerFunc(func(_ context.Context, j Job) error {
		line, err := j.jsonLine()
		if err != nil {
			return Permanent(err)
		}
		mu.Lock()
		defer mu.Unlock()
		_, err = w.Write(line) // one write per line, so lines never interleave
		return err
	})
}
