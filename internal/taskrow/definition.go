package taskrow

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// canonical encodes v, decodes it back with exact numbers and encodes it
// again: the second pass sorts keys that custom marshalers or
// json.RawMessage left in any order, and drops their white space.
func canonical(field string, v any) (string, error) {
	if err := checkStrings(field, v); err != nil {
		return "", err
	}
	first, err := marshal(v)
	if err != nil {
		return "", &schedstore.FieldError{Field: field, Reason: "does not encode to JSON: " + err.Error()}
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
	if len(out) > schedstore.MaxJSONBytes {
		return "", &schedstore.FieldError{Field: field,
			Reason: fmt.Sprintf("is %d bytes of JSON, more than %d", len(out), schedstore.MaxJSONBytes)}
	}
	return string(out), nil
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

// DecodeArgs reads a stored JSON array; numbers become json.Number.
func DecodeArgs(s string) ([]any, error) {
	args := []any{}
	if err := decode([]byte(s), &args); err != nil {
		return nil, err
	}
	if args == nil { // stored JSON null
		args = []any{}
	}
	return args, nil
}

// DecodeKwargs reads a stored JSON object; numbers become json.Number.
func DecodeKwargs(s string) (map[string]any, error) {
	kwargs := map[string]any{}
	if err := decode([]byte(s), &kwargs); err != nil {
		return nil, err
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	return kwargs, nil
}
