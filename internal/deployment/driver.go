package deployment

import "context"

// Target is what a driver works on: one deployment row's identity and configuration.
type Target struct {
	DeploymentID string
	Provider     Provider
	Region       string
	Model        string // catalog model id
	Config       Config
}

// Config is a deployment's driver configuration.
type Config struct {
	// Endpoint is, for the built-in "endpoint" driver (SELF_HOSTED), the base URL of an OpenAI-compatible
	// model server the team runs, e.g. "https://llm.example.com/v1". It must pass Policy.CheckEndpoint.
	Endpoint string
	// InstanceType and Replicas name the hardware, for cost estimates (required for a SELF_HOSTED cost).
	InstanceType string
	Replicas     int
}

// Driver provisions, watches and releases deployments for one provider. The rollout job calls it and moves
// the row with Next (driver results) and Apply (user actions); a driver never writes a status itself.
//
// Contract, shared by every implementation:
//   - Results vs errors: a Result reports the deployment (READY, PENDING with what it waits for, FAILED
//     with why); a non-nil error means the driver could not find out (its own infrastructure failed) and
//     the job retries with back-off without changing the status. A deployment that can never work (e.g. an
//     endpoint the policy refuses) is Result{FAILED}, not an error.
//   - Provision starts provisioning and is idempotent: the job may call it again after a crash.
//   - Check reports readiness while PROVISIONING (PENDING or READY, or FAILED when it can never become
//     ready) and health while ACTIVE (READY or FAILED). The provisioning deadline is the job's, applied
//     with WithDeadline, so a driver need not track time.
//   - Terminate releases everything and is idempotent; nil means nothing is left running (or billing).
//   - All methods honour ctx cancellation and return promptly.
//
// The built-in "endpoint" driver (SELF_HOSTED) provisions nothing: Provision and Check answer READY when
// GET {Config.Endpoint}/models answers 200, PENDING otherwise (with the status or error as the reason),
// dialling through a net.Dialer whose Control is Policy.ControlFor(host); Terminate forgets the endpoint.
// Cloud drivers (AWS, GCP, AZURE) would implement the same interface and are out of scope.
type Driver interface {
	// Name is the driver's registry name, e.g. "endpoint".
	Name() string
	Provision(ctx context.Context, t Target) (Result, error)
	Check(ctx context.Context, t Target) (Result, error)
	Terminate(ctx context.Context, t Target) error
}
