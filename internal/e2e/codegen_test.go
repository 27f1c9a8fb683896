package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// repoRoot is the repository's root, from this package's directory.
var repoRoot = filepath.Join("..", "..")

// TestTypedClients runs the code generators of docs/guide/clients.md — graphql-codegen's client preset and
// relay-compiler, installed from npm (testdata/codegen, pinned by its lock file), with the configuration files
// exactly as the guide shows them — on the committed schema.graphql and every operation of the README and the
// guides (docOperations says which). It fails when an operation does not validate against the schema (a guide
// that no longer matches the API), when a generator fails, or when a generated field or variable type is any
// or unknown (a scalar without a mapping). It also checks the guide's table of connection fields, which the
// Apollo and urql cache policies follow, against the schema.
func TestTypedClients(t *testing.T) {
	t.Parallel()
	schemaFile, err := os.ReadFile(filepath.Join(repoRoot, "schema.graphql"))
	require.NoError(t, err)
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(schemaFile)})
	require.Nil(t, gerr, "schema.graphql does not load")
	ops := docOperations(t)
	require.Greater(t, len(ops), 60, "the guides' operations were not found: has the gql helper or the fences changed?")
	guide := filepath.Join(repoRoot, "docs", "guide", "clients.md")

	t.Run("the operations validate against schema.graphql", func(t *testing.T) {
		t.Parallel()
		for _, op := range ops {
			if _, errs := gqlparser.LoadQuery(schema, op.text); errs != nil {
				t.Errorf("%s: %v\n%s", op.where(), errs, op.text)
			}
		}
	})

	t.Run("the connection table lists every connection field", func(t *testing.T) {
		t.Parallel()
		want := map[string][]string{}
		for name, def := range schema.Types {
			if def.Kind != ast.Object || def.BuiltIn {
				continue
			}
			for _, f := range def.Fields {
				if strings.HasSuffix(f.Type.Name(), "Connection") {
					want[name] = append(want[name], f.Name)
				}
			}
		}
		got := map[string][]string{}
		row := regexp.MustCompile("^\\| `(\\w+)` \\| (.+) \\|$")
		field := regexp.MustCompile("`(\\w+)`")
		for _, f := range blocks(t, guide) {
			if f.code {
				continue
			}
			inTable := false
			for _, line := range f.body {
				inTable = inTable && strings.HasPrefix(line, "|") || line == "| type | connection fields |"
				if m := row.FindStringSubmatch(line); inTable && m != nil {
					for _, fm := range field.FindAllStringSubmatch(m[2], -1) {
						got[m[1]] = append(got[m[1]], fm[1])
					}
				}
			}
		}
		for _, fields := range want {
			slices.Sort(fields)
		}
		for _, fields := range got {
			slices.Sort(fields)
		}
		require.Equal(t, want, got, "%s: the table under Pagination, and the Apollo and urql policies with it, "+
			"must name every field that returns a connection", guide)
	})

	if testing.Short() {
		t.Skip("installs npm packages and runs node")
	}
	modules := installNPM(t, "codegen")

	t.Run("graphql-codegen", func(t *testing.T) {
		t.Parallel()
		dir := project(t, modules, schemaFile)
		writeFile(t, filepath.Join(dir, "codegen.ts"), guideFence(t, guide, "ts", "CodegenConfig"))
		for _, op := range ops {
			writeFile(t, filepath.Join(dir, "src", "docs", op.base+".graphql"), op.renamed(t, nil))
		}
		out := runTool(t, dir, "node", "node_modules/@graphql-codegen/cli/esm/bin.js", "--config", "codegen.ts")
		generated, err := os.ReadFile(filepath.Join(dir, "src", "gql", "graphql.ts"))
		require.NoError(t, err, "graphql-codegen wrote no src/gql/graphql.ts:\n%s", out)
		for _, op := range ops {
			require.Contains(t, string(generated), "export type "+op.base, "%s: no type generated", op.where())
		}
		requireTyped(t, "src/gql/graphql.ts", string(generated))
		require.FileExists(t, filepath.Join(dir, "src", "gql", "introspection.ts"), "the schema for urql's Graphcache")
	})

	t.Run("relay-compiler", func(t *testing.T) {
		t.Parallel()
		dir := project(t, modules, schemaFile)
		writeFile(t, filepath.Join(dir, "relay.config.json"), guideFence(t, guide, "json", "customScalarTypes"))
		for _, op := range ops {
			text := op.renamed(t, func(o *ast.OperationDefinition) string {
				return strings.ToUpper(string(o.Operation[:1])) + string(o.Operation[1:])
			})
			require.NotContains(t, text, "`", op.where())
			writeFile(t, filepath.Join(dir, "src", op.base+".ts"),
				"import { graphql } from 'react-relay';\n\nexport const operation = graphql`\n"+text+"`;\n")
		}
		out := runTool(t, dir, "node", "node_modules/relay-compiler/cli.js")
		artifacts, err := filepath.Glob(filepath.Join(dir, "src", "__generated__", "*.graphql.ts"))
		require.NoError(t, err)
		require.Len(t, artifacts, len(ops), "one artifact per operation:\n%s", out)
		for _, a := range artifacts {
			b, err := os.ReadFile(a)
			require.NoError(t, err)
			types, _, _ := strings.Cut(string(b), "\nconst node") // the types; the rest is Relay's runtime data
			requireTyped(t, filepath.Base(a), types)
		}
	})
}

