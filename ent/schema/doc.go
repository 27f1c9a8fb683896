package schema

import (
	"entgo.io/ent/schema"
)

// The GraphQL descriptions of the entities live beside their fields: a type's in its schema.Comment
// annotation (doc below), a field's or an edge's in its Comment, an enum's type and values in an EnumDoc.
// ent/entc.go's schema hook carries them into graph/ent.graphqls and writes those of the generated filters,
// orders and inputs from rules.

// EnumDoc describes an enum field's GraphQL type and each of its values for API clients.
type EnumDoc struct {
	Type   string            `json:"type"`   // the enum type's description
	Values map[string]string `json:"values"` // value → its description
}

// Name implements schema.Annotation.
func (EnumDoc) Name() string { return "EnumDoc" }

// doc is the description of an entity's GraphQL type (and the doc comment of its generated Go struct).
func doc(text string) schema.Annotation { return schema.Comment(text) }
