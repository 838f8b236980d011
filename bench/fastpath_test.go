package bench

// Prototypes of the two fixes the benchmarks point at, kept here (test code,
// not used by the library) to show what they would save and that they
// return exactly what internal/taskrow returns today. See BenchmarkGoSide's
// op=RowTaskFast and op=NewDefinitionFast, and TestFastPathsAgree.
//
//  1. Reads: taskrow.DecodeArgs and DecodeKwargs run encoding/json's
//     reflection decoder (json.NewDecoder + UseNumber) twice per row. A
//     single-pass decoder for the six JSON types, with json.Number for
//     numbers and encoding/json only for strings with escapes, does the
//     same work in a fraction of the time.
//  2. Writes and FindByDefinition: taskrow.canonical encodes Args and
//     Kwargs, decodes them and encodes them again, so that values with
//     custom marshalers (json.RawMessage, structs) come out canonical. For
//     plain JSON values ([]any, map[string]any, string, bool, nil, numbers,
//     json.Number) the first encoding already is canonical (encoding/json
//     sorts map keys and writes no white space), so the round trip can be
//     skipped.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// ---- 1. single-pass decoding of stored JSON ----

var errFastJSON = errors.New("invalid JSON")

// fastDecodeArgs is taskrow.DecodeArgs in one pass.
func fastDecodeArgs(s string) ([]any, error) {
	d := jsonDecoder{s: s}
	d.space()
	if d.peek() == 'n' {
		if err := d.literal("null"); err != nil {
			return nil, err
		}
		return []any{}, nil
	}
	if d.peek() != '[' {
		return nil, errFastJSON
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	return v.([]any), nil
}

// fastDecodeKwargs is taskrow.DecodeKwargs in one pass.
func fastDecodeKwargs(s string) (map[string]any, error) {
	d := jsonDecoder{s: s}
	d.space()
	if d.peek() == 'n' {
		if err := d.literal("null"); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	if d.peek() != '{' {
		return nil, errFastJSON
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

type jsonDecoder struct {
	s string
	i int
}

func (d *jsonDecoder) peek() byte {
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) literal(lit string) error {
	if !strings.HasPrefix(d.s[d.i:], lit) {
		return errFastJSON
	}
	d.i += len(lit)
	return nil
}

func (d *jsonDecoder) value() (any, error) {
	d.space()
	switch c := d.peek(); {
	case c == '[':
		d.i++
		out := []any{}
		d.space()
		if d.peek() == ']' {
			d.i++
			return out, nil
		}
		for {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			d.space()
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				return out, nil
			default:
				return nil, errFastJSON
			}
		}
	case c == '{':
		d.i++
		out := map[string]any{}
		d.space()
		if d.peek() == '}' {
			d.i++
			return out, nil
		}
		for {
			d.space()
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.space()
			if d.peek() != ':' {
				return nil, errFastJSON
			}
			d.i++
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out[k] = v
			d.space()
			switch d.peek() {
			case ',':
				d.i++
			case '}':
				d.i++
				return out, nil
			default:
				return nil, errFastJSON
			}
		}
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, errFastJSON
}

// str reads a string. One without escapes or non-ASCII bytes is a slice of
// the input; any other goes through encoding/json, for identical results.
func (d *jsonDecoder) str() (string, error) {
	if d.peek() != '"' {
		return "", errFastJSON
	}
	start, plain := d.i, true
	for d.i++; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; {
		case c == '"':
			d.i++
			if plain {
				return d.s[start+1 : d.i-1], nil
			}
			var s string
			err := json.Unmarshal([]byte(d.s[start:d.i]), &s)
			return s, err
		case c == '\\':
			plain = false
			d.i++ // skip the escaped byte (\" must not end the string)
		case c < 0x20:
			return "", errFastJSON
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return "", errFastJSON
}

// number reads a number with JSON's grammar, as json.Number.
func (d *jsonDecoder) number() (json.Number, error) {
	start := d.i
	if d.peek() == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.peek() == '0' {
		d.i++
	} else if digits() == 0 {
		return "", errFastJSON
	}
	if d.peek() == '.' {
		d.i++
		if digits() == 0 {
			return "", errFastJSON
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if digits() == 0 {
			return "", errFastJSON
		}
	}
	return json.Number(d.s[start:d.i]), nil
}

// fastRowTask is taskrow.Row.Task with the single-pass decoder.
func fastRowTask(r taskrow.Row) (*schedstore.Task, error) {
	args, err := fastDecodeArgs(r.Args)
	if err != nil {
		return nil, fmt.Errorf("schedstore: task %q: stored args: %w", r.ID, err)
	}
	kwargs, err := fastDecodeKwargs(r.Kwargs)
	if err != nil {
		return nil, fmt.Errorf("schedstore: task %q: stored kwargs: %w", r.ID, err)
	}
	return &schedstore.Task{
		ID:           r.ID,
		TaskName:     r.TaskName,
		ScheduleType: schedstore.ScheduleType(r.ScheduleType),
		Schedule:     r.Schedule,
		Args:         args,
		Kwargs:       kwargs,
		Enabled:      r.Enabled,
		LastRunAt:    taskrow.TimePtr(r.LastRunAt),
		NextRunAt:    taskrow.TimePtr(r.NextRunAt),
		CreatedAt:    taskrow.Time(r.CreatedAt),
		UpdatedAt:    taskrow.Time(r.UpdatedAt),
		Description:  r.Description,
		MaxRetries:   int(r.MaxRetries),
		RetryDelay:   time.Duration(r.RetryDelayUS) * time.Microsecond,
		Priority:     int(r.Priority),
		Version:      r.Version,
	}, nil
}

// ---- 2. canonical JSON without the decode/re-encode round trip ----

// plainJSON reports whether v holds only types whose encoding/json output
// is already canonical.
func plainJSON(v any) bool {
	switch x := v.(type) {
	case nil, bool, string, json.Number, float64, float32,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	case []any:
		for _, e := range x {
			if !plainJSON(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !plainJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}

func marshalNoEscape(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// fastNewDefinition is taskrow.NewDefinition with one encoding pass for
// plain values (it falls back to taskrow for any other). The checks taskrow
// makes on strings (UTF-8, NUL) and size are left out of this prototype.
func fastNewDefinition(taskName string, typ schedstore.ScheduleType, schedule string,
	args []any, kwargs map[string]any) (taskrow.Definition, error) {
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	if !plainJSON(args) || !plainJSON(kwargs) {
		return taskrow.NewDefinition(taskName, typ, schedule, args, kwargs)
	}
	a, err := marshalNoEscape(args)
	if err != nil {
		return taskrow.Definition{}, err
	}
	k, err := marshalNoEscape(kwargs)
	if err != nil {
		return taskrow.Definition{}, err
	}
	framed, err := json.Marshal([]string{taskName, string(typ), schedule, a, k})
	if err != nil {
		return taskrow.Definition{}, err
	}
	sum := sha256.Sum256(framed)
	return taskrow.Definition{Args: a, Kwargs: k, Fingerprint: hex.EncodeToString(sum[:])}, nil
}

// ---- checks ----

func TestFastPathsAgree(t *testing.T) {
	docs := []string{
		`[]`, `{}`, `null`, ` [ ] `, seedArgs, seedKwargs,
		`["report", 42, -0.5, 1e300, 12345678901234567890123, true, false, null]`,
		`{"a": {"b": [1, {"c": "d"}]}, "e": "\u00e9\n\"x\"", "f": "é<>&", "a2": []}`,
		`{"dup": 1, "dup": 2}`, "[\"\\ud83d\\ude00\", \"tab\\t\"]", `{"k":"v"} trailing`,
		`[1,]`, `[01]`, `{"a" 1}`, `["unterminated]`, `[1.]`, `[-]`, `{"a":1`, `"str"`, `7`,
	}
	for _, doc := range docs {
		if strings.HasPrefix(strings.TrimSpace(doc), "[") || strings.TrimSpace(doc) == "null" || doc[0] == '"' || doc[0] == '7' {
			want, werr := taskrow.DecodeArgs(doc)
			got, gerr := fastDecodeArgs(doc)
			if (werr != nil) != (gerr != nil) || werr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("args %s: fast %#v, %v; taskrow %#v, %v", doc, got, gerr, want, werr)
			}
		}
		if strings.HasPrefix(strings.TrimSpace(doc), "{") || strings.TrimSpace(doc) == "null" {
			want, werr := taskrow.DecodeKwargs(doc)
			got, gerr := fastDecodeKwargs(doc)
			if (werr != nil) != (gerr != nil) || werr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("kwargs %s: fast %#v, %v; taskrow %#v, %v", doc, got, gerr, want, werr)
			}
		}
	}

	defs := []struct {
		args   []any
		kwargs map[string]any
	}{
		{nil, nil},
		{seedArgsValue(), seedKwargsValue()},
		{[]any{"<tag>&", 1.5, int64(-3), uint8(7), json.Number("1e3"), nil, true, []any{}, map[string]any{}},
			map[string]any{"z": 1, "a": map[string]any{"y": []any{"é", "\u2028"}}, "": "empty key"}},
		{[]any{json.RawMessage(`{"b":1,  "a":2}`)}, map[string]any{"s": struct{ X int }{1}}}, // falls back
	}
	for _, d := range defs {
		want, werr := taskrow.NewDefinition("name <&>", schedstore.ScheduleCron, seedSchedule, d.args, d.kwargs)
		got, gerr := fastNewDefinition("name <&>", schedstore.ScheduleCron, seedSchedule, d.args, d.kwargs)
		if werr != nil || gerr != nil || got != want {
			t.Errorf("definition of %#v %#v:\nfast    %+v, %v\ntaskrow %+v, %v", d.args, d.kwargs, got, gerr, want, werr)
		}
	}
}
