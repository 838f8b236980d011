package conformance

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/flowrra/schedstore"
)

func testPayload(t *testing.T, s *suite) {
	s.leaf(t, "args_512KiB", func(t *testing.T, b schedstore.Store) {
		const size = 512 << 10
		chunk := strings.Repeat("0123456789abcdef", 63) + "ünï©ødé-😀" // not only ASCII
		var args []any
		n := 0
		for i := 0; n < size; i++ {
			args = append(args, map[string]any{"i": i, "s": chunk})
			n += len(chunk) // JSON adds more, so this errs long
		}
		if raw, err := json.Marshal(args); err != nil || len(raw) < size {
			t.Fatalf("test bug: args encode to %d bytes (%v), want at least %d", len(raw), err, size)
		}
		in := taskWith("big", func(t *schedstore.Task) { t.Args = args })
		want := mustCreate(t, b, in)
		diff(t, "Get of 512 KiB of args", want, mustGet(t, b, "big"))
		diff(t, "FindByDefinition of 512 KiB of args", want, mustFind(t, b, in))
	})

	// Integers beyond 2^53 lose digits through float64; the contract reads
	// numbers back as json.Number with the exact text.
	s.leaf(t, "exact_integers", func(t *testing.T, b schedstore.Store) {
		in := taskWith("ints", func(t *schedstore.Task) {
			t.Args = []any{
				json.Number("9007199254740993"), // 2^53+1
				json.Number("-9223372036854775808"),
				json.Number("18446744073709551615"),
				uint64(math.MaxUint64),
				int64(math.MinInt64),
				9007199254740993,
				0, -1, 1.5,
			}
			t.Kwargs = map[string]any{
				"big":    json.Number("9007199254740993"),
				"nested": map[string]any{"max": uint64(math.MaxUint64), "list": []any{json.Number("-9223372036854775808")}},
			}
		})
		created := mustCreate(t, b, in)
		want := *created
		want.Args = []any{
			json.Number("9007199254740993"),
			json.Number("-9223372036854775808"),
			json.Number("18446744073709551615"),
			json.Number("18446744073709551615"),
			json.Number("-9223372036854775808"),
			json.Number("9007199254740993"),
			json.Number("0"), json.Number("-1"), json.Number("1.5"),
		}
		want.Kwargs = map[string]any{
			"big": json.Number("9007199254740993"),
			"nested": map[string]any{
				"max":  json.Number("18446744073709551615"),
				"list": []any{json.Number("-9223372036854775808")},
			},
		}
		diff(t, "Get of large integers", &want, mustGet(t, b, "ints"))
		diff(t, "FindByDefinition of large integers", &want, mustFind(t, b, in))
	})

	// Read-back Args and Kwargs are never nil, at the top and inside, from
	// every method that returns tasks.
	s.leaf(t, "read_back_shape", func(t *testing.T, b schedstore.Store) {
		in := taskWith("flat", func(t *schedstore.Task) {
			t.Args, t.Kwargs = nil, nil
			t.NextRunAt = at(past)
		})
		mustCreate(t, b, in)
		nested := taskWith("nested", func(t *schedstore.Task) {
			t.Args = []any{[]any{}, map[string]any{}, nil, []any{[]any{}}, false, ""}
			t.Kwargs = map[string]any{"a": []any{}, "o": map[string]any{}, "n": nil}
			t.NextRunAt = at(past)
		})
		mustCreate(t, b, nested)
		want := []*schedstore.Task{normalize(t, in), normalize(t, nested)}
		want[0].Args, want[0].Kwargs = []any{}, map[string]any{}
		want[1].Args = []any{[]any{}, map[string]any{}, nil, []any{[]any{}}, false, ""}
		want[1].Kwargs = map[string]any{"a": []any{}, "o": map[string]any{}, "n": nil}
		diff(t, "Get", want[0], mustGet(t, b, "flat"))
		diff(t, "ListAll", want, sortByID(mustListAll(t, b)))
		diff(t, "ListEnabled", want, sortByID(mustListEnabled(t, b)))
		diff(t, "ListDue", want, sortByID(mustListDue(t, b, base)))
		diff(t, "FindByDefinition", want[0], mustFind(t, b, in))
		diff(t, "FindByDefinition", want[1], mustFind(t, b, nested))
	})
}
