package server

import (
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/limits"
)

// ourCursor reports whether v, an after or before, is a cursor this API made for a connection ordered as o
// says (limits.Config.Cursor): entgql's encoding of a row's id and its values of the order fields, none when
// the connection is ordered by id alone, else one per orderBy term (a list of them when orderBy is a list,
// the one value itself when it is one object), each a string, a number, a time, a boolean or null. The
// paging policy refuses any other before anything is loaded: entgql would panic on an undecodable one in an
// eagerly loaded connection (under node), fail on one with too many values, and page from the id alone of
// one with too few.
func ourCursor(v any, o limits.Order) bool {
	c := new(ent.Cursor)
	if err := c.UnmarshalGQL(v); err != nil {
		return false
	}
	if c.Value == nil {
		return o.Terms == 0
	}
	values, ok := c.Value.([]any)
	if o.Single {
		values, ok = []any{c.Value}, true
	}
	if !ok || len(values) != o.Terms {
		return false
	}
	for _, e := range values {
		if !orderValue(e) {
			return false
		}
	}
	return true
}

// orderValue reports whether v can be a row's value of an order field, as entgql encodes it.
func orderValue(v any) bool {
	switch v.(type) {
	case nil, string, bool, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, time.Time:
		return true
	}
	return false
}
