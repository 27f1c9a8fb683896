package compiled

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
)

const (
	// floatMark begins a Float in a statement's text: 16 hex digits of its IEEE bits follow (floatSQL).
	floatMark = 0x01
	// cursorMark begins the cursor of a row of an ordered connection, which cursorEnd ends (cursorSQL).
	cursorMark, cursorEnd = 0x03, 0x04
)

// writeJSON writes PostgreSQL's JSON text as gqlgen would have written the same values, in one pass that
// decodes nothing but numbers marked as Floats. The statement builds every structural character itself,
// so a backslash in it can only begin an escape inside a string, made by PostgreSQL's to_json; those differ
// from gqlgen's writeQuotedString in two ways, fixed here: \b and \f are written \u0008 and \u000C, and
// \u escapes use upper-case hex. A float mark is replaced by the number as gqlgen's MarshalFloat writes it,
// a cursor mark by the cursor as entgql writes it. Text without any, nearly all of it, is written as it is.
func writeJSON(w io.Writer, b []byte) {
	for {
		i := bytes.IndexAny(b, "\\\x01\x03")
		if i < 0 || i+1 >= len(b) {
			_, _ = w.Write(b)
			return
		}
		_, _ = w.Write(b[:i])
		if b[i] == cursorMark {
			n := bytes.IndexByte(b[i:], cursorEnd)
			if n < 0 {
				_, _ = w.Write(b[i:])
				return
			}
			writeCursor(w, b[i+1:i+n])
			b = b[i+n+1:]
			continue
		}
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

// writeCursor writes the cursor a statement gave as the JSON array [id, values…] (cursorSQL): each value as
// the Go value of its ent field, so that entgql's MessagePack encoding is the normal path's to the byte —
// an integer as int, {"u": µs} as time.Time, {"f": IEEE bits} as float64, strings, booleans and nulls as they
// are.
func writeCursor(w io.Writer, payload []byte) {
	var parts []any
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	if err := d.Decode(&parts); err != nil || len(parts) < 2 {
		_, _ = w.Write(payload) // not a cursor of ours: a compiler bug, which COMPILED_READS=verify reports
		return
	}
	id, err := parts[0].(json.Number).Int64()
	if err != nil {
		_, _ = w.Write(payload)
		return
	}
	values := make([]any, len(parts)-1)
	for i, p := range parts[1:] {
		switch x := p.(type) {
		case json.Number:
			n, _ := x.Int64()
			values[i] = int(n)
		case map[string]any:
			if u, ok := x["u"].(json.Number); ok {
				n, _ := u.Int64()
				values[i] = time.UnixMicro(n)
			} else if f, ok := x["f"].(string); ok {
				var bits [8]byte
				_, _ = hex.Decode(bits[:], []byte(f))
				values[i] = math.Float64frombits(binary.BigEndian.Uint64(bits[:]))
			} // else null
		default:
			values[i] = x
		}
	}
	entgql.Cursor[int]{ID: int(id), Value: values}.MarshalGQL(w)
}
