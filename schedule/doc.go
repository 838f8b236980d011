// Package schedule parses the three schedule kinds a task can carry (cron,
// interval and one-time) and computes their run times. The root package uses
// it to validate tasks; the command-line scheduler uses it to advance them.
//
// All times returned are in UTC. Every parse error wraps [ErrInvalid] and its
// message says what was expected, so a command-line tool can print it as is.
//
// # Cron
//
// Expressions are parsed by github.com/robfig/cron/v3: five fields (minute
// hour day-of-month month day-of-week), an optional leading seconds field,
// descriptors such as @daily and @every 5m, and an optional CRON_TZ=Area/City
// (or TZ=Area/City) prefix. Without a prefix the expression is read in UTC,
// never in the server's zone, so a schedule means the same on every host.
//
// The two day fields combine as in cron(8) on Debian (see crontab(5)), so a
// crontab line copied from a Linux host runs on the same days here. A day
// field counts as unrestricted when it starts with * (or ?), including a
// step such as */10. If either day field is unrestricted, a day must match
// both; if both are restricted, it may match either:
//
//   - 0 9 * * 1 runs on Mondays and 0 9 1 * * on the 1st of each month.
//   - 0 9 1-7 * 1 runs on the 1st to the 7th and on every Monday.
//   - 0 9 */10 * 0 runs only on Sundays that are the 1st, 11th, 21st or
//     31st (robfig/cron alone would run it on those days and on every
//     Sunday), and 0 0 */2 * 1-5 on odd-numbered weekdays.
//   - 0 9 1-31/10 * 0 starts with a digit, so it runs on the 1st, 11th,
//     21st and 31st and on every Sunday.
//
// Such a schedule can match rarely (0 0 */30 2 3 runs when 1 February is a
// Wednesday: in 2023 and then 2034); runs are searched for up to 50 years
// ahead.
//
// Daylight-saving transitions follow the rule of Vixie cron (cron(8) on
// Debian), because operators already know it:
//
//   - A fixed-time job, one whose minute and hour fields contain no * (for
//     example 30 2 * * * or @daily), runs once for each matching local time.
//     A time skipped when the clocks go forward runs at the first instant
//     after the gap (a 02:30 job runs at 03:00 on the day New York skips
//     02:00-03:00); a time repeated when the clocks go back runs only the
//     first time it occurs.
//   - A job with * in its minute or hour field (for example 0 * * * *,
//     */15 * * * * or @hourly) runs at every instant whose local time
//     matches. An hourly job therefore runs at both 01:00 EDT and 01:00 EST
//     on the day New York falls back, one hour apart, and has no 02:00 run on
//     the day it springs forward.
//
// @every d runs like an interval schedule of d (see below); robfig/cron
// cannot represent less than a second, so d must be whole seconds.
//
// # Interval
//
// A positive duration, written as seconds ("300", "2.5", as the Flowrra
// reference stores it) or as a Go duration ("5m", "1h30m", "250ms"). Runs
// stay on the grid start + k*interval, so they do not drift with the
// scheduler's latency, and after downtime the task runs once and then
// resumes at the next future slot.
//
// # One-time
//
// An RFC 3339 instant with a zone offset, such as 2026-01-02T15:04:05Z. It
// runs once, at once if the instant is already past.
//
// # Helpers
//
// [NextN] lists upcoming runs, [Between] the runs in a past range (for
// backfill and catch-up, keeping the most recent when there are too many),
// and [Jitter] derives a per-occurrence delay from the task ID and the
// occurrence, the same in every scheduler process.
package schedule
