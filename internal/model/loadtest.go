package model

import "github.com/modelarchitect/architect/internal/loadtest"

// Load-test documents are named types over the engine's (internal/loadtest) so that ent's generated code
// imports this package only (an imported package named loadtest would clash with ent's own).
type (
	LoadTestPlan   loadtest.Plan
	LoadTestResult loadtest.Result
)
