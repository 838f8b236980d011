// Package taskrow is the storage form that all three dialects share, and
// the rules on values that go with it.
//
// Row is a task as every dialect stores it: canonical JSON text for Args
// and Kwargs, a definition fingerprint, UTC microsecond times and
// microsecond durations. ForCreate, ForUpdate and ForRunTimes validate and
// encode what a Store call writes; Row.Task, TasksFrom and Claims decode
// what it reads (lists into one backing array). The rest are the checks
// and answers that internal/core builds the Store from: claim arguments,
// completions, why an update matched nothing, the Ensure loop, fire
// ledger limits.
//
// A dialect package (adapter/<dialect>) maps its sqlc-generated rows and
// parameters to and from Row (RowsFrom, TasksFrom and FiresFrom take that
// mapping as a function, generic over the generated type) and decides
// nothing itself.
package taskrow
