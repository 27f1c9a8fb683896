package compiled

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math"

	"github.com/99designs/gqlgen/graphql"
)

// floatMark begins a Float in a statement's text: 16 hex digits of its IEEE bits follow (floatSQL).
const floatMark = 0x01

// writeJSON writes PostgreSQL's JSON text as gqlgen would have written the same values, in one pass that
// decodes nothing but numbers marked as Floats. The statement builds every structural character itself,
// so a backslash in it can only begin an escape inside a string, made by PostgreSQL's to_json; those differ
// from gqlgen's writeQuotedString in two ways, fixed here: \b and \f are written \u0008 and \u000C, and
// \u escapes use upper-case hex. A float mark is replaced by the number as gqlgen's MarshalFloat writes it.
// Text without either, nearly all of it, is written as it is.
func writeJSON(w io.Writer, b []byte) {
	for {
		i := bytes.IndexAny(b, "\\\x01")
		if i < 0 || i+1 >= len(b) {
			_, _ = w.Write(b)
			return
		}
		_, _ = w.Write(b[:i])
		if b[i] == floatMark {
			var bits [8]byte
			if i+17 > len(b) {
				_, _ = w.Write(b[i:])
				return
			}
			if _, err := hex.Decode(bits[:], b[i+1:i+17]); err != nil {
				_, _ = w.Write(b[i:])
				return
			}
			graphql.MarshalFloat(math.Float64frombits(binary.BigEndian.Uint64(bits[:]))).MarshalGQL(w)
			b = b[i+17:]
			continue
		}
		switch b[i+1] {
		case 'b':
			_, _ = io.WriteString(w, `\u0008`)
			b = b[i+2:]
		case 'f':
			_, _ = io.WriteString(w, `\u000C`)
			b = b[i+2:]
		case 'u':
			if i+6 > len(b) {
				_, _ = w.Write(b[i:])
				return
			}
			esc := [6]byte{'\\', 'u'}
			for k := 2; k < 6; k++ {
				c := b[i+k]
				if c >= 'a' && c <= 'f' {
					c -= 'a' - 'A'
				}
				esc[k] = c
			}
			_, _ = w.Write(esc[:])
			b = b[i+6:]
		default: // \" \\ \n \r \t: the same in both
			_, _ = w.Write(b[i : i+2])
			b = b[i+2:]
		}
	}
}
