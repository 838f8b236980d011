package taskrow

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/flowrra/schedstore"
)

func TestCanonicalRejectsHiddenBadText(t *testing.T) {
	for _, raw := range []string{"\"bad\xff\"", `"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `{"k\ud800":1}`} {
		_, err := NewDefinition("t", schedstore.ScheduleInterval, "60", []any{json.RawMessage(raw)}, nil)
		if !errors.Is(err, schedstore.ErrInvalidTask) {
			t.Errorf("%q: err = %v, want ErrInvalidTask", raw, err)
		}
	}
}

func TestCanonicalKeepsValidEscapes(t *testing.T) {
	for raw, want := range map[string]string{
		`"\ud83d\ude00"`:   `["😀"]`,
		`"\\ud800"`:        `["\\ud800"]`, // an escaped backslash, then plain text
		`{ "b":1, "a":2 }`: `[{"a":2,"b":1}]`,
		`"<&>"`:            `["<&>"]`,
	} {
		d, err := NewDefinition("t", schedstore.ScheduleInterval, "60", []any{json.RawMessage(raw)}, nil)
		if err != nil {
			t.Errorf("%q: %v", raw, err)
			continue
		}
		if d.Args != want {
			t.Errorf("%q: canonical %s, want %s", raw, d.Args, want)
		}
	}
}

func TestFingerprintIgnoresKeyOrderAndNil(t *testing.T) {
	a, err := NewDefinition("t", schedstore.ScheduleCron, "* * * * *", nil, map[string]any{"x": 1, "y": []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewDefinition("t", schedstore.ScheduleCron, "* * * * *", []any{}, map[string]any{"y": []any{1, 2}, "x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("definitions differ: %+v vs %+v", a, b)
	}
	c, _ := NewDefinition("t2", schedstore.ScheduleCron, "* * * * *", nil, nil)
	if c.Fingerprint == a.Fingerprint {
		t.Error("different task names share a fingerprint")
	}
}
