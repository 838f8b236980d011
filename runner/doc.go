// Package runner is schedstore's firing engine: it claims the due
// occurrences of a Store's tasks, runs each through a Handler, and records
// how it ended in the fire ledger, so that the command line
// (`schedstore run`) and any service embedding a Runner behave alike. Any
// number of Runners, in any number of processes, may share one database.
//
// How an occurrence is run:
//
//   - Claimed. Store.ClaimDue leases due occurrences to this Runner, as
//     many as it has free slots (Concurrency), and counts the claim as an
//     attempt in the database before anything runs. A task never has two
//     occurrences in flight: its next one is computed when the running one
//     is recorded, skipping the slots it overran.
//   - Prefetched. While a backlog of short jobs drains (the last claim
//     came back full, and the slots came free again within a few claim
//     round trips), a claim also takes up to Prefetch more (at most
//     ClaimLimit in all), so that one durable claim feeds the slots several
//     times over. Those wait in memory and start in the Store's order
//     (requested first, then priority, next run, ID) as slots free. A
//     Runner never holds more than its free slots plus Prefetch claims not
//     yet started, and with jobs that are long against a claim round trip
//     it does not prefetch at all: other Runners with free slots get the
//     work instead. Prefetch < 0 turns it off.
//   - Kept. While a job runs or waits for a slot, and until its outcome is
//     written, a lease keeper renews the leases of all the Runner's claims
//     in one store call every quarter of the lease, each fenced by its
//     token. A claim that another scheduler now holds, or that could not
//     be renewed for three quarters of a lease (the database unreachable),
//     has its job's context cancelled at once (an Exec command's process
//     group is killed), and nothing is recorded for it; a claim still
//     waiting for a slot is dropped and never starts. So Lease bounds how
//     long a dead Runner's claims wait, not how long a job may take.
//   - Retried. A failed attempt (the handler's error, a non-zero exit, a
//     Timeout) is run again after the task's RetryDelay, which stays the
//     same between attempts, up to MaxRetries more times (MaxRetries=2: at
//     most 3 attempts). Each retry is counted in the database before it
//     starts (Store.StartRetry), so a Runner that dies between attempts is
//     continued by another after its lease ends, the count going on, never
//     past MaxRetries+1. An error marked Permanent is not retried.
//   - Recorded. The outcome (succeeded or failed, attempts, first start,
//     end, the last error) goes to the fire ledger with the task's next run
//     time, in batches (Store.CompleteClaims: one transaction for up to 100
//     completions, written at most 20 ms after the first), each claim
//     fenced on its own. A Runner that dies before a batch is written
//     leaves those occurrences to be claimed again when their leases end:
//     delivery is at least once, and the ledger holds each occurrence once.
//
// Stopping: when Run's context ends, no new job starts, and the claims
// still waiting for a slot (or for their task's Jitter) are handed back
// at once with Store.ReturnClaim, which uncounts the attempt each claim
// counted in the database: none of them ran, so the next claim of the
// occurrence is the same attempt again, and a graceful stop costs no task
// a run (a task with MaxRetries 0 still gets its one attempt). The jobs in
// flight get ShutdownGrace to finish and are recorded; then their
// contexts are cancelled and their claims handed back with
// Store.ReleaseClaim, which keeps the attempts that ran counted: the next
// claim of the occurrence counts on from them. (A Runner that dies,
// rather than stops, hands nothing back: its attempts stay counted, and
// another Runner counts on after the leases end.)
//
// Handlers: a Mux dispatches by task name, for services that register the
// work they know; an occurrence whose task has no handler is recorded
// failed, naming the task. JSONLines and Exec are the handlers of
// `schedstore run`.
//
// Telemetry: a Runner records OpenTelemetry metrics and spans through the
// OTel API only, to Runner.MeterProvider and Runner.TracerProvider (the
// global providers when nil: nothing is recorded unless the application
// installs an SDK). Spans: schedstore.attempt, one per attempt (task ID and
// name, occurrence, attempt, outcome: succeeded, failed, lease_lost or
// stopped), the handler's context carrying it; schedstore.store.<op>, one
// per Store call the Runner makes. Metrics, as a Prometheus exporter
// names them:
//
//	schedstore_fires_total{status}                 occurrences run and recorded, succeeded or failed
//	schedstore_fire_lag_seconds                    scheduled time to the first attempt's start
//	schedstore_fire_duration_seconds{status}       one attempt's run time, by its outcome
//	schedstore_fires_in_flight                     attempts running now (jobs in their handler)
//	schedstore_claims_total                        occurrences claimed
//	schedstore_leases_lost_total                   claims lost before their outcome was recorded
//	schedstore_occurrences_missed_total            occurrences recorded missed
//	schedstore_occurrences_skipped_total           occurrences recorded skipped
//	schedstore_store_call_duration_seconds{op}     one Store call, by op (claim_due, ...)
//
// No label grows with the number of tasks unless Runner.MetricTaskNames
// adds task_name to the per-task metrics.
package runner