// docOperation is a GraphQL operation the README or a guide shows.
type docOperation struct {
	file string // relative to the repository's root
	line int
	text string
	base string // a name unique among the operations, from file and line: ScenariosL39
}

func (op docOperation) where() string { return fmt.Sprintf("%s:%d", op.file, op.line) }

// gqlCall is a call of the README's gql shell helper: the word gql as a command, then one single-quoted
// argument, the operation.
var gqlCall = regexp.MustCompile(`(?:^|[\s(;|&])gql '([^']*)'`)

// sdlStart is how a fence of schema excerpts starts (type definitions, not an operation).
var sdlStart = regexp.MustCompile(`^(?:"""[\s\S]*?"""\s*)?(?:extend\s+)?(?:type|input|enum|scalar|interface|union|schema|directive)\b`)

// docOperations returns the operations of README.md and docs/guide/*.md, found by this rule:
//   - in a code fence tagged sh, bash, shell or console, the argument of every gql '…' call, shell comment
//     lines excepted (the README's usage line of the helper);
//   - every code fence tagged graphql, unless it holds schema definitions rather than an operation.
//
// Everything else is left out: output (json and untagged fences), operations in prose, which are often
// shortened with "…", the curl bodies of protocol.md, some of which are malformed on purpose, and the
// JavaScript of the client snippets, which runs in the client examples instead.
func docOperations(t *testing.T) []docOperation {
	t.Helper()
	guides, err := filepath.Glob(filepath.Join(repoRoot, "docs", "guide", "*.md"))
	require.NoError(t, err)
	var ops []docOperation
	for _, path := range append([]string{filepath.Join(repoRoot, "README.md")}, guides...) {
		file, err := filepath.Rel(repoRoot, path)
		require.NoError(t, err)
		file = filepath.ToSlash(file)
		page := strings.TrimSuffix(filepath.Base(path), ".md")
		add := func(line int, text string) {
			ops = append(ops, docOperation{file: file, line: line, text: strings.TrimSpace(text),
				base: fmt.Sprintf("%sL%d", pascal(page), line)})
		}
		for _, f := range blocks(t, path) {
			switch {
			case !f.code:
				continue
			case f.lang == "graphql":
				if text := strings.Join(f.body, "\n"); !sdlStart.MatchString(strings.TrimSpace(text)) {
					add(f.line, text)
				}
			case f.lang == "sh" || f.lang == "bash" || f.lang == "shell" || f.lang == "console":
				body := make([]string, len(f.body))
				for i, l := range f.body {
					if !strings.HasPrefix(strings.TrimSpace(l), "#") {
						body[i] = l
					}
				}
				text := strings.Join(body, "\n")
				for _, m := range gqlCall.FindAllStringSubmatchIndex(text, -1) {
					add(f.line+strings.Count(text[:m[2]], "\n"), text[m[2]:m[3]])
				}
			}
		}
	}
	return ops
}

