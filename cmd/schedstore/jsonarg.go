package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/flowrra/schedstore"
)

// parseArgs reads --args. Numbers stay json.Number so that large integers
// are stored exactly.
func parseArgs(s string) ([]any, error) {
	if s == "" {
		return []any{}, nil
	}
	var v []any
	if err := decodeOne(s, &v); err != nil || v == nil {
		return nil, &schedstore.FieldError{Field: "Args",
			Reason: `--args must be a JSON array, such as '[1, "two"]'` + because(err)}
	}
	return v, nil
}

// parseKwargs reads --kwargs.
func parseKwargs(s string) (map[string]any, error) {
	if s == "" {
		return map[string]any{}, nil
	}
	var v map[string]any
	if err := decodeOne(s, &v); err != nil || v == nil {
		return nil, &schedstore.FieldError{Field: "Kwargs",
			Reason: `--kwargs must be a JSON object, such as '{"to": "ops"}'` + because(err)}
	}
	return v, nil
}

// decodeOne decodes exactly one JSON value from s.
func decodeOne(s string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("text after the JSON value")
	}
	return nil
}

func because(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}
