package dburl

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestRedactNeverShowsThePassword(t *testing.T) {
	const pw = "s3cr3t"
	for _, raw := range []string{
		"mysql://u:" + pw + "@h:3306/db",
		"postgres://u:" + pw + "@h/db?sslmode=disable",
		"mysql:u:" + pw + "@h/db", // opaque: no user info recognised
		"u:" + pw + "@h/db",
		"%zz://u:" + pw + "@h",
	} {
		if got := Redact(raw); strings.Contains(got, pw) {
			t.Errorf("Redact(%q) = %q", raw, got)
		}
	}
}

func TestScrubKeepsTheChain(t *testing.T) {
	base := errors.New("dial u:p4ss@tcp(h)")
	err := Scrub(base, "mysql://u:p4ss@h/db")
	if strings.Contains(err.Error(), "p4ss") || !errors.Is(err, base) {
		t.Errorf("Scrub = %v (is base: %v)", err, errors.Is(err, base))
	}
}

func TestTakeMigrateOption(t *testing.T) {
	u, _ := url.Parse("postgres://h/db?a=1&schedstore_migrate=false")
	on, err := TakeMigrateOption(u)
	if err != nil || on || strings.Contains(u.RawQuery, MigrateOption) || u.Query().Get("a") != "1" {
		t.Errorf("on=%v err=%v query=%q", on, err, u.RawQuery)
	}
	u, _ = url.Parse("postgres://h/db")
	if on, err := TakeMigrateOption(u); err != nil || !on {
		t.Errorf("absent: on=%v err=%v", on, err)
	}
}
