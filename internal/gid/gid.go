// Package gid implements the GraphQL ID and Decimal scalars: opaque global ids that name their type
// (base64url of "Type:id"; the id's range already fixes the type, see ent.NodeTypeStarts) and exact
// decimals sent as strings. It knows nothing of resolvers or HTTP beyond gqlgen's marshaler interface.
package gid

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/modelarchitect/architect/ent"
)

// rangeSize is the size of each type's id range in ent's sql/globalid feature.
const rangeSize = 1 << 32

var typeByRange = func() map[int]string {
	m := make(map[int]string, len(ent.NodeTypeStarts))
	for t, start := range ent.NodeTypeStarts {
		m[start/rangeSize] = t
	}
	return m
}()

// ErrInvalid is returned for an id that this server did not issue.
var ErrInvalid = errors.New("not a valid id")

// TypeOf returns the node type of a row id.
func TypeOf(id int) (string, bool) {
	t, ok := typeByRange[id/rangeSize]
	return t, ok && id > 0
}

// Encode returns the opaque GraphQL id of a row id.
func Encode(id int) string {
	t, ok := TypeOf(id)
	if !ok {
		t = "Unknown"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(t + ":" + strconv.Itoa(id)))
}

// Decode returns the row id of an opaque GraphQL id.
func Decode(s string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	t, n, ok := strings.Cut(string(raw), ":")
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	id, err := strconv.Atoi(n)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	if got, ok := TypeOf(id); !ok || got != t {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	return id, nil
}

// MarshalID writes a row id as its opaque GraphQL id.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(Encode(id)))
	})
}

// UnmarshalID reads an opaque GraphQL id.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: ids are strings, got %T", ErrInvalid, v)
	}
	return Decode(s)
}
