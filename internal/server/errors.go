package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/observability"
	"github.com/modelarchitect/architect/internal/viewer"
)

// errPanic stands for a recovered panic; the presenter shows it as an internal error.
var errPanic = errors.New("panic")

// recoverFunc logs a panic with its stack and hands the presenter an error that says nothing of it.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", p, "request_id", observability.RequestID(ctx), "stack", string(debug.Stack()))
		return errPanic
	}
}

// presenter decides, in one place, what a client sees of an error: its extensions.code, a message a person
// can act on, the input field at fault. Anything it does not recognise is logged and shown as "internal
// error" with the request id.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		g := graphql.DefaultErrorPresenter(ctx, err)
		cause := g.Err
		if cause == nil {
			if g.Extensions["code"] == nil {
				setCode(g, apperr.BadUserInput)
			}
			nodeNotFound(g)
			return g
		}
		out := &gqlerror.Error{Path: g.Path, Locations: g.Locations, Rule: g.Rule}
		if field, arg, ok := splitArgument(ctx, g.Path); ok {
			out.Path, cause = field, badArgument(arg, cause)
		}
		if c := classify(ctx, cause); c != nil {
			if c.Code == apperr.Unavailable && c.Err != nil {
				log.WarnContext(ctx, "database unavailable", "err", c.Err, "request_id", observability.RequestID(ctx), "path", g.Path.String())
			}
			out.Message = c.Message
			setCode(out, c.Code)
			if c.Field != "" {
				out.Extensions["field"] = c.Field
			}
			for k, v := range c.Extra {
				out.Extensions[k] = v
			}
			return out
		}
		var inner *gqlerror.Error
		if errors.As(cause, &inner) && inner.Extensions["code"] != nil {
			out.Message, out.Extensions = inner.Message, inner.Extensions
			return out
		}
		id := observability.RequestID(ctx)
		if !errors.Is(cause, errPanic) && !errors.Is(cause, context.Canceled) {
			log.ErrorContext(ctx, "internal error", "err", cause, "request_id", id, "path", g.Path.String())
		}
		out.Message = "internal error"
		setCode(out, apperr.Internal)
		out.Extensions["requestId"] = id
		return out
	}
}

func setCode(g *gqlerror.Error, c apperr.Code) {
	if g.Extensions == nil {
		g.Extensions = map[string]any{}
	}
	g.Extensions["code"] = string(c)
}

// classify maps the errors of our packages and of ent to client errors.
func classify(ctx context.Context, err error) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	if database.IsUnavailable(err) {
		return apperr.Unavailability(err)
	}
	var (
		fe  *apperr.FieldError
		inv apperr.Invalid
		nf  *ent.NotFoundError
		ve  *ent.ValidationError
		ce  *ent.ConstraintError
	)
	switch {
	case errors.As(err, &fe):
		return &apperr.Error{Code: apperr.BadUserInput, Field: fe.Field, Message: fe.Field + " " + fe.Reason}
	case errors.As(err, &inv):
		return &apperr.Error{Code: apperr.BadUserInput, Field: inv.InputField(), Message: inv.Error()}
	case errors.As(err, &nf): // "ent: deployment not found", "ent: load_test not found"
		return apperr.Missing(strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(nf.Error(), "ent: "), " not found"), "_", " "))
	case errors.As(err, &ve):
		field := camel(ve.Name)
		reason := ve.Unwrap().Error()
		if i := strings.LastIndex(reason, ": "); i >= 0 {
			reason = reason[i+2:]
		}
		if strings.HasPrefix(reason, field+" ") { // "email must look like …" names its field already
			return apperr.Input(field, "%s", reason)
		}
		return apperr.Input(field, "%s: %s", field, reason)
	case errors.As(err, &ce):
		return apperr.Input("", "the change conflicts with other data (a duplicate, or a row that no longer exists)")
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx) == nil {
			return apperr.Unauth("sign in first: send Authorization: Bearer <token> from logIn or signUp")
		}
		return apperr.Missing("row")
	case errors.Is(err, gid.ErrInvalid), errors.Is(err, gid.ErrDecimal):
		return apperr.Input("", "%s", err.Error())
	case ent.IsEmptyWhere(err):
		return apperr.Input("where", "an empty object inside where (in and, or or not) filters nothing: leave it out")
	}
	return nil
}

// splitArgument recognises an argument that gqlgen could not read: it reports it at the field's path
// followed by the argument's (["node", "id"], ["nodes", "ids", 0]), which reads as a subfield of the result.
// It returns the field's path, where the error belongs, and the argument's, as a client writes it ("id",
// "ids[0]", "input.config.budget").
func splitArgument(ctx context.Context, p ast.Path) (field ast.Path, arg string, ok bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil, "", false
	}
	field = fc.Path()
	if len(p) <= len(field) {
		return nil, "", false
	}
	for i := range field {
		if p[i] != field[i] {
			return nil, "", false
		}
	}
	return field, argumentPath(p[len(field):]), true
}

// badArgument is the client error for argument arg that could not be read because of err: it names the
// argument in its message and in extensions.field.
func badArgument(arg string, err error) error {
	if e, ours := apperr.As(err); ours {
		if e.Field != "" {
			return err
		}
		c := *e
		c.Field = arg
		return &c
	}
	switch {
	case errors.Is(err, gid.ErrDecimal):
		return apperr.Input(arg, "%s: %s", arg, strings.TrimPrefix(err.Error(), gid.ErrDecimal.Error()+": "))
	case errors.Is(err, gid.ErrInvalid):
		return apperr.Input(arg, "%s: %s (pass an id as the API returned it)", arg, err.Error())
	}
	return apperr.Input(arg, "%s: %s", arg, err.Error())
}

// argumentPath writes the path of an input value below its field as a client would: input.config.budget,
// models[2].
func argumentPath(p ast.Path) string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(e))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(e))
		}
	}
	return b.String()
}

// entgql's node(id:) and nodes(ids:) say "Could not resolve to a node with the global id of '<row id>'":
// the message names the id the client sent instead of the row id behind it.
const entgqlNodeNotFound = "Could not resolve to a node with the global id of '"

func nodeNotFound(g *gqlerror.Error) {
	rest, ok := strings.CutPrefix(g.Message, entgqlNodeNotFound)
	if !ok || g.Extensions["code"] != string(apperr.NotFound) {
		return
	}
	id, err := strconv.Atoi(strings.TrimSuffix(rest, "'"))
	if err != nil {
		g.Message = "node not found"
		return
	}
	g.Message = fmt.Sprintf("node %s not found (it does not exist, or it is not yours)", gid.Encode(id))
}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
