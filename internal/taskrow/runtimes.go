package taskrow

import (
	"time"

	"github.com/flowrra/schedstore"
)

// RunTimes is UpdateRunTimes' write: a zero time is stored as NULL.
type RunTimes struct {
	LastRunAt *time.Time
	NextRunAt *time.Time
	UpdatedAt time.Time
	// Missing: the ID cannot be stored, so no row has it (ErrNotFound
	// without a round trip).
	Missing bool
}

// ForRunTimes checks and converts UpdateRunTimes' arguments.
func ForRunTimes(id string, lastRun, nextRun, now time.Time) (RunTimes, error) {
	rt := RunTimes{UpdatedAt: Time(now), Missing: schedstore.ValidateID(id) != nil}
	for _, f := range []struct {
		name string
		at   time.Time
		dst  **time.Time
	}{{"LastRunAt", lastRun, &rt.LastRunAt}, {"NextRunAt", nextRun, &rt.NextRunAt}} {
		if f.at.IsZero() {
			continue
		}
		if err := schedstore.ValidateTime(f.name, f.at); err != nil {
			return RunTimes{}, err
		}
		u := Time(f.at)
		*f.dst = &u
	}
	return rt, nil
}
