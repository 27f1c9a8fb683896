package wstransport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, id string
		payload       []byte
		want          string
	}{
		{"bare", "connection_ack", "", nil, `{"type":"connection_ack"}`},
		{"id is escaped", "complete", `a"b</`, nil, `{"type":"complete","id":"a\"b\u003c/"}`},
		{"payload verbatim", "next", "1", []byte(`{"data":{"x":1}}`), `{"type":"next","id":"1","payload":{"data":{"x":1}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, string(encode(tc.typ, tc.id, tc.payload)))
		})
	}
}

func TestCloseReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"short", "Unauthorized", "Unauthorized"},
		{"123 bytes kept", strings.Repeat("a", 123), strings.Repeat("a", 123)},
		{"124 bytes cut", strings.Repeat("a", 124), strings.Repeat("a", 123)},
		// 122 ASCII bytes then a 3-byte rune: the rune does not fit whole and goes.
		{"rune boundary", strings.Repeat("a", 122) + "€", strings.Repeat("a", 122)},
		{"invalid UTF-8 replaced", "a\xffb", "a?b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, closeReason(tc.in))
		})
	}
}
