package schedule

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"time"
)

// Jitter returns a delay in [0, maxDelay) for one occurrence of a task,
// derived only from the task's ID and the occurrence, so that every
// scheduler process computes the same delay without coordinating. It
// returns 0 when maxDelay <= 0.
//
// The delay is floor(x * maxDelay / 2^64) nanoseconds, where x is the first
// 8 bytes, read big-endian, of SHA-256(taskID || UnixMicro(occurrence) as 8
// bytes big-endian), truncated to whole microseconds (the precision run
// times are stored with) when maxDelay is at least 1µs. Only the
// occurrence's instant to the microsecond counts, not its zone.
func Jitter(taskID string, occurrence time.Time, maxDelay time.Duration) time.Duration {
	if maxDelay <= 0 {
		return 0
	}
	h := sha256.New()
	h.Write([]byte(taskID))
	var micros [8]byte
	binary.BigEndian.PutUint64(micros[:], uint64(occurrence.UnixMicro()))
	h.Write(micros[:])
	var sum [sha256.Size]byte
	x := binary.BigEndian.Uint64(h.Sum(sum[:0]))
	hi, _ := bits.Mul64(x, uint64(maxDelay))
	d := time.Duration(hi)
	if maxDelay >= time.Microsecond {
		d = d.Truncate(time.Microsecond)
	}
	return d
}

// Between returns the occurrences of s in [from, to), oldest first, in
// UTC: the runs a scheduler that fires each one on time would make, as for
// a backfill or for catching up on missed runs. If there are more than limit
// of them, it returns the most recent limit; it returns nil if limit <= 0 or
// to is not after from.
//
// Cron: the activations in [from, to), found as First and Next find them
// (so daylight-saving transitions are handled the same way). The work
// grows with the activations near to (about the last 2*limit, for an
// evenly spread schedule), not with the length of [from, to).
//
// Interval: the schedule does not know where its grid starts, so the grid
// starts at from: from, from+interval, ... (pass the task's first missed
// run time). One-time: its instant, if it lies in [from, to).
func Between(s Schedule, from, to time.Time, limit int) []time.Time {
	if limit <= 0 || !from.Before(to) {
		return nil
	}
	switch s := s.(type) {
	case *cronSchedule:
		return s.between(from, to, limit)
	case interval:
		return s.between(from, to, limit)
	case oneTime:
		if !s.at.Before(from) && s.at.Before(to) {
			return []time.Time{s.at}
		}
		return nil
	}
	// A Schedule from outside this package: step through it.
	last := lastN{max: limit}
	at := s.First(from.Add(-time.Nanosecond))
	for !at.IsZero() && at.Before(to) {
		last.add(at.UTC())
		next, ok := s.Next(at, at)
		if !ok || !next.After(at) {
			break
		}
		at = next
	}
	return last.result()
}

// NextN returns the first n runs of s after `after`, in UTC: First(after)
// and then the runs a scheduler that fires each one on time would compute
// with Next. It returns fewer if the schedule ends (a one-time schedule has
// one run, its instant, even if that is past, as First returns it) and nil
// if n <= 0.
//
// For an interval schedule the runs are after+interval, after+2*interval,
// ...; to list an existing task's runs, start from its next run time t:
// t followed by NextN(s, t, n-1).
func NextN(s Schedule, after time.Time, n int) []time.Time {
	if n <= 0 {
		return nil
	}
	var out []time.Time
	at := s.First(after)
	for !at.IsZero() && len(out) < n {
		out = append(out, at.UTC())
		next, ok := s.Next(at, at)
		if !ok || !next.After(at) {
			break
		}
		at = next
	}
	return out
}

// lastN keeps the last max times added to it, in order.
type lastN struct {
	max   int
	times []time.Time
}

func (l *lastN) add(at time.Time) {
	if len(l.times)-l.max >= l.max {
		// Keep memory at about 2*max: drop all but the last max.
		l.times = append(l.times[:0], l.times[len(l.times)-l.max:]...)
	}
	l.times = append(l.times, at)
}

func (l *lastN) result() []time.Time {
	if len(l.times) > l.max {
		l.times = l.times[len(l.times)-l.max:]
	}
	if len(l.times) == 0 {
		return nil
	}
	return append([]time.Time(nil), l.times...)
}

// between lists the activations in windows ending at to, doubling the
// window until it holds limit activations or covers [from, to), so that a
// dense schedule over a long range costs about as much as a short one.
func (c *cronSchedule) between(from, to time.Time, limit int) []time.Time {
	span := to.Sub(from) // saturates for ranges over 292 years
	for window := time.Hour; ; {
		lo, whole := to.Add(-window), window >= span
		if whole {
			lo = from
		}
		last := lastN{max: limit}
		for at := c.after(lo.Add(-time.Nanosecond)); !at.IsZero() && at.Before(to); at = c.after(at) {
			last.add(at)
		}
		if whole || len(last.times) >= limit {
			return last.result()
		}
		if window > span/2 {
			window = span
		} else {
			window *= 2
		}
	}
}

// between returns the grid points from + k*every in [from, to), the last
// limit of them.
func (s interval) between(from, to time.Time, limit int) []time.Time {
	// Move from forward along the grid while the span does not fit in a
	// Duration (a zero or ancient from).
	step := max(time.Duration(1<<62)/s.every, 1) * s.every
	for to.Sub(from) == time.Duration(1<<63-1) {
		from = from.Add(step)
	}
	count := (to.Sub(from)-1)/s.every + 1 // grid points in [from, to)
	k := time.Duration(0)
	if count > time.Duration(limit) {
		k = count - time.Duration(limit)
	}
	out := make([]time.Time, 0, count-k)
	for ; k < count; k++ {
		out = append(out, from.Add(k*s.every).UTC())
	}
	return out
}
