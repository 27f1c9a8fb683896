package pipeline

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// chain is in → l → out, a valid base that cases break one way each.
func chain() Pipeline {
	return Pipeline{
		Nodes: []Node{in("in"), llm("l", "openai/small", 100, 10), out("out")},
		Edges: []Edge{e("e1", "in", "", "l", ""), e("e2", "l", "", "out", "")},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(p *Pipeline)
		want    []Code
		nodeIDs []string // of the first problem
		edgeIDs []string // of the first problem
	}{
		{name: "valid chain", edit: func(*Pipeline) {}},
		{
			name: "duplicate node id",
			edit: func(p *Pipeline) { p.Nodes = append(p.Nodes, llm("l", "openai/small", 1, 1)) },
			want: []Code{CodeDuplicateNodeID}, nodeIDs: []string{"l"},
		},
		{
			name: "missing ids",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, Node{Kind: KindOutput})
				p.Edges = append(p.Edges, e("", "l", "", "out", ""))
			},
			// the second l → out edge has no id and also repeats e2's connection
			want: []Code{CodeInvalidID, CodeInvalidID, CodeDuplicateEdge},
		},
		{
			name: "unknown kind",
			edit: func(p *Pipeline) { p.Nodes[1].Kind = "TRANSFORMER" },
			// its ports are unknown, so edges to it get no port problems, and its config is not checked
			want: []Code{CodeUnknownKind}, nodeIDs: []string{"l"},
		},
		{
			name: "dangling edge",
			edit: func(p *Pipeline) { p.Edges = append(p.Edges, e("e3", "ghost", "", "out", "")) },
			want: []Code{CodeDanglingEdge}, edgeIDs: []string{"e3"},
		},
		{
			name: "unknown port",
			edit: func(p *Pipeline) { p.Edges[1].SourcePort = "answer" },
			// the edge still reaches out's input port, so only the bad source port is reported
			want: []Code{CodeUnknownPort}, nodeIDs: []string{"l"}, edgeIDs: []string{"e2"},
		},
		{
			name: "duplicate edge and edge id",
			edit: func(p *Pipeline) { p.Edges = append(p.Edges, e("e2", "l", "completion", "out", "result")) },
			want: []Code{CodeDuplicateEdgeID, CodeDuplicateEdge}, edgeIDs: []string{"e2"},
		},
		{
			name: "port type mismatch",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, Node{ID: "emb", Kind: KindEmbedding, Embedding: &EmbeddingConfig{Model: "openai/embed", Tokens: 5}})
				p.Edges[0] = e("e1", "in", "", "emb", "")
				p.Edges = append(p.Edges, e("e3", "emb", "", "l", "prompt"))
			},
			want: []Code{CodePortTypeMismatch}, nodeIDs: []string{"emb", "l"}, edgeIDs: []string{"e3"},
		},
		{
			name: "a router passes its input type through",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes,
					Node{ID: "emb", Kind: KindEmbedding, Embedding: &EmbeddingConfig{Model: "openai/embed", Tokens: 5}},
					router("r", branch("only", "1")))
				p.Edges[0] = e("e1", "in", "", "emb", "")
				p.Edges = append(p.Edges, e("e3", "emb", "", "r", ""), e("e4", "r", "only", "l", ""))
			},
			want: []Code{CodePortTypeMismatch}, edgeIDs: []string{"e4"},
		},
		{
			name: "missing model",
			edit: func(p *Pipeline) { p.Nodes[1].LLM.Model = "" },
			want: []Code{CodeMissingModel}, nodeIDs: []string{"l"},
		},
		{
			name: "llm without config",
			edit: func(p *Pipeline) { p.Nodes[1].LLM = nil },
			want: []Code{CodeMissingModel}, nodeIDs: []string{"l"},
		},
		{
			name: "unknown model",
			edit: func(p *Pipeline) { p.Nodes[1].LLM.Model = "openai/gpt-9" },
			want: []Code{CodeUnknownModel}, nodeIDs: []string{"l"},
		},
		{
			name: "embedding model in an llm node",
			edit: func(p *Pipeline) { p.Nodes[1].LLM.Model = "openai/embed" },
			want: []Code{CodeModelModeMismatch},
		},
		{
			name: "no input and no output node",
			edit: func(p *Pipeline) {
				p.Nodes = p.Nodes[1:2]
				p.Edges = nil
			},
			want: []Code{CodeMissingInputNode, CodeMissingOutputNode, CodeMissingInputConnection},
		},
		{
			name: "two input nodes",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, in("in2"))
				p.Edges = append(p.Edges, e("e3", "in2", "", "l", ""))
			},
			want: []Code{CodeMultipleInputNodes}, nodeIDs: []string{"in", "in2"},
		},
		{
			name: "unreachable node",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, llm("orphan", "openai/small", 1, 1))
				p.Edges = append(p.Edges, e("e3", "orphan", "", "out", ""))
			},
			want: []Code{CodeMissingInputConnection, CodeUnreachableNode}, nodeIDs: []string{"orphan"},
		},
		{
			name: "dead end is only a warning",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, Node{ID: "log", Kind: KindTool, Tool: &ServiceConfig{}})
				p.Edges = append(p.Edges, e("e3", "l", "", "log", ""))
			},
			want: []Code{CodeDeadEnd}, nodeIDs: []string{"log"},
		},
		{
			name: "router weights not summing to 1 are refused",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, router("r", branch("a", "0.6"), branch("b", "0.6")), llm("m", "openai/small", 1, 1))
				p.Edges[0] = e("e1", "in", "", "r", "")
				p.Edges = append(p.Edges, e("e3", "r", "a", "l", ""), e("e4", "r", "b", "m", ""), e("e5", "m", "", "out", ""))
			},
			want: []Code{CodeRouterWeights}, nodeIDs: []string{"r"},
		},
		{
			name: "unconnected branch",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, router("r", branch("a", "0.5"), branch("b", "0.5")))
				p.Edges[0] = e("e1", "in", "", "r", "")
				p.Edges = append(p.Edges, e("e3", "r", "a", "l", ""))
			},
			want: []Code{CodeUnconnectedBranch}, nodeIDs: []string{"r"},
		},
		{
			name: "config values out of range, and a config for another kind",
			edit: func(p *Pipeline) {
				p.Nodes[1].LLM.OutputTokens = 0
				p.Nodes[1].LLM.Latency = &Latency{P50Ms: 100, P95Ms: 50}
				p.Nodes[1].Cache = &CacheConfig{}
				p.Nodes = append(p.Nodes, Node{ID: "c", Kind: KindCache, Cache: &CacheConfig{HitRate: dec("1.5")}})
				p.Edges = append(p.Edges, e("e3", "in", "", "c", ""), e("e4", "c", PortCacheHit, "out", ""))
			},
			want: []Code{CodeInvalidConfig, CodeInvalidConfig, CodeInvalidConfig, CodeInvalidConfig},
		},
		{
			name: "context window exceeded",
			edit: func(p *Pipeline) { p.Nodes[1].LLM.InputTokens = 100001 },
			want: []Code{CodeInvalidConfig},
		},
		{
			name: "cache without config",
			edit: func(p *Pipeline) {
				p.Nodes = append(p.Nodes, Node{ID: "c", Kind: KindCache})
				p.Edges = append(p.Edges, e("e3", "in", "", "c", ""))
			},
			// a cache without config still has its fixed ports; its outputs lead nowhere
			want: []Code{CodeMissingConfig, CodeDeadEnd},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := chain()
			tc.edit(&p)
			got := Validate(testCatalog(), p)
			require.Equal(t, tc.want, nilIfEmpty(codes(got)), "%+v", got)
			if tc.nodeIDs != nil {
				require.Equal(t, tc.nodeIDs, got[0].NodeIDs)
			}
			if tc.edgeIDs != nil {
				require.Equal(t, tc.edgeIDs, got[0].EdgeIDs)
			}
			for _, pr := range got {
				require.NotEmpty(t, pr.Message)
			}
		})
	}
}

