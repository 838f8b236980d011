package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
)

// JSONLines returns a FireFunc that writes each fire to w as one line of
// JSON, the output of `schedstore run` without --exec.
func JSONLines(w io.Writer) FireFunc {
	var mu sync.Mutex
	return func(_ context.Context, f Fire) error {
		line, err := f.jsonLine()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		_, err = w.Write(line) // one write per line, so lines never interleave
		return err
	}
}

// jsonLine is the fire as one line of JSON. HTML escaping is off: the
// consumers are programs, and "<" in an argument should stay "<".
func (f Fire) jsonLine() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
