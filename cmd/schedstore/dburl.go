package main

import (
	"net/url"
	"strings"
)

// Environment variables naming the database, in order of precedence
// after --db.
const (
	envDatabaseURL        = "SCHEDSTORE_DATABASE_URL"
	envFlowrraDatabaseURL = "FLOWRRA_SCHEDULER_DATABASE_URL"
)

// defaultDatabaseURL is the Flowrra reference's default file, in the
// working directory.
const defaultDatabaseURL = "sqlite://.flowrra_schedule.db"

// databaseURL applies the precedence documented in the package comment.
func (a *app) databaseURL() string {
	if a.dbFlag != "" {
		return a.dbFlag
	}
	if v := strings.TrimSpace(a.getenv(envDatabaseURL)); v != "" {
		return v
	}
	if v := strings.TrimSpace(a.getenv(envFlowrraDatabaseURL)); v != "" {
		return fromFlowrraURL(v)
	}
	return defaultDatabaseURL
}

// fromFlowrraURL reads a SQLite URL as the Flowrra reference does, so that
// its users reach the same file: the path with its leading slashes removed
// (sqlite:///data/s.db is data/s.db, relative), and the default file when
// there is no path. schedstore's own URLs keep an absolute path after
// three slashes. Other schemes mean the same to both.
func fromFlowrraURL(raw string) string {
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok || !strings.EqualFold(scheme, "sqlite") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // let the adapter report it
	}
	path := strings.TrimLeft(u.Path, "/")
	if path == "" {
		return defaultDatabaseURL
	}
	return "sqlite://" + (&url.URL{Path: path}).EscapedPath()
}
