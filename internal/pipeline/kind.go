package pipeline

// Kind is a node kind.
type Kind string

// Node kinds (docs/engines/pipeline.md, "Input", states each kind's ports and config).
const (
	KindInput     Kind = "INPUT"     // the run's entry point; exactly one per pipeline
	KindRetriever Kind = "RETRIEVER" // vector or keyword search returning documents
	KindEmbedding Kind = "EMBEDDING" // an embedding-model call
	KindLLM       Kind = "LLM"       // a chat/completion model call
	KindRouter    Kind = "ROUTER"    // sends each run down exactly one branch, chosen with the branch weights
	KindCache     Kind = "CACHE"     // answers a share of runs (hit rate) so downstream calls are saved
	KindGuardrail Kind = "GUARDRAIL" // passes or blocks a run (block rate)
	KindTool      Kind = "TOOL"      // an external call (HTTP API, function)
	KindOutput    Kind = "OUTPUT"    // the run's result; at least one per pipeline
)

// Port names with a fixed meaning.
const (
	PortCacheHit       = "hit"     // CACHE: the stored answer, taken with probability hitRate
	PortCacheMiss      = "miss"    // CACHE: the run continues, with probability 1 − hitRate
	PortGuardrailPass  = "pass"    // GUARDRAIL: the run continues, with probability 1 − blockRate
	PortGuardrailBlock = "blocked" // GUARDRAIL: the refusal, with probability blockRate
	portPassIn         = "in"      // ROUTER, CACHE, GUARDRAIL input whose type pass-through outputs carry
)

// PortSpec describes one port of a node kind.
type PortSpec struct {
	Name string `json:"name"`
	// Types is, for an input, the types it accepts; for an output, the one type it produces.
	Types []PortType `json:"types"`
	// Required marks an input that must be connected.
	Required bool `json:"required,omitempty"`
	// PassThrough marks an output that carries whatever type arrives at the node's "in" port.
	PassThrough bool `json:"passThrough,omitempty"`
}

// KindSpec lists a node kind's ports. Every input port accepts several edges (merging exclusive branches,
// concatenating documents).
type KindSpec struct {
	Kind    Kind       `json:"kind"`
	Inputs  []PortSpec `json:"inputs"`
	Outputs []PortSpec `json:"outputs"`
	// BranchOutputs is true for ROUTER: one pass-through output per configured branch, named after it.
	BranchOutputs bool `json:"branchOutputs,omitempty"`
}

var kindSpecs = []KindSpec{
	{Kind: KindInput, Outputs: []PortSpec{{Name: "query", Types: []PortType{PortText}}}},
	{Kind: KindRetriever,
		Inputs:  []PortSpec{{Name: "query", Types: []PortType{PortEmbedding, PortText}, Required: true}},
		Outputs: []PortSpec{{Name: "documents", Types: []PortType{PortDocuments}}}},
	{Kind: KindEmbedding,
		Inputs:  []PortSpec{{Name: "text", Types: []PortType{PortText}, Required: true}},
		Outputs: []PortSpec{{Name: "embedding", Types: []PortType{PortEmbedding}}}},
	{Kind: KindLLM,
		Inputs: []PortSpec{
			{Name: "prompt", Types: []PortType{PortMessages}, Required: true},
			{Name: "context", Types: []PortType{PortDocuments}},
		},
		Outputs: []PortSpec{{Name: "completion", Types: []PortType{PortText}}}},
	{Kind: KindRouter,
		Inputs:        []PortSpec{{Name: portPassIn, Types: []PortType{PortAny}, Required: true}},
		BranchOutputs: true},
	{Kind: KindCache,
		Inputs: []PortSpec{{Name: portPassIn, Types: []PortType{PortAny}, Required: true}},
		Outputs: []PortSpec{
			{Name: PortCacheHit, Types: []PortType{PortText}},
			{Name: PortCacheMiss, Types: []PortType{PortAny}, PassThrough: true},
		}},
	{Kind: KindGuardrail,
		Inputs: []PortSpec{{Name: portPassIn, Types: []PortType{PortAny}, Required: true}},
		Outputs: []PortSpec{
			{Name: PortGuardrailPass, Types: []PortType{PortAny}, PassThrough: true},
			{Name: PortGuardrailBlock, Types: []PortType{PortText}},
		}},
	{Kind: KindTool,
		Inputs:  []PortSpec{{Name: "arguments", Types: []PortType{PortJSON, PortText}, Required: true}},
		Outputs: []PortSpec{{Name: "result", Types: []PortType{PortJSON}}}},
	{Kind: KindOutput, Inputs: []PortSpec{{Name: "result", Types: []PortType{PortAny}, Required: true}}},
}

// KindSpecs returns the port layout of every node kind, for a front end's palette.
func KindSpecs() []KindSpec {
	out := make([]KindSpec, len(kindSpecs))
	for i, s := range kindSpecs {
		out[i] = s
		out[i].Inputs = clonePorts(s.Inputs)
		out[i].Outputs = clonePorts(s.Outputs)
	}
	return out
}

func clonePorts(ps []PortSpec) []PortSpec {
	if ps == nil {
		return nil
	}
	out := make([]PortSpec, len(ps))
	for i, p := range ps {
		out[i] = p
		out[i].Types = append([]PortType(nil), p.Types...)
	}
	return out
}

func specOf(k Kind) (KindSpec, bool) {
	for _, s := range kindSpecs {
		if s.Kind == k {
			return s, true
		}
	}
	return KindSpec{}, false
}

// outputPorts returns a node's output ports; ROUTER outputs are its branches.
func outputPorts(n *Node) []PortSpec {
	s, ok := specOf(n.Kind)
	if !ok {
		return nil
	}
	if !s.BranchOutputs {
		return s.Outputs
	}
	if n.Router == nil {
		return nil
	}
	ports := make([]PortSpec, 0, len(n.Router.Branches))
	for _, b := range n.Router.Branches {
		ports = append(ports, PortSpec{Name: b.Name, Types: []PortType{PortAny}, PassThrough: true})
	}
	return ports
}

func inputPorts(n *Node) []PortSpec {
	s, _ := specOf(n.Kind)
	return s.Inputs
}

func findPort(ports []PortSpec, name string) (int, bool) {
	for i, p := range ports {
		if p.Name == name {
			return i, true
		}
	}
	return -1, false
}
