package main

import (
	"testing"

	"github.com/flowrra/schedstore/internal/testdb"
)

// dialect is a database the end-to-end tests run against.
type dialect struct {
	name string
	// available skips (or, with SCHEDSTORE_TEST_REQUIRE_ALL=1, fails) t
	// when the dialect's server is not configured.
	available func(t testing.TB)
	// fresh returns the URL of a new, empty database removed after t.
	fresh func(t testing.TB) string
}

var dialects = []dialect{
	{"sqlite", func(testing.TB) {}, testdb.SQLite},
	{"postgres", func(t testing.TB) { testdb.PostgresURL(t) }, testdb.Postgres},
	{"mysql", func(t testing.TB) { testdb.MySQLURL(t) }, testdb.MySQL},
}

// forEachDialect runs f in a subtest per available dialect.
func forEachDialect(t *testing.T, f func(t *testing.T, d dialect)) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			d.available(t)
			f(t, d)
		})
	}
}
