package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/internal/testdb"
)

func TestParseURL(t *testing.T) {
	cfg, _, err := postgres.ParseURL("postgresql://u:p@db.example:6543/app?sslmode=disable&search_path=s1&pool_max_conns=7&schedstore_migrate=false")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConnConfig.Host != "db.example" || cfg.ConnConfig.Port != 6543 || cfg.ConnConfig.Database != "app" {
		t.Errorf("host/port/db = %s/%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	}
	if cfg.MaxConns != 7 {
		t.Errorf("pool_max_conns did not pass through: %d", cfg.MaxConns)
	}
	if got := cfg.ConnConfig.RuntimeParams["search_path"]; got != "s1" {
		t.Errorf("search_path = %q", got)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["schedstore_migrate"]; ok {
		t.Error("schedstore_migrate reached the server as a runtime parameter")
	}
}

func TestBadURLs(t *testing.T) {
	for _, u := range []string{"mysql://x/y", "postgres://h/db?schedstore_migrate=perhaps", "::"} {
		if _, _, err := postgres.ParseURL(u); !errors.Is(err, schedstore.ErrUnsupportedURL) {
			t.Errorf("%q: err = %v, want ErrUnsupportedURL", u, err)
		}
	}
}

func TestPasswordNeverInErrors(t *testing.T) {
	const secret = "s3cr3t!pw"
	// Port 1 refuses connections: the error path quotes the address.
	_, err := postgres.Open(context.Background(), "postgres://alice:"+secret+"@127.0.0.1:1/db?connect_timeout=2")
	if err == nil {
		t.Fatal("want a connection error")
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "s3cr3t%21pw") {
		t.Errorf("error leaks the password: %v", err)
	}
	_, _, err = postgres.ParseURL("postgres://alice:" + secret + "@h:notaport/db")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("parse error leaks the password or is nil: %v", err)
	}
}

func TestMigrateOptionOff(t *testing.T) {
	ctx := context.Background()
	u := testdb.Postgres(t)
	b, err := postgres.Open(ctx, u+"&schedstore_migrate=false")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	if err := b.DB().QueryRow(ctx,
		"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schedstore_migrate=false still created %d tables", n)
	}
}
