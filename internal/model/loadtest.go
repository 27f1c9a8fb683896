package model

import (
	"time"

	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/loadtest"
)

// Load-test documents are named types over the engine's (internal/loadtest) so that ent's generated code
// imports this package only (an imported package named loadtest would clash with ent's own).
type (
	LoadTestPlan   loadtest.Plan
	LoadTestResult loadtest.Result
)

// NoMeasuredCapacity is a Deployment's measured-capacity note until a SWEEP load test of it completes.
const NoMeasuredCapacity = "no SWEEP load test of this deployment has completed: run one of at least 3 rates, the highest past what the server can serve"

// MeasuredCapacity is a Deployment's service model fitted to a completed SWEEP load test of it
// (loadtest.FitService), with where it comes from. Sizing takes it per replica (Service).
type MeasuredCapacity struct {
	loadtest.ServiceModel
	LoadTestID int       `json:"loadTestId"`
	MeasuredAt time.Time `json:"measuredAt"` // when the load test finished
	// Replicas is how many replicas the endpoint was taken to front when it was tested: the deployment's
	// config.replicas, or 1. SlotsPerReplica = round(Slots ÷ Replicas), at least 1.
	Replicas        int    `json:"replicas"`
	SlotsPerReplica int    `json:"slotsPerReplica"`
	Provenance      string `json:"provenance"` // for people: "load test <id> (<name>) of <date>"
}

// Service is the measured model as deployment sizing takes it, per replica.
func (m *MeasuredCapacity) Service() *deployment.MeasuredService {
	if m == nil {
		return nil
	}
	return &deployment.MeasuredService{SlotsPerReplica: m.SlotsPerReplica, InterceptMs: m.InterceptMs,
		MsPerOutputToken: m.MsPerOutputToken, SaturationRate: m.SaturationRate / float64(max(m.Replicas, 1)),
		Provenance: m.Provenance}
}
