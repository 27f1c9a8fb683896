package pipeline

// Size and value caps. A pipeline beyond MaxNodes or MaxEdges is refused before any other check.
const (
	MaxNodes       = 500
	MaxEdges       = 2000
	MaxIDLength    = 128
	MaxBranches    = 32
	MaxCallsPerRun = 100
	MaxTokens      = 10_000_000
	MaxLatencyMs   = 3_600_000 // one hour per call

	// weightTolerance is how far router weights may sum from 1 (float inputs such as three thirds).
	weightTolerance = "0.000000001"
	// maxDiagramVertices bounds the branch-probability computation (see event.go).
	maxDiagramVertices = 100_000
	maxDiagramSteps    = 5_000_000
)
