package runner

import "time"

// idleFloor is the shortest sleep after a pass that fired nothing although
// something was already due: without it, a task the source reports pending
// but never hands out (a lease held by another instance, a row that fails
// to update) would spin the loop.
const idleFloor = time.Second

// wait returns how long to sleep before the next pass: until the next run
// time, at most MaxSleep; after failures, an exponential backoff from one
// second, also at most MaxSleep.
func (r *Runner) wait(now, next time.Time, pending bool, fired, failures int) time.Duration {
	limit := r.maxSleep()
	if failures > 0 {
		d := time.Second << min(failures-1, 16)
		return min(d, limit)
	}
	if !pending {
		return limit
	}
	d := next.Sub(now)
	if d <= 0 && fired == 0 {
		d = idleFloor
	}
	return max(0, min(d, limit))
}
