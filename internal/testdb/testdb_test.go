package testdb

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

var validName = regexp.MustCompile(`^[a-z][a-z0-9_]*_[0-9a-f]{8}$`)

func TestUniqueName(t *testing.T) {
	long := "Test" + strings.Repeat("VeryLongSubtestName/", 10)
	for _, in := range []string{
		"TestPostgres",
		"TestConformance/ListDue/empty_table#01",
		"Test Ünïcode/ schema\"; DROP TABLE x;--",
		"123/__/",
		"",
		long,
	} {
		a, b := uniqueName(in), uniqueName(in)
		if !validName.MatchString(a) || len(a) > maxNameLen {
			t.Errorf("uniqueName(%q) = %q (%d bytes): want %s, at most %d bytes", in, a, len(a), validName, maxNameLen)
		}
		if strings.Contains(a, "__") {
			t.Errorf("uniqueName(%q) = %q: doubled underscore", in, a)
		}
		if a == b {
			t.Errorf("uniqueName(%q) twice gave %q", in, a)
		}
	}
	if got := uniqueName("TestConformance/ListDue/empty_table#01"); !strings.HasPrefix(got, "testconformance_listdue_empty_table_01_") {
		t.Errorf("uniqueName kept too little of the test name: %q", got)
	}
}

func TestMySQLConfig(t *testing.T) {
	cfg, err := mysqlConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "root" || cfg.Passwd != "" || cfg.Net != "tcp" || cfg.Addr != "127.0.0.1:3306" ||
		cfg.DBName != "test" || !cfg.ParseTime || cfg.Loc != time.UTC {
		t.Errorf("plain URL: got %+v", cfg)
	}

	cfg, err = mysqlConfig("mysql://app:p%40ss%2Fw%3Ard@db.example:3307/sched?interpolateParams=true&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "app" || cfg.Passwd != "p@ss/w:rd" || cfg.Addr != "db.example:3307" || cfg.DBName != "sched" ||
		!cfg.InterpolateParams || cfg.Timeout != 5*time.Second || !cfg.ParseTime {
		t.Errorf("URL with password and params: got %+v", cfg)
	}

	cfg, err = mysqlConfig("mysql://root@localhost/test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "localhost:3306" {
		t.Errorf("default port: Addr = %q", cfg.Addr)
	}

	for _, bad := range []string{
		"postgres://root:sekrit@127.0.0.1/test",           // wrong scheme
		"mysql://root:sekrit@127.0.0.1:3306/test?%zz=1",   // bad escape in the query
		"mysql://root:sekrit@127.0.0.1:3306/test?tls=xyz", // driver rejects the value
		"mysql://root:sekrit@[::1/test",                   // not a URL
	} {
		_, err := mysqlConfig(bad)
		if err == nil {
			t.Errorf("mysqlConfig(%q): no error", bad)
			continue
		}
		if strings.Contains(err.Error(), "sekrit") {
			t.Errorf("mysqlConfig(%q): error shows the password: %v", bad, err)
		}
	}
}

func TestScrub(t *testing.T) {
	u, _ := url.Parse("postgres://u:hunter2@h/db")
	err := scrub(errors.New("auth failed for hunter2"), u)
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("scrub left the password: %v", err)
	}
}

// fakeTB records Skip and Fatal instead of ending the real test.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

type stop struct{}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skip(...any)           { f.skipped = true; panic(stop{}) }
func (f *fakeTB) Skipf(string, ...any)  { f.skipped = true; panic(stop{}) }
func (f *fakeTB) Fatal(...any)          { f.failed = true; panic(stop{}) }
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic(stop{}) }
func (f *fakeTB) Errorf(string, ...any) { f.failed = true }
func (f *fakeTB) Cleanup(func())        {}

func call(f *fakeTB, fn func(testing.TB) string) (got string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stop); !ok {
				panic(r)
			}
		}
	}()
	return fn(f)
}

