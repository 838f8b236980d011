package sqlcquery

import (
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
