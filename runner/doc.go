// Package runner is schedstore's scheduler loop: it finds the tasks that are
// due, fires each one through a caller-supplied function, and advances its
// run times with the schedule package's rules, so the command line and any
// program embedding the loop behave alike.
//
// A task is marked fired only after its Fire function returns, so delivery
// is at least once: a crash between the two fires the occurrence again on
// the next start. A Fire error is logged and the task still advances;
// retrying is the job of whatever Fire hands the task to.
//
// Finding due tasks and marking them fired sit behind an unexported
// interface so that a lease-based implementation, for several scheduler
// instances sharing one database, can replace the ListDue/UpdateRunTimes
// one without touching the loop.
package runner
