package conformance

import (
	"strings"
	"testing"

	"github.com/flowrra/schedstore"
)

// unicodeSamples are strings a lossy path would change: characters outside
// the BMP (3-byte "utf8" in MySQL), ZWJ sequences and modifiers, RTL text and
// bidi controls, combining marks that normalization would compose, CJK, and
// characters JSON encoders like to escape.
var unicodeSamples = []string{
	"👩‍👩‍👧‍👦",               // family: four emoji joined by ZWJ
	"🏳️‍🌈",                  // flag with variation selector and ZWJ
	"🇯🇵👍🏽",                  // regional indicators, skin tone modifier
	"مرحبا بالعالم",         // Arabic
	"שָׁלוֹם עוֹלָם",        // Hebrew with points
	"e\u0301\u0323 a\u030a", // combining marks, not precomposed
	"日本語のテキスト 中文 한국어",
	"\u200f\u202eabc\u202c", // RLM, RLO ... PDF
	"𝄞 𐍈 \U0010FFFD",        // supplementary planes
	"\ufeff\u2028\u2029",    // BOM, line and paragraph separators
	"<&> \t\n\"\\ \x01\x1f", // escaped by JSON, or by HTML-safe encoders
}

func testUnicode(t *testing.T, s *suite) {
	s.leaf(t, "every_text_field", func(t *testing.T, b schedstore.Store) {
		kwargs := map[string]any{}
		for i, s := range unicodeSamples {
			kwargs[s] = unicodeSamples[len(unicodeSamples)-1-i]
		}
		args := make([]any, len(unicodeSamples))
		for i, s := range unicodeSamples {
			args[i] = s
		}
		in := taskWith("id-👩‍👩‍👧‍👦-שלום-e\u0301-日本-مرحبا", func(t *schedstore.Task) {
			t.TaskName = "任务-🏳️‍🌈-" + unicodeSamples[4] + "-e\u0301"
			t.Description = strings.Join(unicodeSamples, " | ")
			t.Args = append(args, map[string]any{"ネスト": []any{"🇯🇵", "a\u0308"}})
			t.Kwargs = kwargs
		})
		want := mustCreate(t, b, in)
		diff(t, "Get", want, mustGet(t, b, in.ID))
		diff(t, "ListAll", []*schedstore.Task{want}, mustListAll(t, b))
		diff(t, "ListEnabled", []*schedstore.Task{want}, mustListEnabled(t, b))
		diff(t, "FindByDefinition", want, mustFind(t, b, in))
	})

	// NFC "é" and NFD "e\u0301" look alike but are different bytes, so they
	// are different IDs and different task names.
	s.leaf(t, "normalization_forms_distinct", func(t *testing.T, b schedstore.Store) {
		nfc := taskWith("caf\u00e9", setName("caf\u00e9"))
		nfd := taskWith("cafe\u0301", setName("cafe\u0301"))
		byID := mustCreateAll(t, b, nfc, nfd)
		diff(t, "Get of the NFC ID", byID[nfc.ID], mustGet(t, b, nfc.ID))
		diff(t, "Get of the NFD ID", byID[nfd.ID], mustGet(t, b, nfd.ID))
		diff(t, "FindByDefinition of the NFC name", byID[nfc.ID], mustFind(t, b, nfc))
		diff(t, "FindByDefinition of the NFD name", byID[nfd.ID], mustFind(t, b, nfd))
	})

	// The limits count bytes, not characters: 255 bytes of 4-byte emoji
	// fit, 256 bytes do not.
	s.leaf(t, "multibyte_at_the_limit", func(t *testing.T, b schedstore.Store) {
		in := taskWith(strings.Repeat("😀", 63)+"abc", setName(strings.Repeat("日", 85)))
		want := mustCreate(t, b, in)
		diff(t, "Get of a 255-byte multibyte ID", want, mustGet(t, b, in.ID))
		over := taskWith(strings.Repeat("😀", 64), setName("x"))
		wantField(t, "Create with a 256-byte ID", b.Create(t.Context(), over), "ID")
		over = taskWith("x", setName(strings.Repeat("😀", 64)))
		wantField(t, "Create with a 256-byte TaskName", b.Create(t.Context(), over), "TaskName")
		diff(t, "ListAll after the rejected Creates", []*schedstore.Task{want}, mustListAll(t, b))
	})
}
