package gid

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
)

// ErrDecimal is returned for a Decimal input that is not an exact decimal string.
var ErrDecimal = errors.New("not a decimal")

// MarshalDecimal writes an exact decimal as a JSON string, so no client parses it into a float by accident.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDecimal reads a decimal sent as a string ("12.50"); integers are accepted too, floats are not,
// because a float has already lost digits before it reaches the server.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
		if strings.ContainsAny(s, ".eE") {
			return decimal.Decimal{}, fmt.Errorf("%w: the JSON number %s has a fraction or an exponent, so the client held it as a float, "+
				"which may already have changed its digits; send it as the string \"%s\" (an integer may stay a number)", ErrDecimal, s, s)
		}
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case int64:
		return decimal.NewFromInt(x), nil
	default:
		return decimal.Decimal{}, fmt.Errorf("%w: send decimals as strings such as \"12.50\", got %T", ErrDecimal, v)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q; send decimals as strings such as \"12.50\"", ErrDecimal, s)
	}
	return d, nil
}
