package model

import "time"

// ScenarioConfig is a Scenario's workload.
type ScenarioConfig struct {
	TaskComplexity  Complexity `json:"taskComplexity"`
	DataVolume      int        `json:"dataVolume"`      // requests per day
	ResponseTimeSLA int        `json:"responseTimeSLA"` // milliseconds
}

// ScenarioResults is what a simulation computed for a Scenario.
type ScenarioResults struct {
	ComputedAt     time.Time `json:"computedAt"`
	CatalogVersion string    `json:"catalogVersion"`
}

// PipelineNode is one node of a Pipeline's graph.
type PipelineNode struct {
	ID     string             `json:"id"`
	Kind   string             `json:"kind"`
	Name   string             `json:"name,omitempty"`
	Config PipelineNodeConfig `json:"config"`
}

// PipelineNodeConfig holds the per-kind settings of a node; fields that do not apply to a kind stay empty.
type PipelineNodeConfig struct {
	Model        *string  `json:"model,omitempty"`
	InputTokens  *int     `json:"inputTokens,omitempty"`
	OutputTokens *int     `json:"outputTokens,omitempty"`
	HitRate      *float64 `json:"hitRate,omitempty"`
	LatencyMs    *float64 `json:"latencyMs,omitempty"`
}

// PipelineLink (an edge of the DAG) connects an output port of one node to an input port of another.
type PipelineLink struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	SourcePort string `json:"sourcePort,omitempty"`
	Target     string `json:"target"`
	TargetPort string `json:"targetPort,omitempty"`
}

// DatasetItem is one benchmark case.
type DatasetItem struct {
	Input     string    `json:"input"`
	Expected  string    `json:"expected"`
	Assertion Assertion `json:"assertion"`
	Tolerance *float64  `json:"tolerance,omitempty"` // NUMERIC only
}

// BenchmarkResults holds per-model outcomes of a finished benchmark.
type BenchmarkResults struct {
	Models []BenchmarkModelResult `json:"models"`
}

// BenchmarkModelResult is one model's outcome.
type BenchmarkModelResult struct {
	Model    string  `json:"model"`
	Passed   int     `json:"passed"`
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"`
}

// ComplianceRecommendation is one finding of a compliance assessment.
type ComplianceRecommendation struct {
	RuleID         string `json:"ruleId"`
	Regulation     string `json:"regulation"`
	Severity       string `json:"severity"`
	Message        string `json:"message"`
	Recommendation string `json:"recommendation"`
}

// ExperimentMetrics names an experiment's primary and secondary metrics.
type ExperimentMetrics struct {
	Primary   MetricSpec   `json:"primary"`
	Secondary []MetricSpec `json:"secondary"`
}

// MetricSpec is one experiment metric.
type MetricSpec struct {
	Name string     `json:"name"`
	Kind MetricKind `json:"kind"`
}

// ExperimentResults is the analysis of an experiment's observations.
type ExperimentResults struct {
	ComputedAt time.Time `json:"computedAt"`
	Winner     *string   `json:"winner,omitempty"`
}

// DeploymentConfig holds a Deployment's settings.
type DeploymentConfig struct {
	Endpoint     *string `json:"endpoint,omitempty"`     // SELF_HOSTED: base URL of an OpenAI-compatible server
	InstanceType *string `json:"instanceType,omitempty"` // GPU instance type, e.g. g5.xlarge
	Replicas     *int    `json:"replicas,omitempty"`
}

// FeatureContribution is one feature's Shapley value in an explanation.
type FeatureContribution struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
}

// Counterfactual is a smallest change to a workload that changes the recommendation.
type Counterfactual struct {
	Change    string `json:"change"`
	NewWinner string `json:"newWinner"`
}

// CreatePipeline is what a client sends to create a Pipeline.
type CreatePipeline struct {
	Name        string         `json:"name"`
	Description *string        `json:"description"`
	Nodes       []PipelineNode `json:"nodes"`
	Edges       []PipelineLink `json:"edges"`
}

// UpdatePipeline is what a client sends to change a Pipeline; nil fields keep their values.
type UpdatePipeline struct {
	Name        *string        `json:"name"`
	Description *string        `json:"description"`
	Nodes       []PipelineNode `json:"nodes"`
	Edges       []PipelineLink `json:"edges"`
}
