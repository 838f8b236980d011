package sqlcquery

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTextFindsEveryDialect(t *testing.T) {
	for _, d := range []string{"postgres", "mysql", "sqlite"} {
		s, err := Text(d, "ListDueTasks")
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !strings.Contains(s, "FROM scheduled_tasks") {
			t.Errorf("%s: unexpected text %q", d, s)
		}
	}
	if _, err := Text("postgres", "NoSuchQuery"); err == nil {
		t.Error("want an error for an unknown query")
	}
}

// TestQueryNames holds the rule the query files' headers state: tasks.sql
// and requests.sql have the same -- name: set in every dialect, claims.sql
// may differ; it logs the names each dialect has of its own.
func TestQueryNames(t *testing.T) {
	names := func(dialect, file string) map[string]bool {
		b, err := os.ReadFile(filepath.Join("..", "..", "queries", dialect, file))
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "-- name: "); ok {
				out[strings.Fields(rest)[0]] = true
			}
		}
		return out
	}
	dialects := []string{"postgres", "mysql", "sqlite"}
	for _, file := range []string{"tasks.sql", "requests.sql", "claims.sql"} {
		sets := map[string]map[string]bool{}
		for _, d := range dialects {
			sets[d] = names(d, file)
		}
		for _, d := range dialects[1:] {
			var only []string
			for n := range sets[d] {
				if !sets["postgres"][n] {
					only = append(only, n)
				}
			}
			for n := range sets["postgres"] {
				if !sets[d][n] {
					only = append(only, "-"+n)
				}
			}
			slices.Sort(only)
			if file != "claims.sql" && len(only) > 0 {
				t.Errorf("%s: %s differs from postgres: %v", file, d, only)
			}
			if file == "claims.sql" {
				t.Logf("%s: %s against postgres (+ its own, - missing): %v", file, d, only)
			}
		}
	}
}

// TestNoMacroLeftInGeneratedSQL: sqlc leaves a sqlc.arg it could not
// rewrite (inside some function calls on MySQL) in the query text, which
// only the database rejects, at run time.
func TestNoMacroLeftInGeneratedSQL(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "db", "*", "*.sql.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, m := range []string{"sqlc.arg(", "sqlc.narg(", "sqlc.slice(", "sqlc.embed("} {
				if strings.Contains(line, m) {
					t.Errorf("%s:%d: %s left in the SQL: %s", f, i+1, m, strings.TrimSpace(line))
				}
			}
		}
	}
}
