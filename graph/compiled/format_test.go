package compiled

import (
	"bytes"
	"context"
	"database/sql"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	_ "github.com/lib/pq"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/gid"
)

// TestScalarText checks each SQL expression of format.go against the Go code the normal path writes the
// same scalar with (gqlgen's marshalers, gid, entgql's cursor), on values chosen to hit every branch and
// on random ones: the text PostgreSQL builds, after writeJSON, must be byte for byte gqlgen's.
func TestScalarText(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))

	sqlText := func(expr, cast string, v any) string {
		var out []byte
		require.NoError(t, db.QueryRow("SELECT "+strings.ReplaceAll(expr, "$v", "$1::"+cast), v).Scan(&out), expr)
		var b bytes.Buffer
		writeJSON(&b, out)
		return b.String()
	}
	goText := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		return b.String()
	}

	t.Run("float", func(t *testing.T) {
		vals := []float64{0, 1, -1, 0.5, 1.0 / 3, 2.0 / 3, 1e-4, 1.5e-5, 123456, 999999, 1e6, 1234567.5, -1234567.5, 1e14, 99999999999999.9,
			1e15, 1.234567890123456e15, 1e20, 1e21, 1e300, 5e-324, math.MaxFloat64, 0.1 + 0.2, 1000000007, 1.0 / 1000000007}
		for range 400 {
			vals = append(vals, math.Float64frombits(r.Uint64()), r.NormFloat64()*math.Pow(10, float64(r.IntN(40)-20)))
		}
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			want := goText(graphql.MarshalFloat(v))
			require.Equal(t, want, sqlText(floatSQL("$v"), "float8", v), "%v", v)
		}
		var nan []byte
		require.NoError(t, db.QueryRow("SELECT "+strings.ReplaceAll(floatSQL("$v"), "$v", "'NaN'::float8")).Scan(&nan))
		require.ErrorIs(t, usable(nan), errResolvers, "NaN, which gqlgen refuses, is left to the resolvers")
	})

	t.Run("string", func(t *testing.T) {
		vals := []string{"", "plain", `"quoted" and \back\slash`, `\b \f \u0041 not escapes`, "<>&'", "ünïcødé 日本語 \u2028\u2029 🙂", "\x7f"}
		for c := 1; c < 0x20; c++ {
			vals = append(vals, "a"+string(rune(c))+"b")
		}
		for range 200 {
			var b strings.Builder
			for range r.IntN(12) {
				b.WriteRune(rune(1 + r.IntN(0x3000)))
			}
			vals = append(vals, b.String())
		}
		for _, v := range vals {
			require.Equal(t, goText(graphql.MarshalString(v)), sqlText(stringSQL("$v"), "text", v), "%q", v)
		}
	})

	t.Run("time", func(t *testing.T) {
		base := time.Date(2026, 12, 7, 13, 8, 17, 0, time.UTC)
		vals := []time.Time{base, base.Add(123456 * time.Microsecond), base.Add(100 * time.Millisecond), base.Add(time.Microsecond), time.Date(1999, 1, 2, 3, 4, 5, 0, time.UTC)}
		for range 100 {
			vals = append(vals, base.Add(time.Duration(r.Int64N(1e17))*time.Microsecond/1000).Truncate(time.Microsecond))
		}
		// A non-null time column holding the zero time, which gqlgen writes as null, is the resolvers' to answer
		// (with their error); a nullable one is null.
		for nullable, want := range map[bool]string{false: "\x02", true: "null"} {
			e, ok := scalarSQL("time", "$1::timestamptz", nullable)
			require.True(t, ok)
			var out []byte
			require.NoError(t, db.QueryRow("SELECT "+e, time.Time{}).Scan(&out))
			var b bytes.Buffer
			writeJSON(&b, out)
			require.Equal(t, want, b.String(), "the zero time, nullable %v", nullable)
		}
		vals = append(vals, time.Time{}, time.Date(1960, 7, 1, 0, 0, 0, 1000, time.UTC)) // the zero time (null) and one before 2000
		// In the session's time zone, as lib/pq reads it: UTC, and zones with offsets of hours, half hours and
		// daylight saving.
		for _, zone := range []string{"UTC", "Asia/Kolkata", "America/New_York", "Australia/Adelaide"} {
			conn, err := db.Conn(context.Background())
			require.NoError(t, err)
			_, err = conn.ExecContext(context.Background(), "SET TIME ZONE '"+zone+"'")
			require.NoError(t, err)
			for _, v := range vals {
				var got time.Time // the value as lib/pq reads it back, as the normal path shows it
				require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT $1::timestamptz", v).Scan(&got))
				var out []byte
				require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT "+timeSQL("$1::timestamptz"), v).Scan(&out))
				var b bytes.Buffer
				writeJSON(&b, out)
				require.Equal(t, goText(graphql.MarshalTime(got)), b.String(), "%v in %s", v, zone)
			}
			require.NoError(t, conn.Close())
		}
	})

	t.Run("decimal", func(t *testing.T) {
		vals := []string{"0", "0.00", "12.50", "12.5", "-3.10", "1000", "1000.000", "0.000123", "123456789012345678901234567890.123450"}
		for range 100 {
			vals = append(vals, strconv.FormatFloat(r.NormFloat64()*1000, 'f', r.IntN(6), 64))
		}
		for _, v := range vals {
			d := decimal.RequireFromString(v)
			require.Equal(t, goText(gid.MarshalDecimal(d)), sqlText(decimalSQL("$v"), "numeric", v), "%s", v)
		}
	})

	t.Run("id and cursor", func(t *testing.T) {
		ids := []int{1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 25769803776, 25769803777, 77309411328 + 12345}
		for range 100 {
			ids = append(ids, 1+r.IntN(80_000_000_000))
		}
		for _, id := range ids {
			var c bytes.Buffer
			entgql.Cursor[int]{ID: id}.MarshalGQL(&c)
			require.Equal(t, c.String(), sqlText(idCursorSQL("$v"), "int8", id), "cursor of %d", id)
			require.Equal(t, goText(gid.MarshalID(id)), sqlText(idSQL("$v"), "int8", id), "id %d", id)
		}
	})

	t.Run("ordered cursor", func(t *testing.T) {
		rt := ent.ReadType{Fields: map[string]ent.ReadField{
			"t": {Column: "t", Kind: "time"}, "s": {Column: "s", Kind: "string"}, "e": {Column: "e", Kind: "enum"},
			"i": {Column: "i", Kind: "int"}, "f": {Column: "f", Kind: "float", Nullable: true}, "b": {Column: "b", Kind: "bool"},
		}}
		order := []orderTerm{{column: "t"}, {column: "s"}, {column: "e"}, {column: "i"}, {column: "f"}, {column: "b"}}
		cursor, err := cursorSQL(rt, order)
		require.NoError(t, err)
		row := `(SELECT $1::int8 AS "id", $2::timestamptz AS "t", $3::text AS "s", $4::text AS "e", $5::int8 AS "i", $6::float8 AS "f", $7::bool AS "b") AS "p"`
		words := []string{"", "a", "tab\there \"q\" back\\slash", "ünï — 日本語 \u2028", "bell\a del\x7f", "PENDING"}
		for k := range 300 {
			id := 1 + r.IntN(80_000_000_000)
			at := time.UnixMicro(r.Int64N(4_102_444_800_000_000) - 1_000_000_000_000) // 1938 to 2100
			s, e := words[r.IntN(len(words))], words[r.IntN(len(words))]
			i := r.IntN(1<<40) - 1<<39
			var f any = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
			if k%7 == 0 {
				f = nil
			}
			b := r.IntN(2) == 0
			var want bytes.Buffer
			entgql.Cursor[int]{ID: id, Value: []any{at, s, e, i, f, b}}.MarshalGQL(&want)
			var out []byte
			require.NoError(t, db.QueryRow("SELECT "+cursor(`"p"`)+" FROM "+row, id, at, s, e, i, f, b).Scan(&out))
			var got bytes.Buffer
			writeJSON(&got, out)
			require.Equal(t, want.String(), got.String(), "cursor of %d %v %q %q %d %v %v", id, at, s, e, i, f, b)
		}
		_, err = cursorSQL(rt, []orderTerm{{column: "d"}})
		require.Error(t, err, "a column the cursor mark cannot carry goes to the normal path")
	})
}
