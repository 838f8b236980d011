package schedstore

import "errors"

// Sentinel errors. Implementations wrap them, so compare with errors.Is.
var (
	// ErrNotFound: no task with that ID (or that definition).
	ErrNotFound = errors.New("schedstore: task not found")
	// ErrAlreadyExists: a task with that ID is already stored.
	ErrAlreadyExists = errors.New("schedstore: task already exists")
	// ErrInvalidTask: the task failed validation; the message names the field.
	// Nothing was written.
	ErrInvalidTask = errors.New("schedstore: invalid task")
	// ErrUnsupportedURL: adapter.Open does not know the URL's scheme, or the
	// URL is malformed.
	ErrUnsupportedURL = errors.New("schedstore: unsupported database URL")
	// ErrConflict: Update was given a stale Version. Nothing was changed.
	ErrConflict = errors.New("schedstore: version conflict")
	// ErrClosed: the backend was closed.
	ErrClosed = errors.New("schedstore: backend closed")
)

// FieldError says which field of a task is invalid and why. It wraps
// [ErrInvalidTask].
type FieldError struct {
	Field  string // the Task field's Go name, e.g. "Schedule"
	Reason string
}

func (e *FieldError) Error() string {
	return "schedstore: invalid task: " + e.Field + ": " + e.Reason
}

// Unwrap lets errors.Is(err, ErrInvalidTask) match.
func (e *FieldError) Unwrap() error { return ErrInvalidTask }

func invalid(field, reason string) error { return &FieldError{Field: field, Reason: reason} }
