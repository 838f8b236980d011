package schedule

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every parse error, so callers can tell a bad
// schedule from other failures with errors.Is.
var ErrInvalid = errors.New("invalid schedule")

// invalidError keeps the sentinel's text out of the message: callers such as
// the root package add their own "invalid task" prefix.
type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }

func (e *invalidError) Unwrap() error { return ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}
