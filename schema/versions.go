package schema

import (
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4/source"
)

// Versions lists the migration versions embedded for a dialect, in order,
// as golang-migrate parses them. A file whose name does not parse is skipped
// by golang-migrate without a word, so tests compare this with the files.
func Versions(dialect string) ([]uint, error) {
	fsys, err := FS(dialect)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	seen := map[uint]bool{}
	var out []uint
	for _, e := range entries {
		m, err := source.DefaultParse(e.Name())
		if err != nil {
			continue
		}
		if m.Direction == source.Up && !seen[m.Version] {
			seen[m.Version] = true
			out = append(out, m.Version)
		}
	}
	return out, nil
}

// Latest is the newest migration version; every dialect has the same ones.
func Latest() (uint, error) {
	v, err := Versions(Postgres)
	if err != nil || len(v) == 0 {
		return 0, fmt.Errorf("schema: no embedded migrations: %v", err)
	}
	return v[len(v)-1], nil
}
