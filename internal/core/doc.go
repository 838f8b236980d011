// Package core is schedstore.Store written once, over a small [Dialect]
// of row operations.
//
// Everything the contract decides lives here: the closed guard and the
// context check (internal/lifecycle), validation and encoding (through
// internal/taskrow), the short-cuts for IDs no row can have, why a
// versioned Update matched nothing (ErrNotFound or ErrConflict), Ensure's
// order of insert and lookup, ClaimDue's argument checks and clock, and
// what a completion or release that matched nothing means. A Dialect runs
// statements and maps rows and errors: each method is one query (or one
// short transaction where the dialect needs one), its rows mapped to
// [taskrow.Row] and its errors already interpreted (wrapping the
// schedstore sentinels).
//
// Adding a Store call is one Dialect method (a query, in every dialect)
// and one Store method here.
package core
