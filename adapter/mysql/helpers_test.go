package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"sync/atomic"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/conformance"
	"github.com/flowrra/schedstore/internal/testdb"
)

func openStore(t testing.TB, rawURL string) *mysql.Store {
	t.Helper()
	b, err := mysql.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// dialers numbers the counting networks: the driver's registry is global,
// and parallel tests each need their own counter.
var dialers atomic.Int64

// newCountedStore is a fresh store built with New over a pool whose
// connections count their writes. The driver writes each request packet
// with one Write and then waits for the reply, so writes are round trips.
func newCountedStore(t *testing.T) (schedstore.Store, func() int64) {
	t.Helper()
	cfg, _, err := mysql.ParseURL(testdb.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := mysql.Migrate(t.Context(), cfg); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	var counter conformance.RoundTripCounter
	cfg.Net = fmt.Sprintf("schedstore-counting-%d", dialers.Add(1))
	gomysql.RegisterDialContext(cfg.Net, func(ctx context.Context, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return counter.Wrap(c), nil
	})
	t.Cleanup(func() { gomysql.DeregisterDialContext(cfg.Net) })
	db := openDB(t, cfg)
	b := mysql.New(db)
	t.Cleanup(func() { b.Close() })
	return b, counter.Count
}

// openDB opens a pool from cfg, closed at cleanup, and connects once so
// the handshake is not counted against the first call.
func openDB(t testing.TB, cfg *gomysql.Config) *sql.DB {
	t.Helper()
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(t.Context()); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return db
}