func nilIfEmpty(c []Code) []Code {
	if len(c) == 0 {
		return nil
	}
	return c
}

func TestValidateFindsAndNamesCycles(t *testing.T) {
	t.Parallel()
	p := Pipeline{
		Nodes: []Node{
			in("in"),
			{ID: "a", Kind: KindGuardrail, Guardrail: &GuardrailConfig{}},
			{ID: "b", Kind: KindGuardrail, Guardrail: &GuardrailConfig{}},
			{ID: "c", Kind: KindGuardrail, Guardrail: &GuardrailConfig{}},
			{ID: "s", Kind: KindGuardrail, Guardrail: &GuardrailConfig{}},
			out("out"),
		},
		Edges: []Edge{
			e("e1", "in", "", "a", ""),
			e("ab", "a", "pass", "b", ""),
			e("bc", "b", "pass", "c", ""),
			e("ca", "c", "pass", "a", ""), // closes a → b → c → a
			e("cb", "c", "blocked", "b", ""),
			e("co", "c", "blocked", "out", ""),
			e("e2", "in", "", "s", ""),
			e("ss", "s", "pass", "s", ""), // a self-loop
			e("so", "s", "blocked", "out", ""),
		},
	}
	got := Validate(testCatalog(), p)
	require.Equal(t, []Code{CodeCycle, CodeCycle}, codes(got), "%+v", got)
	// the shortest cycle through the component's first node, a
	require.Equal(t, []string{"a", "b", "c", "a"}, got[0].Path)
	require.Equal(t, []string{"ab", "bc", "ca"}, got[0].EdgeIDs)
	require.Equal(t, []string{"a", "b", "c"}, got[0].NodeIDs)
	require.Contains(t, got[0].Message, "a → b → c → a")
	require.Equal(t, []string{"s", "s"}, got[1].Path)
	require.Equal(t, []string{"ss"}, got[1].EdgeIDs)

	a, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	require.Nil(t, a.Plan)
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	p := Pipeline{
		Nodes: []Node{
			in("in"), in("in"), // duplicate
			llm("l", "", 10, 10),             // missing model
			llm("m", "nobody/model", 10, 10), // unknown model
			{ID: "x", Kind: "SPREADSHEET"},   // unknown kind
			router("r", branch("a", "0.2")),  // weights
			{ID: "emb", Kind: KindEmbedding, Embedding: &EmbeddingConfig{Model: "openai/embed", Tokens: 1}},
		},
		Edges: []Edge{
			e("e1", "in", "", "l", ""),
			e("e2", "l", "", "ghost", ""), // dangling
			e("e3", "l", "", "m", ""),
			e("e4", "m", "", "l", ""), // cycle l → m → l
			e("e5", "in", "", "r", ""),
			e("e6", "r", "a", "x", ""),
			e("e7", "in", "", "emb", ""),
			e("e8", "emb", "", "m", "context"), // EMBEDDING into DOCUMENTS
		},
	}
	got := Validate(testCatalog(), p)
	require.Equal(t, []Code{
		CodeDuplicateNodeID, CodeMissingModel, CodeUnknownModel, CodeUnknownKind, CodeRouterWeights,
		CodeDanglingEdge, CodeMissingOutputNode, CodeCycle, CodePortTypeMismatch,
	}, codes(got), "%+v", got)
	require.Equal(t, []string{"l", "m", "l"}, got[7].Path)
}

