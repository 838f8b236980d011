package mysql_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/schema"
)

func wantStatus(t *testing.T, m *schema.Migrator, when string, want schema.Status) {
	t.Helper()
	got, err := m.Status()
	if err != nil {
		t.Fatalf("%s: Status: %v", when, err)
	}
	if got != want {
		t.Errorf("%s: Status = %+v, want %+v", when, got, want)
	}
}

// golang-migrate's mysql driver closes the *sql.DB it was given, so a
// closed Migrator leaves no connection behind on the server.
func TestMigratorCloseLeavesNoConnection(t *testing.T) {
	cfg, _, err := mysql.ParseURL(testdb.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, cfg)
	db.SetMaxOpenConns(1) // the only connection of this pool is the one asking
	m, err := mysql.NewMigrator(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Status(); err != nil {
		t.Fatal(err)
	}
	if n := otherConnections(t, db); n == 0 {
		t.Fatal("test bug: the open Migrator's connection is not visible")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// The server drops a session shortly after the client hangs up.
	deadline := time.Now().Add(5 * time.Second)
	for n := otherConnections(t, db); n != 0; n = otherConnections(t, db) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections remain after Migrator.Close", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tableNames lists the tables of db's database.
func tableNames(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(),
		"SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// otherConnections counts the server sessions on db's database but db's own.
func otherConnections(t testing.TB, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM information_schema.processlist "+
		"WHERE db = DATABASE() AND id <> CONNECTION_ID()").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
