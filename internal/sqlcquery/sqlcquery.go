// Package sqlcquery finds the SQL text of a generated query by its
// "-- name:", so tests (EXPLAIN plans) run exactly what the adapters run
// instead of a copy that could drift. It reads db/<dialect>/*.go from the
// source tree, so it is for tests only.
package sqlcquery

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Text returns the SQL of query name (e.g. "ListDueTasks") generated for
// dialect ("postgres", "mysql", "sqlite").
func Text(dialect, name string) (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("sqlcquery: cannot locate the source tree")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..", "db", dialect)
	files, err := filepath.Glob(filepath.Join(dir, "*.sql.go"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("sqlcquery: no generated files in %s", dir)
	}
	prefix := "-- name: " + name + " "
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			return "", err
		}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					s, err := strconv.Unquote(lit.Value)
					if err == nil && strings.HasPrefix(s, prefix) {
						return s, nil
					}
				}
			}
		}
	}
	return "", fmt.Errorf("sqlcquery: no query %q for %s", name, dialect)
}
