package runner

import (
	"context"
	"encoding/json"
	"io"
	"sync"
)

// JSONLines returns a FireFunc that writes each fire to w as one line of
// JSON, the output of `schedstore run` without --exec.
func JSONLines(w io.Writer) FireFunc {
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return func(_ context.Context, f Fire) error {
		mu.Lock()
		defer mu.Unlock()
		return enc.Encode(f)
	}
}