func TestValidateSizeCaps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		nodes, edges int
		tooLarge     bool
	}{
		{name: "at the node cap", nodes: MaxNodes},
		{name: "over the node cap", nodes: MaxNodes + 1, tooLarge: true},
		{name: "over the edge cap", nodes: 2, edges: MaxEdges + 1, tooLarge: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Pipeline{Nodes: []Node{in("n0")}}
			for i := 1; i < tc.nodes; i++ {
				p.Nodes = append(p.Nodes, Node{ID: fmt.Sprintf("n%d", i), Kind: KindGuardrail, Guardrail: &GuardrailConfig{}})
				if tc.edges == 0 {
					p.Edges = append(p.Edges, e(fmt.Sprintf("e%d", i), fmt.Sprintf("n%d", i-1), "pass", fmt.Sprintf("n%d", i), ""))
				}
			}
			for i := range tc.edges {
				p.Edges = append(p.Edges, e(fmt.Sprintf("x%d", i), "n0", "", "n1", ""))
			}
			got := Validate(testCatalog(), p)
			if tc.tooLarge {
				require.Equal(t, []Code{CodeTooLarge}, codes(got))
				require.Contains(t, got[0].Message, "limit is 500 nodes and 2000 edges")
				return
			}
			require.NotContains(t, codes(got), CodeTooLarge)
		})
	}
}

func TestCompatible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out, in PortType
		want    bool
	}{
		{PortText, PortText, true},
		{PortText, PortMessages, true},   // wrapped as one user message
		{PortMessages, PortText, true},   // the last message's text
		{PortJSON, PortText, true},       // serialised
		{PortText, PortJSON, false},      // no parsing
		{PortDocuments, PortText, false}, // documents go to an LLM's context port
		{PortEmbedding, PortMessages, false},
		{PortDocuments, PortAny, true},
		{PortAny, PortEmbedding, true}, // known only at run time
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s to %s", tc.out, tc.in), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, Compatible(tc.out, tc.in))
		})
	}
}
