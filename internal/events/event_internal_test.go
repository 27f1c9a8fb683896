package events

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ev   Event
		want string
	}{
		{"full", Event{Kind: "benchmark", ID: 12, OwnerID: 3, Status: "RUNNING"}, `{"kind":"benchmark","id":12,"ownerId":3,"status":"RUNNING"}`},
		{"no status", Event{Kind: "deployment", ID: 1, OwnerID: 2}, `{"kind":"deployment","id":1,"ownerId":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.ev.encode()
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			back, err := decode(got)
			require.NoError(t, err)
			require.Equal(t, tc.ev, back)
		})
	}
}

// TestEncodeWorstCaseSize: the largest valid event stays far below PostgreSQL's 8000-byte NOTIFY limit
// (PostgreSQL docs, NOTIFY: "the payload string ... must be shorter than 8000 bytes").
func TestEncodeWorstCaseSize(t *testing.T) {
	t.Parallel()
	// A control character costs 6 bytes escaped (\u0001); "<" too, as encoding/json escapes HTML.
	ev := Event{Kind: strings.Repeat("\x01", MaxKindLen), ID: 1<<63 - 1, OwnerID: 1<<63 - 1, Status: strings.Repeat("<", MaxStatusLen),
		Version: 1<<32 - 1, Deleted: true}
	got, err := ev.encode()
	require.NoError(t, err)
	// 6×64 + 6×64 escaped strings + 2×19 digits + 10 digits + 4 (true) + 40 bytes of keys and punctuation
	// ({"kind":"" 10, ,"id": 6, ,"ownerId": 11, ,"status":"" 12, } 1) + 11 (,"version":) + 11 (,"deleted":)
	// = 882.
	require.Len(t, got, 882)
	back, err := decode(got)
	require.NoError(t, err)
	require.Equal(t, ev, back)
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
	}{
		{"empty", ""},
		{"not JSON", "benchmark:1"},
		{"array", "[1]"},
		{"no kind", `{"id":1,"ownerId":1}`},
		{"string id", `{"kind":"benchmark","id":"1","ownerId":1}`},
		{"zero id", `{"kind":"benchmark","id":0,"ownerId":1}`},
		{"no owner", `{"kind":"benchmark","id":1}`},
		{"fractional id", `{"kind":"benchmark","id":1.5,"ownerId":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := decode(tc.payload)
			require.Error(t, err)
		})
	}
}

// FuzzDecode: decode never panics, and what it accepts survives a round trip unchanged.
func FuzzDecode(f *testing.F) {
	f.Add(`{"kind":"benchmark","id":12,"ownerId":3,"status":"RUNNING"}`)
	f.Add(`{"kind":"d","id":1,"ownerId":2,"extra":[1,{"a":null}]}`)
	f.Add(`{"kind":"\u0000","id":9223372036854775807,"ownerId":1}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, payload string) {
		ev, err := decode(payload)
		if err != nil {
			return
		}
		enc, err := ev.encode()
		require.NoError(t, err)
		back, err := decode(enc)
		require.NoError(t, err)
		require.Equal(t, ev, back)
	})
}

func TestWithApplicationName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn, app, want string
	}{
		{"URL", "postgres://u:p@h:5432/db?sslmode=disable", "ev", "postgres://u:p@h:5432/db?application_name=ev&sslmode=disable"},
		{"URL overrides", "postgresql://h/db?application_name=old", "new", "postgresql://h/db?application_name=new"},
		{"key=value", "host=h dbname=db", "ev", "host=h dbname=db application_name='ev'"},
		{"key=value quoted", "host=h", `it's\`, `host=h application_name='it\'s\\'`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := withApplicationName(tc.dsn, tc.app)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
