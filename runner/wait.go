package runner

import "time"

// pollInterval is how often the loop looks again while the earliest due
// occurrence is one it cannot claim: leased to a job in flight (this
// runner's or another's), or to a scheduler that died, whose lease must
// run out first. It is real time, not schedule time: nothing is scheduled
// for then. A job of this runner that ends wakes the loop sooner.
const pollInterval = time.Second

// wait returns how long to sleep before the next pass, and whether that is
// a poll (real time) rather than a wait for a run time: until the next run
// time, at most MaxSleep; after failures, an exponential backoff from one
// second, also at most MaxSleep.
func (r *Runner) wait(now, next time.Time, pending bool, claimed, failures int) (d time.Duration, poll bool) {
	limit := r.maxSleep()
	if failures > 0 {
		return min(time.Second<<min(failures-1, 16), limit), true
	}
	if !pending {
		return limit, false
	}
	d = next.Sub(now)
	if d <= 0 {
		if claimed > 0 {
			return 0, false // look again at once: more may be due
		}
		return min(pollInterval, limit), true
	}
	return min(d, limit), false
}
