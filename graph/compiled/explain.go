package compiled

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
)

// Explain returns the one statement that answers query (a read of the viewer in ctx, with the token check
// when check is set), with its arguments written in as literals: what `architect sql` prints for pgbench
// and for reading. A query the compiled path does not support is an error naming why.
func (c *Compiler) Explain(ctx context.Context, query string, vars map[string]any, check *Check) (string, error) {
	doc, errs := gqlparser.LoadQuery(c.cfg.Schema, query)
	if len(errs) > 0 {
		return "", errs
	}
	if len(doc.Operations) != 1 {
		return "", fmt.Errorf("the document must hold exactly one operation, not %d", len(doc.Operations))
	}
	oc := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations[0], Variables: vars}
	st, _, err := c.operation(ctx, oc, check)
	if err != nil {
		return "", err
	}
	return inline(st), nil
}

// inline writes a statement's arguments into its text as SQL literals.
func inline(st statement) string {
	text := st.sql
	for i := len(st.args); i >= 1; i-- { // $12 before $1
		var lit string
		switch a := st.args[i-1].(type) {
		case string:
			lit = sqlText(a)
		case int, int64:
			lit = fmt.Sprint(a)
		default:
			lit = sqlText(fmt.Sprint(a))
		}
		text = strings.ReplaceAll(text, "$"+strconv.Itoa(i), lit)
	}
	return text
}
