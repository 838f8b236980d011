package taskrow

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// Reading a row decodes its Args and Kwargs, on every Get and for every row
// of a list, so it is the hot path of reads. encoding/json's reflective
// decoder costs ~40 allocations a row; this single pass over the six JSON
// types returns exactly what json.Decoder with UseNumber returns (a fuzz
// test holds it to that), slicing plain strings straight from the input
// and handing strings with escapes or non-ASCII text to encoding/json.

var errStoredJSON = errors.New("stored JSON does not parse")

// maxJSONDepth bounds nesting, as encoding/json does, so a hostile row
// cannot exhaust the stack.
const maxJSONDepth = 10000

type jsonDecoder struct {
	s     string
	i     int
	depth int
}

// decodeStored decodes one JSON document, which must be all of s (but for
// white space).
func decodeStored(s string) (any, error) {
	d := jsonDecoder{s: s}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.s) {
		return nil, errStoredJSON
	}
	return v, nil
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

func (d *jsonDecoder) literal(lit string, v any) (any, error) {
	if !strings.HasPrefix(d.s[d.i:], lit) {
		return nil, errStoredJSON
	}
	d.i += len(lit)
	return v, nil
}

func (d *jsonDecoder) value() (any, error) {
	d.space()
	switch c := d.peek(); {
	case c == '[':
		return d.array()
	case c == '{':
		return d.object()
	case c == '"':
		return d.str()
	case c == 't':
		return d.literal("true", true)
	case c == 'f':
		return d.literal("false", false)
	case c == 'n':
		return d.literal("null", nil)
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, errStoredJSON
}

func (d *jsonDecoder) enter() error {
	d.depth++
	if d.depth > maxJSONDepth {
		return errStoredJSON
	}
	d.i++ // the opening bracket
	d.space()
	return nil
}

func (d *jsonDecoder) array() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	if d.peek() == ']' {
		d.i++
		return []any{}, nil
	}
	out := make([]any, 0, 4) // stored args are short lists: one allocation, not three
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
			return nil, errStoredJSON
		}
	}
}

func (d *jsonDecoder) object() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer func() { d.depth-- }()
	out := map[string]any{}
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
			return nil, errStoredJSON
		}
		d.i++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out[k] = v // a repeated key: the last wins, as in encoding/json
		d.space()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return out, nil
		default:
			return nil, errStoredJSON
		}
	}
}

// str reads a string: a slice of the input when it is plain ASCII without
// escapes, else encoding/json's reading of it.
func (d *jsonDecoder) str() (string, error) {
	if d.peek() != '"' {
		return "", errStoredJSON
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
			d.i++ // the escaped byte: \" does not end the string
		case c < 0x20:
			return "", errStoredJSON
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return "", errStoredJSON
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
		return "", errStoredJSON
	}
	if d.peek() == '.' {
		d.i++
		if digits() == 0 {
			return "", errStoredJSON
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if digits() == 0 {
			return "", errStoredJSON
		}
	}
	return json.Number(d.s[start:d.i]), nil
}
