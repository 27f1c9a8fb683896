package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"entgo.io/ent/dialect"
	"entgo.io/ent/privacy"

	entuser "github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/graph/compiled"
	"github.com/modelarchitect/architect/internal/app"
	"github.com/modelarchitect/architect/internal/viewer"
)

const sqlUsage = `sql --query FILE --email E [--check=false]   print the one SQL statement that answers a read query for a user (PostgreSQL), as a pgbench script`

// sqlCmd prints the compiled statement of a read query (graph/compiled), its arguments written in, for a user
// of the database: to read it, EXPLAIN it, or replay it with pgbench (make bench does).
func sqlCmd(args []string) error {
	fs := flag.NewFlagSet("sql", flag.ContinueOnError)
	queryFile := fs.String("query", "", "file holding the GraphQL query (- for standard input)")
	email := fs.String("email", "", "the user the query is read as")
	check := fs.Bool("check", true, "include the check of the user's token (token version and role), as served requests do")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *queryFile == "" || *email == "" {
		return errors.New("usage: architect " + sqlUsage)
	}
	var query []byte
	var err error
	if *queryFile == "-" {
		query, err = io.ReadAll(os.Stdin)
	} else {
		query, err = os.ReadFile(*queryFile)
	}
	if err != nil {
		return err
	}
	cfg, _, err := setup()
	if err != nil {
		return err
	}
	db, err := app.OpenDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect != dialect.Postgres {
		return errors.New("the compiled read path runs on PostgreSQL only: set DATABASE_URL to a postgres:// URL")
	}
	ctx := context.Background()
	u, err := db.Client.User.Query().Where(entuser.Email(*email)).Only(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return fmt.Errorf("user %s: %w", *email, err)
	}
	ctx = viewer.NewContext(ctx, &viewer.Viewer{ID: u.ID, Role: u.Role})
	var c *compiled.Check
	if *check {
		c = &compiled.Check{UserID: u.ID, Version: u.TokenVersion, Role: u.Role}
	}
	comp := compiled.New(compiled.Config{DB: db.SQL, Client: db.Client, Schema: graph.NewSchema(&graph.Resolver{}).Schema()})
	text, err := comp.Explain(ctx, string(query), nil, c)
	if err != nil {
		return err
	}
	fmt.Printf("-- the statement that answers %s for %s\n%s;\n", *queryFile, *email, text)
	return nil
}
