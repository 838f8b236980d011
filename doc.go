// Package schedstore stores scheduled task definitions (cron, interval and
// one-time schedules) in PostgreSQL, MySQL/MariaDB or SQLite behind one
// contract, the [Backend] interface, and fires them from many scheduler
// instances at once through its extension, the [Store] interface, which
// every adapter implements.
//
// The contract is that of the Flowrra scheduler backends: create, update,
// delete, get, list, list the due tasks, advance run times, clear, find a
// task by its definition and close. Open a store from a database URL with
// github.com/flowrra/schedstore/adapter.Open, or wrap a connection pool the
// application already owns with one of the dialect packages under adapter/.
//
// Every implementation:
//   - stores and returns times in UTC with microsecond precision;
//   - validates a task before writing anything (errors wrap [ErrInvalidTask]);
//   - maps database errors to the sentinels below, so callers use errors.Is;
//   - makes one round trip per Backend call on PostgreSQL and MySQL
//     (Store.ListAllSeq: one per page; the other Store calls, such as
//     ClaimDue, take a few: see each dialect package's doc);
//   - is safe for concurrent use and honours every context.
//
// Large tables: ListAll and ListEnabled build the whole list in memory.
// Store.ListPage reads ListAll's order one keyset page at a time (a
// [Cursor] says where the previous page ended), and Store.ListAllSeq
// ranges over every task in pages, in constant memory.
//
// The conformance suite in github.com/flowrra/schedstore/conformance runs the
// same tests against each implementation.
package schedstore
