package schedule_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/flowrra/schedstore/schedule"
)

func ExampleParse() {
	s, err := schedule.Parse(schedule.KindCron, "CRON_TZ=America/New_York 30 2 * * *")
	if err != nil {
		fmt.Println(err)
		return
	}
	ny, _ := time.LoadLocation("America/New_York")

	// A scheduler loop across 8 March 2026, when New York skips 02:00-03:00:
	// that day's run happens once, at 03:00.
	at := s.First(time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC))
	for range 3 {
		fmt.Println(at.Format(time.RFC3339), "=", at.In(ny).Format("Jan 2 15:04 MST"))
		at, _ = s.Next(at, at)
	}

	_, err = schedule.Parse(schedule.KindInterval, "0")
	fmt.Println(err)
	fmt.Println(errors.Is(err, schedule.ErrInvalid))
	// Output:
	// 2026-03-07T07:30:00Z = Mar 7 02:30 EST
	// 2026-03-08T07:00:00Z = Mar 8 03:00 EDT
	// 2026-03-09T06:30:00Z = Mar 9 02:30 EDT
	// interval "0" must be positive; use seconds such as 300 or 2.5, or a Go duration such as 5m, 1h30m or 250ms
	// true
}
