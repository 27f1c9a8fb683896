package providers

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadSSE(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{name: "two events", in: "data: a\n\ndata: b\n\n", want: []string{"a", "b"}},
		{name: "CRLF lines", in: "data: a\r\n\r\ndata: b\r\n\r\n", want: []string{"a", "b"}},
		{name: "multi-line data joined by newline", in: "data: a\ndata: b\n\n", want: []string{"a\nb"}},
		{name: "comments, event and id fields ignored", in: ": keep-alive\nevent: message\nid: 3\ndata: x\n\n", want: []string{"x"}},
		{name: "no space after colon", in: "data:x\n\n", want: []string{"x"}},
		{name: "only the first space is stripped", in: "data:  x\n\n", want: []string{" x"}},
		{name: "last event without blank line", in: "data: a\n\ndata: [DONE]", want: []string{"a", "[DONE]"}},
		{name: "blank lines without data dispatch nothing", in: "\n\n\ndata: a\n\n\n", want: []string{"a"}},
		{name: "data field without colon is an empty line of data", in: "data\n\n", want: []string{""}},
		{name: "empty input", in: "", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			err := readSSE(strings.NewReader(tc.in), func(d []byte) error { got = append(got, string(d)); return nil })
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestReadSSEStops(t *testing.T) {
	t.Parallel()
	var got []string
	err := readSSE(strings.NewReader("data: a\n\ndata: b\n\ndata: c\n\n"), func(d []byte) error {
		got = append(got, string(d))
		if string(d) == "b" {
			return errStop
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, got)

	boom := errors.New("boom")
	err = readSSE(strings.NewReader("data: a\n\n"), func([]byte) error { return boom })
	require.ErrorIs(t, err, boom)
}

func TestReadSSEReadError(t *testing.T) {
	t.Parallel()
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: par"), errReader{io.ErrUnexpectedEOF})
	var got []string
	err := readSSE(r, func(d []byte) error { got = append(got, string(d)); return nil })
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Equal(t, []string{"a"}, got)
}

func TestReadSSELineTooLong(t *testing.T) {
	t.Parallel()
	err := readSSE(strings.NewReader("data: "+strings.Repeat("x", maxSSELine+1)+"\n\n"), func([]byte) error { return nil })
	require.Error(t, err)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func FuzzReadSSE(f *testing.F) {
	f.Add("data: {\"a\":1}\n\ndata: [DONE]\n\n")
	f.Add(": c\r\ndata\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		n := 0
		err := readSSE(strings.NewReader(in), func(d []byte) error {
			n++
			return nil
		})
		require.NoError(t, err)
		require.LessOrEqual(t, n, strings.Count(in, "data")) // every event holds at least one data field
	})
}
