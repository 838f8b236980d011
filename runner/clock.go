package runner

import "time"

// Clock is the loop's source of time, replaceable in tests.
type Clock interface {
	Now() time.Time
	// After is time.After; the loop abandons the channel when it is asked
	// to stop, so an implementation need not support cancelling.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
