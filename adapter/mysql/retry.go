package mysql

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
)

// deadlockAttempts bounds again. A deadlock needs two writers locking the
// same rows in opposite orders at the same moment; three losses in a row
// mean contention the caller should hear about.
const deadlockAttempts = 3

// again runs a statement that InnoDB may pick as a deadlock victim (1213)
// up to 3 times: the victim is rolled back whole (an autocommit statement,
// or the whole transaction when run wraps one), so nothing it wrote
// survives and running it again is safe. Even single-row autocommit
// writes lose such races, because duplicate-key and foreign-key checks
// take shared locks first and upgrade them later.
//
// Lock wait timeouts (1205) are not retried: the statement has already
// waited innodb_lock_wait_timeout, and by default InnoDB rolls back only
// that statement, not the transaction around it.
func again[T any](ctx context.Context, run func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := run()
		if err == nil || attempt == deadlockAttempts || !isDeadlock(err) {
			return v, err
		}
		if !backOff(ctx, attempt) {
			return v, err // the deadlock, not ctx's error: it is what failed
		}
	}
}

func isDeadlock(err error) bool {
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == 1213 // ER_LOCK_DEADLOCK
}

// backOff sleeps a few random milliseconds, so that the writers that just
// deadlocked do not collide again in lockstep. False: ctx is done.
func backOff(ctx context.Context, attempt int) bool {
	if ctx.Err() != nil {
		return false
	}
	t := time.NewTimer(rand.N(time.Duration(attempt) * 5 * time.Millisecond))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
