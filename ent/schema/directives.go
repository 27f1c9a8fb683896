package schema

import (
	"entgo.io/contrib/entgql"
	"github.com/vektah/gqlparser/v2/ast"
)

// hasRole is the @hasRole(role:) directive for generated query fields.
func hasRole(role string) entgql.Directive {
	return entgql.NewDirective("hasRole", &ast.Argument{
		Name:  "role",
		Value: &ast.Value{Raw: role, Kind: ast.EnumValue},
	})
}
