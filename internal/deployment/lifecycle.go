package deployment

import (
	"fmt"
	"time"
)

// Status is a deployment's lifecycle state.
type Status string

// Statuses. TERMINATED is final.
const (
	StatusProvisioning Status = "PROVISIONING"
	StatusActive       Status = "ACTIVE"
	StatusFailed       Status = "FAILED"
	StatusTerminated   Status = "TERMINATED"
)

// Final reports whether no transition leaves s.
func (s Status) Final() bool { return s == StatusTerminated }

// Actor says who causes a transition.
type Actor string

// Actors.
const (
	ActorUser   Actor = "USER"   // a mutation: terminateDeployment, redeployDeployment
	ActorDriver Actor = "DRIVER" // a driver's Provision or Check result, applied by the rollout job
)

// Transition is one legal status change.
type Transition struct {
	From  Status
	To    Status
	Actor Actor
	Cause string
}

var transitions = []Transition{
	{StatusProvisioning, StatusActive, ActorDriver, "the driver reports the deployment ready"},
	{StatusProvisioning, StatusFailed, ActorDriver, "provisioning failed or did not finish in time"},
	{StatusProvisioning, StatusTerminated, ActorUser, "terminate"},
	{StatusActive, StatusFailed, ActorDriver, "a health check failed"},
	{StatusActive, StatusTerminated, ActorUser, "terminate"},
	{StatusFailed, StatusProvisioning, ActorUser, "redeploy"},
	{StatusFailed, StatusTerminated, ActorUser, "terminate"},
}

// Transitions returns the legal transitions.
func Transitions() []Transition { return append([]Transition(nil), transitions...) }

// TransitionError is a status change the lifecycle does not allow. Its message names the current state.
type TransitionError struct {
	Current   Status
	Requested Status
	Action    Action // set when the change was asked for by a user action
}

func (e *TransitionError) Error() string {
	switch {
	case e.Current.Final():
		return fmt.Sprintf("deployment is %s, a final state; it cannot change any more", e.Current)
	case e.Action == ActionRedeploy:
		return fmt.Sprintf("deployment is %s; only a FAILED deployment can be redeployed", e.Current)
	case e.Action != "":
		return fmt.Sprintf("deployment is %s; it cannot be %s", e.Current, e.Action.pastTense())
	}
	return fmt.Sprintf("deployment is %s; it cannot move to %s", e.Current, e.Requested)
}

func find(from, to Status) (Transition, bool) {
	for _, t := range transitions {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// CheckTransition returns nil when from → to is a legal transition and a *TransitionError otherwise.
func CheckTransition(from, to Status) error {
	if _, ok := find(from, to); !ok {
		return &TransitionError{Current: from, Requested: to}
	}
	return nil
}

// Action is a user action on a deployment.
type Action string

// User actions.
const (
	ActionTerminate Action = "TERMINATE" // PROVISIONING, ACTIVE or FAILED → TERMINATED
	ActionRedeploy  Action = "REDEPLOY"  // FAILED → PROVISIONING
)

func (a Action) pastTense() string {
	if a == ActionTerminate {
		return "terminated"
	}
	return "redeployed"
}

// Apply returns the status a user action leads to from current, or a *TransitionError naming current.
func Apply(current Status, a Action) (Status, error) {
	var to Status
	switch a {
	case ActionTerminate:
		to = StatusTerminated
	case ActionRedeploy:
		to = StatusProvisioning
	default:
		return current, invalid("action", "unknown action %q; use TERMINATE or REDEPLOY", a)
	}
	if t, ok := find(current, to); !ok || t.Actor != ActorUser {
		return current, &TransitionError{Current: current, Requested: to, Action: a}
	}
	return to, nil
}

// Outcome is what a driver reports about a deployment.
type Outcome string

// Driver outcomes.
const (
	OutcomePending Outcome = "PENDING" // still coming up (PROVISIONING only)
	OutcomeReady   Outcome = "READY"   // serving
	OutcomeFailed  Outcome = "FAILED"  // cannot serve; Reason says why
)

// Result is a driver's report: an outcome and, for PENDING and FAILED, a reason a person can act on
// (e.g. "GET https://llm.example.com/v1/models answered 503").
type Result struct {
	Outcome Outcome
	Reason  string
}

// Next returns the status a driver result leads to from current: PROVISIONING + READY → ACTIVE,
// PROVISIONING or ACTIVE + FAILED → FAILED; a result that changes nothing (PENDING while PROVISIONING,
// READY while ACTIVE) keeps current. A result for a FAILED or TERMINATED deployment (e.g. one that arrives
// after the user terminated it) is a *TransitionError: drop it.
func Next(current Status, r Result) (Status, error) {
	to := current
	switch r.Outcome {
	case OutcomeReady:
		to = StatusActive
	case OutcomeFailed:
		to = StatusFailed
	case OutcomePending:
		if current == StatusProvisioning {
			return current, nil
		}
		return current, &TransitionError{Current: current, Requested: StatusProvisioning}
	default:
		return current, invalid("outcome", "unknown driver outcome %q", r.Outcome)
	}
	if to == current && current != StatusFailed {
		return current, nil
	}
	if t, ok := find(current, to); !ok || t.Actor != ActorDriver {
		return current, &TransitionError{Current: current, Requested: to}
	}
	return to, nil
}

// WithDeadline turns a PENDING result into FAILED once a deployment has been provisioning for timeout or
// longer; the reason keeps the driver's last word. started and now come from the caller (the rollout job).
func WithDeadline(r Result, started, now time.Time, timeout time.Duration) Result {
	if r.Outcome != OutcomePending || now.Sub(started) < timeout {
		return r
	}
	reason := fmt.Sprintf("not ready within %s", timeout)
	if r.Reason != "" {
		reason += ": " + r.Reason
	}
	return Result{Outcome: OutcomeFailed, Reason: reason}
}
