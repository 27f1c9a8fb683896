package wstransport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCloseReason: whatever an InitFunc or Revalidate error says, the reason fits a close frame, is valid
// UTF-8 and is a prefix of the (repaired) message.
func FuzzCloseReason(f *testing.F) {
	for _, s := range []string{"", "Unauthorized", strings.Repeat("é", 100), "a\xffb", strings.Repeat("a", 122) + "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := closeReason(s)
		if len(got) > maxCloseReason || !utf8.ValidString(got) || !strings.HasPrefix(strings.ToValidUTF8(s, "?"), got) {
			t.Fatalf("closeReason(%q) = %q", s, got)
		}
	})
}

// FuzzDecode: no client message makes the decoders panic, and an accepted message has a type.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"subscribe","id":"1","payload":{"query":"{ a }","variables":{"n":1}}}`,
		`{"type":"connection_init","payload":null}`, `{"type":7}`, `[]`, `null`, `{"type":"start","payload":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeInbound(data)
		if err != nil {
			return
		}
		if m.Type == "" {
			t.Fatalf("accepted a message without a type: %q", data)
		}
		_, _ = decodeParams(m.Payload)
		_, _ = decodeInitPayload(m.Payload)
	})
}