// renamed returns the operation's text with each operation named base + its own name (and a number when a
// document holds several) + suffix(op), so that names are unique across the guides, as the generators require
// (the guides reuse names such as Deploy). A shorthand query { … } becomes query Name { … }.
func (op docOperation) renamed(t *testing.T, suffix func(*ast.OperationDefinition) string) string {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Name: op.where(), Input: op.text})
	require.Nil(t, err, "%s: %v", op.where(), err)
	text := []rune(op.text)
	for i := len(doc.Operations) - 1; i >= 0; i-- { // from the end, so that earlier positions stay valid
		o := doc.Operations[i]
		name := op.base + o.Name
		if len(doc.Operations) > 1 {
			name += fmt.Sprint(i + 1)
		}
		if suffix != nil {
			name += suffix(o)
		}
		start, end := o.Position.Start, o.Position.Start // the runes to replace: the keyword and the name
		if text[start] != '{' {
			end += len(o.Operation)
			if o.Name != "" {
				for unicode.IsSpace(text[end]) {
					end++
				}
				end += len([]rune(o.Name))
			}
		}
		head := []rune(string(o.Operation) + " " + name)
		if start == end {
			head = append(head, ' ')
		}
		text = append(text[:start:start], append(head, text[end:]...)...)
	}
	return string(text)
}

// block is a fenced code block of a Markdown file (lang is its tag), or a run of prose between two.
type block struct {
	code bool
	lang string
	line int // of the first line of body
	body []string
}

// blocks splits a Markdown file into code fences (indented ones too, their indentation removed) and prose.
func blocks(t *testing.T, path string) []block {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	open := regexp.MustCompile("^(\\s*)```\\s*([\\w-]*)")
	out := []block{{line: 1}}
	indent := 0
	for i, line := range strings.Split(string(b), "\n") {
		cur := &out[len(out)-1]
		switch m := open.FindStringSubmatch(line); {
		case !cur.code && m != nil:
			out = append(out, block{code: true, lang: m[2], line: i + 2})
			indent = len(m[1])
		case cur.code && strings.TrimSpace(line) == "```":
			out = append(out, block{line: i + 2})
		case cur.code:
			cur.body = append(cur.body, line[min(indent, len(line)-len(strings.TrimLeft(line, " \t"))):])
		default:
			cur.body = append(cur.body, line)
		}
	}
	return out
}

// guideFence returns the one code fence of the guide tagged lang that contains marker.
func guideFence(t *testing.T, guide, lang, marker string) string {
	t.Helper()
	var found []string
	for _, f := range blocks(t, guide) {
		if text := strings.Join(f.body, "\n"); f.code && f.lang == lang && strings.Contains(text, marker) {
			found = append(found, text+"\n")
		}
	}
	require.Len(t, found, 1, "%s: the %s fence with %s", guide, lang, marker)
	return found[0]
}

// looseType is any or unknown as a TypeScript type.
var looseType = regexp.MustCompile(`\b(any|unknown)\b`)

// requireTyped fails when a type declaration of generated TypeScript has a field or variable typed any or
// unknown. It reads the declarations line by line and leaves out comments, imports, the generic helper types
// the generators declare (type Exact<T extends { [key: string]: unknown }>) and the document constants.
func requireTyped(t *testing.T, name, ts string) {
	t.Helper()
	helper := regexp.MustCompile(`^(export )?type \w+<`)
	for i, line := range strings.Split(ts, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "", strings.HasPrefix(l, "/*"), strings.HasPrefix(l, "*"), strings.HasPrefix(l, "//"),
			strings.HasPrefix(l, "import "), strings.HasPrefix(l, "export const "), helper.MatchString(l):
			continue
		}
		if m := looseType.FindString(l); m != "" {
			t.Errorf("%s:%d: %s in a generated type (a scalar without a mapping?): %.300s", name, i+1, m, l)
		}
	}
}

// project makes a directory for one generator: schema.graphql, and node_modules linked to the installed tree.
func project(t *testing.T, modules string, schema []byte) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "schema.graphql"), string(schema))
	require.NoError(t, os.Symlink(modules, filepath.Join(dir, "node_modules")))
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

// runTool runs a command in dir and returns its output; it fails the test when the command fails.
func runTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

// pascal turns a page name such as live-updates into LiveUpdates.
func pascal(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
	}
	return b.String()
}
