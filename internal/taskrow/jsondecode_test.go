package taskrow

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/flowrra/schedstore"
)

// reference is what the fast decoder must agree with: encoding/json with
// exact numbers, the whole input one document.
func reference(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if strings.Trim(s[dec.InputOffset():], " \t\r\n") != "" {
		return nil, errStoredJSON // trailing data
	}
	return v, nil
}

var jsonCorpus = []string{
	`[]`, `{}`, `null`, ` [ ] `, `[1,2,3]`, `{"a":1}`,
	`["report", 42, -0.5, 1e300, 12345678901234567890123, true, false, null]`,
	`{"a": {"b": [1, {"c": "d"}]}, "e": "\u00e9\n\"x\"", "f": "é<>&", "a2": []}`,
	`{"dup": 1, "dup": 2}`, "[\"\\ud83d\\ude00\", \"tab\\t\"]", `["\\", "a\"b", "\/"]`,
	`[-0, 0.5e-3, 1E+2, -12.25]`, `{"k":"v"} trailing`, `[1,]`, `[01]`, `{"a" 1}`,
	`["unterminated]`, `[1.]`, `[-]`, `{"a":1`, `"str"`, `7`, ``, `[` + "\x01" + `]`, `["a` + "\n" + `"]`,
}

func TestDecodeStoredAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonCorpus {
		checkAgrees(t, s)
	}
}

func FuzzDecodeStored(f *testing.F) {
	for _, s := range jsonCorpus {
		f.Add(s)
	}
	f.Fuzz(checkAgrees)
}

func checkAgrees(t *testing.T, s string) {
	want, werr := reference(s)
	got, gerr := decodeStored(s)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%q: fast error %v, encoding/json error %v", s, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: fast %#v, encoding/json %#v", s, got, want)
	}
}

func TestDecodeStoredDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	if _, err := decodeStored(deep); err == nil {
		t.Error("nesting beyond the limit decoded")
	}
	ok := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if _, err := decodeStored(ok); err != nil {
		t.Errorf("100 levels: %v", err)
	}
}

// TestCanonicalFastPathAgrees: plain values skip the decode/encode round
// trip; the result must be what the round trip gives.
func TestCanonicalFastPathAgrees(t *testing.T) {
	for _, v := range []any{
		[]any{},
		map[string]any{},
		[]any{"<tag>&", 1.5, int64(-3), uint8(7), json.Number("1e3"), json.Number("1.0"), nil, true, 1e21, float32(0.1)},
		map[string]any{"z": 1, "a": map[string]any{"y": []any{"é", "\u2028", "😀"}}, "": "empty key"},
		[]any{int64(-9223372036854775808), uint64(18446744073709551615), json.Number("9007199254740993")},
	} {
		if !plainJSON(v) {
			t.Fatalf("%#v is plain JSON", v)
		}
		fast, err := canonical("Args", v)
		if err != nil {
			t.Fatal(err)
		}
		slow := roundTrip(t, v)
		if fast != slow {
			t.Errorf("%#v: fast path %s, round trip %s", v, fast, slow)
		}
	}
	if plainJSON([]any{json.RawMessage(`{}`)}) || plainJSON(map[string]any{"s": struct{}{}}) {
		t.Error("values with their own marshalers must take the round trip")
	}
}

func roundTrip(t *testing.T, v any) string {
	t.Helper()
	first, err := marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := decode(first, &generic); err != nil {
		t.Fatal(err)
	}
	out, err := marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestDecodeArgsShapes(t *testing.T) {
	if a, err := DecodeArgs("null"); err != nil || a == nil || len(a) != 0 {
		t.Errorf("null args: %#v, %v", a, err)
	}
	if k, err := DecodeKwargs("null"); err != nil || k == nil || len(k) != 0 {
		t.Errorf("null kwargs: %#v, %v", k, err)
	}
	if _, err := DecodeArgs(`{"a":1}`); err == nil {
		t.Error("an object read as args")
	}
	if _, err := DecodeKwargs(`[1]`); err == nil {
		t.Error("an array read as kwargs")
	}
	d, err := NewDefinition("t", schedstore.ScheduleInterval, "60", []any{json.Number("9007199254740993")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	args, err := DecodeArgs(d.Args)
	if err != nil || !bytes.Equal([]byte(args[0].(json.Number)), []byte("9007199254740993")) {
		t.Errorf("exact integers: %#v, %v", args, err)
	}
}
