// Package taskrow converts between schedstore.Task and the storage form that
// all three dialects share: canonical JSON text for Args and Kwargs, a
// definition fingerprint, UTC microsecond times and microsecond durations.
// Adapters map their sqlc rows to and from Row and keep no logic of their own.
package taskrow