func TestUnsetURL(t *testing.T) {
	t.Setenv(EnvPostgresURL, "")
	t.Setenv(EnvMySQLURL, "")
	for _, fn := range []func(testing.TB) string{PostgresURL, MySQLURL, Postgres, MySQL} {
		t.Setenv(EnvRequireAll, "")
		f := &fakeTB{TB: t}
		call(f, fn)
		if !f.skipped || f.failed {
			t.Errorf("unset URL: skipped=%v failed=%v, want a skip", f.skipped, f.failed)
		}
		t.Setenv(EnvRequireAll, "1")
		f = &fakeTB{TB: t}
		call(f, fn)
		if f.skipped || !f.failed {
			t.Errorf("unset URL with %s=1: skipped=%v failed=%v, want a failure", EnvRequireAll, f.skipped, f.failed)
		}
	}
}

func TestSQLite(t *testing.T) {
	u := SQLite(t)
	path, ok := strings.CutPrefix(u, "sqlite://")
	if !ok || !filepath.IsAbs(path) {
		t.Fatalf("SQLite = %q: want sqlite:///absolute/path", u)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		t.Fatalf("SQLite = %q: directory missing: %v", u, err)
	}
	if u2 := SQLite(t); u2 == u {
		t.Errorf("SQLite twice gave %q", u)
	}
}

func TestPostgres(t *testing.T) {
	ctx := context.Background()
	var schema string
	t.Run("isolated", func(t *testing.T) {
		u := Postgres(t)
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		schema = parsed.Query().Get("search_path")
		if !validName.MatchString(schema) || !strings.HasPrefix(schema, "testpostgres_isolated_") {
			t.Fatalf("search_path = %q", schema)
		}
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)

		var current string
		var tables int
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&current); err != nil {
			t.Fatal(err)
		}
		if current != schema {
			t.Fatalf("current_schema() = %q, want %q", current, schema)
		}
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Fatalf("new schema has %d tables", tables)
		}
		// An unqualified table lands in the test's schema, not in public.
		if _, err := conn.Exec(ctx, "CREATE TABLE scheduled_tasks (id text PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		var where string
		if err := conn.QueryRow(ctx, "SELECT schemaname FROM pg_tables WHERE tablename = 'scheduled_tasks' AND schemaname = $1", schema).Scan(&where); err != nil {
			t.Fatalf("table not in %s: %v", schema, err)
		}

		// A second schema does not see the first one's table.
		other, err := pgx.Connect(ctx, Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close(ctx)
		var n int
		if err := other.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("second schema sees %d tables", n)
		}
	})
	if schema == "" {
		return
	}
	// The subtest's cleanup dropped its schema.
	conn, err := pgx.Connect(ctx, PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("schema %s still exists after the test", schema)
	}
}

func openMySQL(t *testing.T, rawURL string) *sql.DB {
	t.Helper()
	cfg, err := mysqlConfig(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMySQL(t *testing.T) {
	var name string
	t.Run("isolated", func(t *testing.T) {
		u := MySQL(t)
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(parsed.Path, "/")
		if !validName.MatchString(name) || !strings.HasPrefix(name, "testmysql_isolated_") {
			t.Fatalf("database = %q", name)
		}
		db := openMySQL(t, u)
		var current string
		if err := db.QueryRow("SELECT DATABASE()").Scan(&current); err != nil {
			t.Fatal(err)
		}
		if current != name {
			t.Fatalf("DATABASE() = %q, want %q", current, name)
		}
		var tables int
		if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Fatalf("new database has %d tables", tables)
		}
		if _, err := db.Exec("CREATE TABLE scheduled_tasks (id VARBINARY(255) PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		var now time.Time // parseTime=true, loc=UTC
		if err := db.QueryRow("SELECT UTC_TIMESTAMP(6)").Scan(&now); err != nil {
			t.Fatal(err)
		}
		if now.Location() != time.UTC {
			t.Errorf("time scanned in %v, want UTC", now.Location())
		}

		other := openMySQL(t, MySQL(t))
		if err := other.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Fatalf("second database sees %d tables", tables)
		}
	})
	if name == "" {
		return
	}
	db := openMySQL(t, MySQLURL(t))
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after the test", name)
	}
}
