// Package dburl holds the URL handling shared by every adapter: the
// schedstore_migrate option and keeping passwords out of error messages.
package dburl

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/flowrra/schedstore"
)

// MigrateOption is the query parameter that turns off migrations on Open,
// for teams whose DBAs apply them: ?schedstore_migrate=false.
const MigrateOption = "schedstore_migrate"

// TakeMigrateOption removes MigrateOption from u's query and returns its
// value (true when absent).
func TakeMigrateOption(u *url.URL) (bool, error) {
	q := u.Query()
	v, ok := q[MigrateOption]
	if !ok {
		return true, nil
	}
	q.Del(MigrateOption)
	u.RawQuery = q.Encode()
	on, err := strconv.ParseBool(v[len(v)-1])
	if err != nil {
		return false, fmt.Errorf("%w: %s=%q is not a boolean", schedstore.ErrUnsupportedURL, MigrateOption, v[len(v)-1])
	}
	return on, nil
}

// Redact returns rawURL with its password replaced by "xxxxx". A string
// that does not parse, or parses as an opaque URL ("mysql:user:pw@host",
// where no user info is recognised), is not echoed at all.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return "<unparsable URL>"
	case u.Opaque != "":
		return u.Scheme + ":<not shown>"
	}
	return u.Redacted()
}

// Password returns the password in rawURL, or "".
func Password(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// Scrub returns err, or an error with the same chain whose message has
// every occurrence of rawURL's password replaced, for driver errors that
// quote their DSN.
func Scrub(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	p := Password(rawURL)
	if p == "" {
		return err
	}
	msg := err.Error()
	for _, s := range []string{p, url.QueryEscape(p), url.PathEscape(p)} {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbed{msg: msg, err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }
