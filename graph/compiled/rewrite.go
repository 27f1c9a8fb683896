package compiled

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/modelarchitect/architect/internal/gid"
)

// writeJSON writes PostgreSQL's JSON text as gqlgen would have written the same values, in one pass that
// decodes nothing but marked values. The statement builds every structural character itself,
// so a backslash in it can only begin an escape inside a string, made by PostgreSQL's to_json; those differ
// from gqlgen's writeQuotedString in two ways, fixed here: \b and \f are written \u0008 and \u000C, and
// \u escapes use upper-case hex. A marked value (format.go) is replaced by what the normal path's marshaler
// writes for it. Text without either, nearly all of it, is written as it is.
func writeJSON(w io.Writer, b []byte) {
	for {
		i := bytes.IndexAny(b, "\\\x05")
		if i < 0 || i+1 >= len(b) {
			_, _ = w.Write(b)
			return
		}
		_, _ = w.Write(b[:i])
		if b[i] == markStart {
			n := bytes.IndexByte(b[i:], markEnd)
			if n < 2 {
				_, _ = w.Write(b[i:])
				return
			}
			writeMarked(w, b[i+1], b[i+2:i+n])
			b = b[i+n+1:]
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

// writeMarked writes a marked value of the given kind (format.go) with the normal path's marshaler. A payload
// it cannot read is a compiler bug: it is written as it is, and COMPILED_READS=verify reports the difference.
func writeMarked(w io.Writer, kind byte, payload []byte) {
	switch kind {
	case markID, markIDCursor:
		id, err := strconv.Atoi(string(payload))
		switch {
		case err != nil:
			_, _ = w.Write(payload)
		case kind == markID:
			gid.MarshalID(id).MarshalGQL(w)
		default:
			entgql.Cursor[int]{ID: id}.MarshalGQL(w)
		}
	case markTime:
		hexTime, offset, _ := bytes.Cut(payload, []byte{','})
		t, ok := pgTime(hexTime)
		off, err := strconv.Atoi(string(offset))
		if !ok || err != nil {
			_, _ = w.Write(payload)
			return
		}
		if off == 0 {
			t = t.UTC()
		} else {
			t = t.In(time.FixedZone("", off))
		}
		graphql.MarshalTime(t).MarshalGQL(w)
	case markFloat:
		f, ok := float8(payload)
		if !ok {
			_, _ = w.Write(payload)
			return
		}
		graphql.MarshalFloat(f).MarshalGQL(w)
	case markCursor:
		writeCursor(w, payload)
	case markStrings:
		var list []string
		if err := json.Unmarshal(payload, &list); err != nil {
			_, _ = w.Write(payload)
			return
		}
		_, _ = io.WriteString(w, "[")
		for i, s := range list {
			if i > 0 {
				_, _ = io.WriteString(w, ",")
			}
			graphql.MarshalString(s).MarshalGQL(w)
		}
		_, _ = io.WriteString(w, "]")
	default:
		_, _ = w.Write(payload)
	}
}

// pgEpochMicros is the zero of PostgreSQL's binary timestamps, 2000-01-01 UTC, in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

// pgTime reads the hex of timestamptz_send (microseconds since 2000-01-01 UTC).
func pgTime(h []byte) (time.Time, bool) {
	var raw [8]byte
	if len(h) != 16 {
		return time.Time{}, false
	}
	if _, err := hex.Decode(raw[:], h); err != nil {
		return time.Time{}, false
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(raw[:])) + pgEpochMicros), true
}

// float8 reads the hex of float8send (the IEEE bits).
func float8(h []byte) (float64, bool) {
	var raw [8]byte
	if len(h) != 16 {
		return 0, false
	}
	if _, err := hex.Decode(raw[:], h); err != nil {
		return 0, false
	}
	return math.Float64frombits(binary.BigEndian.Uint64(raw[:])), true
}

// writeCursor writes the cursor a statement gave as the JSON array [id, values…] (cursorSQL): each value as
// the Go value of its ent field, so that entgql's MessagePack encoding is the normal path's to the byte —
// an integer as int, {"t": timestamptz_send hex} as time.Time, {"f": float8send hex} as float64, strings,
// booleans and nulls as they are.
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
			if h, ok := x["t"].(string); ok {
				values[i], _ = pgTime([]byte(h))
			} else if h, ok := x["f"].(string); ok {
				values[i], _ = float8([]byte(h))
			} // else null
		default:
			values[i] = x
		}
	}
	entgql.Cursor[int]{ID: int(id), Value: values}.MarshalGQL(w)
}
