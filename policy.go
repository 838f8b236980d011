package schedstore

import "time"

// MisfirePolicy says what happens to the occurrences of a task that were
// missed while no scheduler ran (an outage, a deploy, a pause is not one:
// Resume starts again from the next future slot).
type MisfirePolicy string

// Misfire policies.
const (
	// MisfireOnce fires one occurrence for all the missed ones, then goes
	// on from the next future slot. The default.
	MisfireOnce MisfirePolicy = "once"
	// MisfireSkip fires none of the missed occurrences (they are recorded
	// as one missed row in the fire ledger) and goes on from the next
	// future slot.
	MisfireSkip MisfirePolicy = "skip"
	// MisfireAll fires the missed occurrences, oldest first, at most
	// MaxCatchUp of them (the most recent; the older ones are recorded as
	// one missed row), then goes on along the schedule.
	MisfireAll MisfirePolicy = "all"
)

// Valid reports whether p is a known policy ("" is not: it reads back as
// MisfireOnce).
func (p MisfirePolicy) Valid() bool { return p == MisfireOnce || p == MisfireSkip || p == MisfireAll }

// OverlapPolicy says what happens to an occurrence that comes due while
// the task's previous one is still running, on any scheduler.
type OverlapPolicy string

// Overlap policies.
const (
	// OverlapSkip records the occurrences that came due during the run as
	// one skipped row in the fire ledger and goes on from the next future
	// slot. The default.
	OverlapSkip OverlapPolicy = "skip"
	// OverlapBufferOne keeps one of them (the latest) to start as soon as
	// the running one finishes; the others are recorded as skipped.
	OverlapBufferOne OverlapPolicy = "buffer_one"
)

// Valid reports whether p is a known policy ("" is not: it reads back as
// OverlapSkip).
func (p OverlapPolicy) Valid() bool { return p == OverlapSkip || p == OverlapBufferOne }

// DefaultMaxCatchUp bounds MisfireAll when Task.MaxCatchUp is 0.
const DefaultMaxCatchUp = 10

// MaxPauseReasonBytes bounds the reason given to Store.Pause.
const MaxPauseReasonBytes = 1024

// MaxJitter bounds Task.Jitter.
const MaxJitter = 24 * time.Hour
