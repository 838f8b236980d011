package taskrow

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/flowrra/schedstore"
)

// Definition is what FindByDefinition compares: canonical Args and Kwargs
// and a fingerprint of the whole definition, which the schema indexes.
type Definition struct {
	Args        string
	Kwargs      string
	Fingerprint string // hex SHA-256, 64 characters
}

// NewDefinition canonicalizes args and kwargs (nil args are [], nil kwargs
// are {}; object keys sorted; no insignificant white space) and fingerprints
// the five fields. Two definitions are equal exactly when their fingerprints
// are, up to SHA-256 collisions, which is why queries compare the fields too.
func NewDefinition(taskName string, typ schedstore.ScheduleType, schedule string,
	args []any, kwargs map[string]any) (Definition, error) {
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	a, err := canonical("Args", args)
	if err != nil {
		return Definition{}, err
	}
	k, err := canonical("Kwargs", kwargs)
	if err != nil {
		return Definition{}, err
	}
	// A JSON array of the fields frames them unambiguously.
	framed, err := json.Marshal([]string{taskName, string(typ), schedule, a, k})
	if err != nil {
		return Definition{}, fmt.Errorf("schedstore: fingerprint: %w", err)
	}
	sum := sha256.Sum256(framed)
	return Definition{Args: a, Kwargs: k, Fingerprint: hex.EncodeToString(sum[:])}, nil
}

// canonical encodes v. A value of plain JSON types is canonical as
// encoding/json writes it (sorted keys, no white space). Any other
// (json.RawMessage, structs, custom marshalers) is decoded back with exact
// numbers and encoded again, which sorts the keys such values leave in any
// order and drops their white space.
func canonical(field string, v any) (string, error) {
	if err := checkStrings(field, v); err != nil {
		return "", err
	}
	first, err := marshal(v)
	if err != nil {
		return "", &schedstore.FieldError{Field: field, Reason: "does not encode to JSON: " + err.Error()}
	}
	if plainJSON(v) {
		return sized(field, first)
	}
	// json.RawMessage and custom marshalers bypass checkStrings; decoding
	// would quietly turn their bad text into U+FFFD.
	if !utf8.Valid(first) || hasLoneSurrogate(first) {
		return "", &schedstore.FieldError{Field: field, Reason: "contains a string that is not valid UTF-8"}
	}
	var generic any
	if err := decode(first, &generic); err != nil {
		return "", &schedstore.FieldError{Field: field, Reason: "does not encode to JSON: " + err.Error()}
	}
	if err := checkStrings(field, generic); err != nil {
		return "", err
	}
	out, err := marshal(generic)
	if err != nil {
		return "", &schedstore.FieldError{Field: field, Reason: "does not encode to JSON: " + err.Error()}
	}
	return sized(field, out)
}

func sized(field string, js []byte) (string, error) {
	if len(js) > schedstore.MaxJSONBytes {
		return "", &schedstore.FieldError{Field: field,
			Reason: fmt.Sprintf("is %d bytes of JSON, more than %d", len(js), schedstore.MaxJSONBytes)}
	}
	return string(js), nil
}

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

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // stored text stays readable: "<" not "\u003c"
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// checkStrings rejects what encoding/json would silently change (invalid
// UTF-8 becomes U+FFFD) or PostgreSQL's jsonb refuses (\u0000), in strings
// and object keys of the plain JSON types.
func checkStrings(field string, v any) error {
	bad := func(s string) error {
		if !utf8.ValidString(s) {
			return &schedstore.FieldError{Field: field, Reason: "contains a string that is not valid UTF-8"}
		}
		if strings.IndexByte(s, 0) >= 0 {
			return &schedstore.FieldError{Field: field, Reason: "contains a string with a NUL character"}
		}
		return nil
	}
	switch x := v.(type) {
	case string:
		return bad(x)
	case []any:
		for _, e := range x {
			if err := checkStrings(field, e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := bad(k); err != nil {
				return err
			}
			if err := checkStrings(field, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// DecodeArgs reads a stored JSON array (null reads as []); numbers become
// json.Number.
func DecodeArgs(s string) ([]any, error) {
	switch v, err := decodeStored(s); x := v.(type) {
	case nil:
		if err != nil {
			return nil, err
		}
		return []any{}, nil
	case []any:
		return x, nil
	}
	return nil, errors.New("stored args are not a JSON array")
}

// DecodeKwargs reads a stored JSON object (null reads as {}); numbers
// become json.Number.
func DecodeKwargs(s string) (map[string]any, error) {
	switch v, err := decodeStored(s); x := v.(type) {
	case nil:
		if err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case map[string]any:
		return x, nil
	}
	return nil, errors.New("stored kwargs are not a JSON object")
}

// hasLoneSurrogate reports a \uD800-\uDFFF escape that is not half of a
// valid pair: JSON text may spell one, but it is not a character.
func hasLoneSurrogate(js []byte) bool {
	for i := 0; i < len(js); i++ {
		if js[i] != '\\' {
			continue
		}
		if i+1 < len(js) && js[i+1] != 'u' {
			i++ // an escaped character, e.g. \\ or \"
			continue
		}
		r, ok := hexRune(js, i)
		if !ok {
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := hexRune(js, i+6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// hexRune reads the \uXXXX escape at js[i:].
func hexRune(js []byte, i int) (rune, bool) {
	if i+6 > len(js) || js[i] != '\\' || js[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range js[i+2 : i+6] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
