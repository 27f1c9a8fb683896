package compiled

import (
	"fmt"
	"strings"

	"github.com/modelarchitect/architect/ent"
)

// The SQL expressions below turn a column into the exact text gqlgen writes for its GraphQL scalar, so a
// compiled response is byte for byte the normal path's. Each takes the column expression and returns a
// non-null text expression (a nullable column gives JSON null).

// scalarSQL returns the JSON text of a column of the given ReadField kind, or false when the kind has no
// compiled form (typed JSON documents, which resolvers shape).
func scalarSQL(kind, typ, col string, nullable bool) (string, bool) {
	var e string
	switch kind {
	case "id":
		e = idSQL(typ, col)
	case "string", "enum":
		e = stringSQL(col)
	case "int", "int64":
		e = col + "::text"
	case "bool":
		e = "CASE WHEN " + col + " THEN 'true' ELSE 'false' END"
	case "float":
		e = floatSQL(col)
	case "time":
		e = timeSQL(col)
	case "decimal":
		e = decimalSQL(col)
	case "strings":
		e = "coalesce((SELECT '[' || string_agg(" + stringSQL("x.e") + ", ',' ORDER BY x.o) || ']' FROM jsonb_array_elements_text(" +
			col + ") WITH ORDINALITY AS x(e, o)), '[]')"
	default:
		return "", false
	}
	if nullable {
		e = "coalesce(" + e + ", 'null')"
	}
	return e, true
}

// idSQL is gid.Encode: the unpadded URL-safe base64 of "Type:id".
func idSQL(typ, col string) string {
	return fmt.Sprintf(`'"' || rtrim(translate(encode(convert_to('%s:' || %s, 'UTF8'), 'base64'), E'+/\n', '-_'), '=') || '"'`, typ, col)
}

// stringSQL quotes text as gqlgen's writeQuotedString does. PostgreSQL's to_json escapes the same characters
// but writes \b and \f as such and other control characters with lower-case hex; Rewrite fixes those on
// the way out, so the common case stays one call of PostgreSQL's own escaping.
func stringSQL(col string) string { return "to_json(" + col + "::text)::text" }

// floatSQL writes a Float as a marker byte (0x01, which JSON text from PostgreSQL cannot contain: to_json
// escapes control characters, and the statement's own text has none) and the 16 hex digits of its IEEE
// bits; writeJSON formats the number with gqlgen's own MarshalFloat, so the digits are Go's (PostgreSQL's
// shortest form differs from Go's for some large numbers, e.g. 1.942134767841571e+16). NaN and infinities,
// which gqlgen refuses to write, leave the root field to the resolvers.
func floatSQL(col string) string {
	return "CASE WHEN " + col + " IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN " + resolversDecide +
		" ELSE chr(1) || encode(float8send(" + col + "), 'hex') END"
}

// timeSQL is time.RFC3339Nano in the session's time zone, as lib/pq reads timestamptz: trailing zeros of
// the fraction dropped, Z for a zero offset. (The colons are put in by replace, so that no format string
// holds a colon before a letter, which pgbench would take for a variable when it replays the statement.)
func timeSQL(col string) string {
	return `'"' || rtrim(rtrim(replace(to_char(` + col + `, 'YYYY-MM-DD"T"HH24"~"MI"~"SS.US'), '~', ':'), '0'), '.') || ` +
		"CASE WHEN to_char(" + col + ", 'TZHTZM') = '+0000' THEN 'Z' ELSE to_char(" + col + ", 'TZH') || ':' || to_char(" + col + `, 'TZM') END || '"'`
}

// decimalSQL is gid.MarshalDecimal (shopspring's String): the number's digits without trailing zeros
// after the point, quoted.
func decimalSQL(col string) string {
	t := col + "::text"
	return `'"' || CASE WHEN strpos(` + t + `, '.') > 0 THEN rtrim(rtrim(` + t + `, '0'), '.') ELSE ` + t + ` END || '"'`
}

// cursorSQL returns the cursor of a row (alias p) of a connection in the given order, as the pager's
// toCursor makes it and gqlgen writes it: in the default order entgql's Cursor{ID: id} (idCursorSQL);
// ordered, Cursor{ID: id, Value: [the row's values of the order fields]}, which the statement gives as the
// cursor mark (0x03), the JSON array of the id and the values, each typed as writeCursor reads it, and the
// end mark (0x04); writeJSON encodes it with entgql's own Cursor.MarshalGQL. An order column whose Go
// value the mark cannot carry goes to the normal path.
func cursorSQL(rt ent.ReadType, order []orderTerm) (func(p string) string, error) {
	if len(order) == 0 {
		return func(p string) string { return idCursorSQL(p + `."id"`) }, nil
	}
	values := make([]func(p string) string, len(order))
	for i, o := range order {
		f, _ := columnField(rt, o.column)
		col := func(p string) string { return p + "." + quote(o.column) }
		switch f.Kind {
		case "string", "enum", "int", "bool":
			values[i] = col
		case "time": // microseconds since 1970, as PostgreSQL keeps them
			values[i] = func(p string) string {
				return "json_build_object('u', (extract(epoch FROM " + col(p) + ") * 1000000)::int8)"
			}
		case "float": // the IEEE bits, so that no digit is lost
			values[i] = func(p string) string {
				return "json_build_object('f', encode(float8send(" + col(p) + "), 'hex'))"
			}
		default:
			return nil, unsupported("orderBy field")
		}
	}
	return func(p string) string {
		parts := []string{p + `."id"`}
		for _, v := range values {
			parts = append(parts, v(p))
		}
		return "chr(3) || json_build_array(" + strings.Join(parts, ", ") + ")::text || chr(4)"
	}, nil
}

// idCursorSQL is entgql's Cursor{ID: id} as gqlgen writes it: the MessagePack map {"i": id} (integers in
// their shortest form) in unpadded standard base64, quoted.
func idCursorSQL(col string) string {
	b := "int8send(" + col + "::int8)"
	return `'"' || rtrim(replace(encode('\x81a169'::bytea || CASE` +
		" WHEN " + col + " < 128 THEN substring(" + b + " from 8)" +
		" WHEN " + col + ` < 256 THEN '\xcc'::bytea || substring(` + b + " from 8)" +
		" WHEN " + col + ` < 65536 THEN '\xcd'::bytea || substring(` + b + " from 7)" +
		" WHEN " + col + ` < 4294967296 THEN '\xce'::bytea || substring(` + b + " from 5)" +
		` ELSE '\xcf'::bytea || ` + b + ` END, 'base64'), E'\n', ''), '=') || '"'`
}

// resolversDecide marks a value only the resolvers can give (an error, a null they propagate): the byte
// 0x02, which no JSON text from PostgreSQL holds (to_json escapes control characters). A statement whose
// result holds it is not used; the resolvers answer the root field instead.
const resolversDecide = "chr(2)"

const resolversMark = 0x02

// quoteKey is a JSON object key as gqlgen writes it (names and aliases are GraphQL names: no escaping).
func quoteKey(name string) string { return `"` + name + `":` }

// sqlText is a SQL string literal.
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
