package sqlite

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
)

// DefaultPath is the database file an empty URL opens, in the working
// directory: the Flowrra reference default.
const DefaultPath = ".flowrra_schedule.db"

// Memory is the path of an in-memory database (sqlite://:memory:).
const Memory = ":memory:"

// ParseURL reads a schedstore SQLite URL:
//
//	""                      DefaultPath
//	sqlite://path           a path relative to the working directory
//	sqlite:///abs/path      an absolute path (unlike SQLAlchemy, three slashes)
//	sqlite://:memory:       an in-memory database
//
// The path is percent-decoded, so a '?', '#' or '%' in a file name is
// written %3F, %23 or %25. The only query parameter is schedstore_migrate
// (migrate reports it; true when absent). Every other parameter is
// rejected rather than passed to the driver: WAL, busy_timeout and
// immediate transactions are what this adapter's correctness rests on, and
// a driver parameter could silently undo them. An application that needs
// other driver settings opens its own *sql.DB (see DSN) and calls New.
// Errors wrap schedstore.ErrUnsupportedURL.
func ParseURL(rawURL string) (path string, migrate bool, err error) {
	if rawURL == "" {
		return DefaultPath, true, nil
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: %s: %q (want sqlite://path, sqlite:///abs/path or sqlite://:memory:)",
			schedstore.ErrUnsupportedURL, why, rawURL)
	}
	// Not url.Parse: it would read the first segment of a relative path,
	// or ":memory:", as a host.
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok || !strings.EqualFold(scheme, "sqlite") {
		return "", false, bad("not a sqlite:// URL")
	}
	rawPath, rawQuery, _ := strings.Cut(rest, "?")
	if strings.Contains(rest, "#") {
		return "", false, bad("a fragment ('#') is not allowed; write %23 in a file name")
	}
	path, err = url.PathUnescape(rawPath)
	switch {
	case err != nil:
		return "", false, bad("bad percent-encoding in the path")
	case path == "":
		return "", false, bad("no path")
	case strings.IndexByte(path, 0) >= 0:
		return "", false, bad("NUL in the path")
	}
	if _, err := url.ParseQuery(rawQuery); err != nil {
		return "", false, bad("bad query")
	}
	u := &url.URL{RawQuery: rawQuery}
	migrate, err = dburl.TakeMigrateOption(u)
	if err != nil {
		return "", false, err
	}
	if u.RawQuery != "" {
		return "", false, bad("unknown query parameter in " + u.RawQuery + " (only " + dburl.MigrateOption + " is read)")
	}
	return path, migrate, nil
}

// fileParams are the driver settings of a database file; see the package
// documentation for why each is there.
const fileParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// memoryParams: an in-memory database has no other process to wait for and
// no WAL.
const memoryParams = "_pragma=foreign_keys(1)&_txlock=immediate"

// DSN returns the modernc.org/sqlite DSN (driver name "sqlite") that Open
// uses for path, which is a file path or Memory. Processes that open a
// fresh file at once with it may see SQLITE_BUSY from the switch to WAL;
// OpenDB takes turns through the lock file instead.
func DSN(path string) string {
	if path == Memory {
		return Memory + "?" + memoryParams
	}
	return "file:" + uriPath(path) + "?" + fileParams
}

// uriPath writes path as the path of an SQLite file: URI. A file: name is
// used (rather than a plain one) because the driver cuts a plain name at
// its first '?'; here only '%', '?' and '#' are special, and SQLite
// percent-decodes them back.
func uriPath(path string) string {
	p := filepath.ToSlash(path)
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	if filepath.IsAbs(path) && !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows C:/x: SQLite drops a '/' before a drive letter
	}
	if strings.HasPrefix(p, "/") {
		p = "//" + p // an empty authority, so a path starting with "//" is not read as a host
	}
	return p
}
