package pipeline

import "github.com/shopspring/decimal"

// Pipeline is a graph of nodes joined by edges from an output port to an input port.
type Pipeline struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is one step. Only the config matching its Kind may be set; LLM, EMBEDDING, RETRIEVER, TOOL, ROUTER,
// CACHE and GUARDRAIL nodes need theirs, INPUT and OUTPUT take none.
type Node struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	Name string `json:"name,omitempty"` // a label for people; the engine ignores it

	LLM       *LLMConfig       `json:"llm,omitempty"`
	Embedding *EmbeddingConfig `json:"embedding,omitempty"`
	Retriever *ServiceConfig   `json:"retriever,omitempty"`
	Tool      *ServiceConfig   `json:"tool,omitempty"`
	Router    *RouterConfig    `json:"router,omitempty"`
	Cache     *CacheConfig     `json:"cache,omitempty"`
	Guardrail *GuardrailConfig `json:"guardrail,omitempty"`
}

// Edge joins an output port of Source to an input port of Target. An empty port name means the node's only
// port on that side, or its only required one (an LLM's "prompt").
type Edge struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	SourcePort string `json:"sourcePort,omitempty"`
	Target     string `json:"target"`
	TargetPort string `json:"targetPort,omitempty"`
}

// Latency is a step's duration in milliseconds at the median and the 95th percentile (P95Ms ≥ P50Ms).
type Latency struct {
	P50Ms float64 `json:"p50Ms"`
	P95Ms float64 `json:"p95Ms"`
}

// LLMConfig configures an LLM node. Token counts are per call.
type LLMConfig struct {
	Model           string `json:"model"` // catalog model id, "provider/model"
	InputTokens     int    `json:"inputTokens"`
	OutputTokens    int    `json:"outputTokens"`
	ReasoningTokens int    `json:"reasoningTokens,omitempty"` // hidden reasoning tokens billed per call
	CallsPerRun     int    `json:"callsPerRun,omitempty"`     // sequential calls per execution; 0 means 1
	// Latency per call, e.g. measured in a benchmark; nil takes the catalog's median speed.
	Latency *Latency `json:"latency,omitempty"`
}

// EmbeddingConfig configures an EMBEDDING node.
type EmbeddingConfig struct {
	Model       string `json:"model"`  // catalog model id, "provider/model"
	Tokens      int    `json:"tokens"` // input tokens per call
	CallsPerRun int    `json:"callsPerRun,omitempty"`
	// Latency per call; nil takes the catalog's median time to first token when it has one.
	Latency *Latency `json:"latency,omitempty"`
}

// ServiceConfig configures a RETRIEVER or TOOL node: a call to something outside the model catalog.
type ServiceConfig struct {
	Latency     Latency          `json:"latency"`                  // per call
	CostPerCall *decimal.Decimal `json:"costPerCallUSD,omitempty"` // nil: the call costs nothing per run
	CallsPerRun int              `json:"callsPerRun,omitempty"`    // 0 means 1
}

// RouterConfig sends each run down exactly one branch; the weights are the branch probabilities and sum to 1.
type RouterConfig struct {
	Branches []Branch `json:"branches"`
}

// Branch is one router output port.
type Branch struct {
	Name   string          `json:"name"`
	Weight decimal.Decimal `json:"weight"`
}

// CacheConfig configures a CACHE node: with probability HitRate the "hit" port answers, otherwise the run
// continues on "miss".
type CacheConfig struct {
	HitRate decimal.Decimal `json:"hitRate"`
	Latency Latency         `json:"latency"`
}

// GuardrailConfig configures a GUARDRAIL node: with probability BlockRate the run leaves on "blocked",
// otherwise it continues on "pass".
type GuardrailConfig struct {
	BlockRate decimal.Decimal `json:"blockRate"`
	Latency   Latency         `json:"latency"`
}

func calls(n int) int {
	if n <= 0 {
		return 1
	}
	return n
}
