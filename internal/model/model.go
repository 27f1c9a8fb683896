// Package model holds the typed documents that entities store in JSON columns (a Scenario's workload, a
// Pipeline's nodes, a Benchmark's dataset, …). The ent schema, the GraphQL layer and the engines share them;
// the package holds data shapes only, no behaviour beyond small validity checks.
package model

// Complexity is how hard a workload's task is.
type Complexity string

const (
	ComplexityLow    Complexity = "LOW"
	ComplexityMedium Complexity = "MEDIUM"
	ComplexityHigh   Complexity = "HIGH"
)

// Regulation is a regulatory framework a ComplianceProfile must satisfy.
type Regulation string

const (
	RegulationGDPR    Regulation = "GDPR"
	RegulationHIPAA   Regulation = "HIPAA"
	RegulationSOC2    Regulation = "SOC2"
	RegulationCCPA    Regulation = "CCPA"
	RegulationPCIDSS  Regulation = "PCI_DSS"
	RegulationEUAIAct Regulation = "EU_AI_ACT"
)

// Regulations lists every Regulation.
var Regulations = []Regulation{RegulationGDPR, RegulationHIPAA, RegulationSOC2, RegulationCCPA, RegulationPCIDSS, RegulationEUAIAct}

// Assertion is how a benchmark item's output is checked against its expected value.
type Assertion string

const (
	AssertionExact     Assertion = "EXACT"
	AssertionContains  Assertion = "CONTAINS"
	AssertionRegex     Assertion = "REGEX"
	AssertionJSONValid Assertion = "JSON_VALID"
	AssertionNumeric   Assertion = "NUMERIC"
)

// MetricKind says whether an experiment metric is a rate (binary) or a mean (continuous).
type MetricKind string

const (
	MetricBinary     MetricKind = "BINARY"
	MetricContinuous MetricKind = "CONTINUOUS"
)
